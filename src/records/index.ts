export type { DataRecord, StatOutcome } from './data-record.js';
export { dataRecordToJson, jsonNumber, NOT_JUDGED } from './data-record.js';
export type { AlarmRecord } from './alarm-record.js';
export { alarmRecordToJson } from './alarm-record.js';
export { formatTimeNs } from './time.js';
