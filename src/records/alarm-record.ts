import { alarmContextToJson, type AlarmContext } from './alarm-context.js';

/** One record per alert: NetSpot's alarm record, plus who is behind it (`context`). */
export interface AlarmRecord {
  /** End of the period the value belongs to, Unix nanoseconds. */
  readonly timeNs: bigint;
  readonly series: string;
  readonly status: 'UP_ALERT' | 'DOWN_ALERT';
  readonly stat: string;
  readonly value: number;
  /** 1 for an upper alert, -1 for a lower one (NetSpot's codes). */
  readonly code: 1 | -1;
  /** Probability of a value at least this extreme under the fitted tail. */
  readonly probability: number;
  /** The threshold that was crossed. */
  readonly threshold: number;
  /** The period's top sources, destinations and ports (absent when analyzer.context_top is 0). */
  readonly context?: AlarmContext;
}

export function alarmRecordToJson(a: AlarmRecord): string {
  const num = (v: number): string => (Number.isFinite(v) ? String(v) : 'null');
  return (
    `{"time":${a.timeNs},"status":"${a.status}","stat":"${a.stat}","value":${num(a.value)},` +
    `"code":${a.code},"probability":${num(a.probability)},"threshold":${num(a.threshold)}` +
    (a.context !== undefined ? `,"context":${alarmContextToJson(a.context)}}` : '}')
  );
}
