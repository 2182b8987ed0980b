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
 * in the period. `counters`: the period's counter state (wire-state.ts). `talkers` (optional:
 * sensors with analyzer.context_top > 0): the period's whole top-talker lists, merged into the
 * aggregate's alarm context (context/talker-summary.ts):
 *
 *   "talkers":{"src":{"total":812,"floor":0,"keys":[[0,0,65535,167772161,120,0], ...]},"dst":{...},"dst_port":{...}}
 *
 * a key being its four words (an address as IPv6 words, IPv4 mapped; a port as 0, 0, protocol,
 * port), its count and its possible overcount. A reader refuses any other `v` (a newer
 * sensor) with a message saying so; fields it does not know it ignores.
 */
import type { PeriodCountersState } from '../counters/counter-state.js';
import { decodeState, encodeState, WireStateError, type ReceivedEntry } from './wire-state.js';
import type { HeavyList, TalkerSummary } from '../context/talker-summary.js';
import type { HeavyKey } from '../context/space-saving.js';

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
  readonly talkers?: TalkerSummary;
}

export function encodeSnapshot(head: SnapshotHead, state: PeriodCountersState, talkers?: TalkerSummary): string {
  const list = (l: HeavyList) => ({ total: l.total, floor: l.floor, keys: l.keys.map((k) => [...k.words, k.count, k.error]) });
  return JSON.stringify({
    v: SNAPSHOT_VERSION, sensor: head.sensor, start: head.start.toString(), period: head.period.toString(),
    covered: head.covered.toString(), partial: head.partial, real: head.real, dropped: head.dropped, received: head.received,
    counters: encodeState(state),
    talkers: talkers === undefined ? undefined : { src: list(talkers.src), dst: list(talkers.dst), dst_port: list(talkers.dstPort) },
  });
}

/** At most this many keys per list (a sensor sends its capacity: 64 by default, 4 x context_top). */
const MAX_KEYS = 4096;

function decodeTalkers(t: unknown): TalkerSummary {
  const bad = (what: string): never => {
    throw new SnapshotFormatError(`"talkers" ${what}`);
  };
  if (typeof t !== 'object' || t === null) return bad('is not an object');
  const count = (v: unknown, what: string): number => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : bad(`${what} is not a non-negative number`));
  const word = (v: unknown): number => (Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 0xffffffff ? (v as number) : bad('has a key word that is not a 32-bit unsigned integer'));
  const list = (name: string): HeavyList => {
    const l = (t as Record<string, unknown>)[name] as Record<string, unknown> | undefined;
    if (typeof l !== 'object' || l === null) return bad(`has no list "${name}"`);
    if (!Array.isArray(l.keys) || l.keys.length > MAX_KEYS) return bad(`"${name}" has no keys array of at most ${MAX_KEYS} keys`);
    const keys = l.keys.map((k: unknown): HeavyKey => {
      if (!Array.isArray(k) || k.length !== 6) return bad(`"${name}" has a key that is not [w0, w1, w2, w3, count, error]`);
      const c = count(k[4], `"${name}" count`), e = count(k[5], `"${name}" error`);
      if (e > c) return bad(`"${name}" has a key whose error exceeds its count`);
      return { words: [word(k[0]), word(k[1]), word(k[2]), word(k[3])], count: c, error: e, min: c - e };
    });
    return { total: count(l.total, `"${name}" total`), floor: count(l.floor, `"${name}" floor`), keys };
  };
  return { src: list('src'), dst: list('dst'), dstPort: list('dst_port') };
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
    ...(o.talkers === undefined ? {} : { talkers: decodeTalkers(o.talkers) }),
  };
}
