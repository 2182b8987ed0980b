/**
 * The message a sensor publishes for each period (exporter.nats), version 1: JSON,
 *
 *   {"v":1,"sensor":"tap1","start":"1700000003000000000","period":"1000000000",
 *    "covered":"1000000000","partial":false,"real":0.0021,"dropped":0,"received":0,
 *    "counters":[{"names":["PKTS","IP","SYN"],"kind":"shapes","shapes":"...","packets":"...","ipBytes":"..."},
 *                {"names":["NB_UNIQ_SRC_ADDR"],"kind":"addresses","v4":"...","v6":""}, ...]}
 *
 * Times are decimal nanoseconds since 1970 (beyond a double's exact range, hence strings):
 * the period is [start, start + period) on the epoch grid; `covered` is how much of it the
 * sensor's input covered (less than `period` only for a partial period, the last of an input).
 * `real`, `dropped`, `received`: the sensor's processing seconds and capture drops and receipts
 * in the period. `counters`: the period's counter state (wire-state.ts). A reader refuses any
 * other `v` (a newer sensor) with a message saying so.
 */
import type { PeriodCountersState } from '../counters/counter-state.js';
import { decodeState, encodeState, WireStateError, type ReceivedEntry } from './wire-state.js';

export const SNAPSHOT_VERSION = 1;

export interface SnapshotHead {
  readonly sensor: string;
  readonly start: bigint;
  readonly period: bigint;
  readonly covered: bigint;
  readonly partial: boolean;
  readonly real: number;
  readonly dropped: number;
  readonly received: number;
}

export interface CounterSnapshot extends SnapshotHead {
  readonly counters: readonly ReceivedEntry[];
}

export function encodeSnapshot(head: SnapshotHead, state: PeriodCountersState): string {
  return JSON.stringify({
    v: SNAPSHOT_VERSION, sensor: head.sensor, start: head.start.toString(), period: head.period.toString(),
    covered: head.covered.toString(), partial: head.partial, real: head.real, dropped: head.dropped, received: head.received,
    counters: encodeState(state),
  });
}

/** Why a message is no snapshot this aggregator can use. */
export class SnapshotFormatError extends Error {}

const DECIMAL = /^\d{1,30}$/;

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
  const num = (key: string): number => {
    const v = o[key];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new SnapshotFormatError(`"${key}" is not a non-negative number`);
    return v;
  };
  if (typeof o.sensor !== 'string' || o.sensor === '') throw new SnapshotFormatError('no "sensor"');
  if (typeof o.partial !== 'boolean') throw new SnapshotFormatError('"partial" is not true or false');
  const period = time('period');
  if (period <= 0n) throw new SnapshotFormatError('"period" is not positive');
  let counters: ReceivedEntry[];
  try {
    counters = decodeState(o.counters);
  } catch (err) {
    if (err instanceof WireStateError) throw new SnapshotFormatError(err.message);
    throw err;
  }
  return {
    sensor: o.sensor, start: time('start'), period, covered: time('covered'), partial: o.partial,
    real: num('real'), dropped: num('dropped'), received: num('received'), counters,
  };
}
