export type { DataRecord, StatOutcome } from './data-record.js';
export { dataRecordToJson, jsonNumber, NOT_JUDGED } from './data-record.js';
export type { AlarmRecord } from './alarm-record.js';
export { alarmRecordToJson } from './alarm-record.js';
export { formatTimeNs } from './time.js';
export type { AlarmContext, TopAddress, TopPort } from './alarm-context.js';
export { alarmContextToJson, alarmContextText } from './alarm-context.js';
export type { EpisodeRecord, BaselineChange } from './episode-record.js';
export { episodeRecordToJson } from './episode-record.js';
