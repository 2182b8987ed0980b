/**
 * The message a sensor publishes for each period (exporter.nats), version 1: JSON,
 *
 *   {"v":1,"sensor":"tap1","start":"1700000003000000000","period":"1000000000",
 *    "covered":"1000000000","partial":false,
 *    "counters":{"PKTS":{"sum":120},"SOURCE_TIME":{"max":1},"NB_UNIQ_SRC_ADDR":{"set":["10.0.0.1"]}}}
 *
 * Times are decimal nanoseconds since 1970 (beyond a double's exact range, hence strings):
 * the period is [start, start + period) on the epoch grid; `covered` is how much of it the
 * sensor's input covered (less than `period` only for a partial period, the last of an input).
 * A reader refuses any other `v` (a newer sensor) with a message saying so.
 */
import { WIRE_EXACT_MAX, type CounterState } from './counter-state.js';
import { HLL_REGISTERS } from '../zeek/hyperloglog.js';

export const SNAPSHOT_VERSION = 1;

export interface CounterSnapshot {
  readonly v: typeof SNAPSHOT_VERSION;
  readonly sensor: string;
  readonly start: bigint;
  readonly period: bigint;
  readonly covered: bigint;
  readonly partial: boolean;
  readonly counters: Readonly<Record<string, CounterState>>;
}

export function encodeSnapshot(s: Omit<CounterSnapshot, 'v'>): string {
  return JSON.stringify({
    v: SNAPSHOT_VERSION, sensor: s.sensor, start: s.start.toString(), period: s.period.toString(),
    covered: s.covered.toString(), partial: s.partial, counters: s.counters,
  });
}

/** Why a message is no snapshot this aggregator can use. */
export class SnapshotFormatError extends Error {}

const DECIMAL = /^\d{1,30}$/;
const HLL_BASE64_LENGTH = Math.ceil(HLL_REGISTERS / 3) * 4;

export function decodeSnapshot(text: string): CounterSnapshot {
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(text) as Record<string, unknown>;
  } catch (err) {
    throw new SnapshotFormatError(`not JSON (${(err as Error).message})`);
  }
  if (typeof o !== 'object' || o === null) throw new SnapshotFormatError('not a JSON object');
  if (o.v !== SNAPSHOT_VERSION) throw new SnapshotFormatError(`message version ${JSON.stringify(o.v)}, this aggregator reads version ${SNAPSHOT_VERSION}`);
  const time = (key: string): bigint => {
    const t = o[key];
    if (typeof t !== 'string' || !DECIMAL.test(t)) throw new SnapshotFormatError(`"${key}" is not decimal nanoseconds: ${JSON.stringify(t)}`);
    return BigInt(t);
  };
  if (typeof o.sensor !== 'string' || o.sensor === '') throw new SnapshotFormatError('no "sensor"');
  if (typeof o.partial !== 'boolean') throw new SnapshotFormatError('"partial" is not true or false');
  const counters = o.counters;
  if (typeof counters !== 'object' || counters === null || Array.isArray(counters)) throw new SnapshotFormatError('"counters" is not an object');
  for (const [name, s] of Object.entries(counters as Record<string, unknown>)) checkState(name, s);
  const period = time('period');
  if (period <= 0n) throw new SnapshotFormatError('"period" is not positive');
  return {
    v: SNAPSHOT_VERSION, sensor: o.sensor, start: time('start'), period, covered: time('covered'), partial: o.partial,
    counters: counters as Record<string, CounterState>,
  };
}

function checkState(name: string, s: unknown): void {
  const bad = (why: string): never => {
    throw new SnapshotFormatError(`counter ${name}: ${why}`);
  };
  if (typeof s !== 'object' || s === null) bad('not an object');
  const st = s as Record<string, unknown>;
  if ('sum' in st || 'max' in st) {
    const v = st.sum ?? st.max;
    if (typeof v !== 'number' || !Number.isFinite(v)) bad('not a finite number');
  } else if ('set' in st) {
    if (!Array.isArray(st.set) || !st.set.every((m) => typeof m === 'string')) bad('"set" is not a list of strings');
    if ((st.set as unknown[]).length > WIRE_EXACT_MAX) bad(`"set" holds more than ${WIRE_EXACT_MAX} members`);
  } else if ('hll' in st) {
    if (typeof st.hll !== 'string' || st.hll.length !== HLL_BASE64_LENGTH) bad(`"hll" is not ${HLL_REGISTERS} registers in base64`);
  } else bad('neither sum, max, set nor hll');
}
