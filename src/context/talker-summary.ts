/**
 * Top talkers of several parts of one period (the sensors of a site, `netspot aggregate`):
 * each part hands over its whole Space-Saving lists (`TopTalkers.summary`), and the lists
 * are merged here into one alarm context.
 *
 * Merge rule (mergeable summaries, Agarwal et al., 2012): a key's guaranteed count is the sum
 * of the parts' guaranteed counts (a part that did not monitor it adds 0); its upper bound is
 * the sum of the parts' counts, plus, for each part whose list was full and did not monitor
 * it, that list's smallest count (the most the key can have had there). Keys are ranked as in
 * one part: guaranteed count, then upper bound, then key. When every part saw at most
 * `capacity` keys per list and counted every packet (no sampling: at most EXACT_PACKETS IP
 * packets a period), every count is exact and the merged lists are those of one analysis of
 * all the traffic; otherwise the error bounds of the parts add up.
 */
import type { HeavyKey } from './space-saving.js';
import type { AlarmContext, TopAddress, TopPort } from '../records/alarm-context.js';
import { addressText } from './address-text.js';

/** Protocol numbers kept in the third word of a port key. */
export const TCP = 6;
export const UDP = 17;

/** One list of one part: its monitored keys, its total weight, its smallest count when full (else 0). */
export interface HeavyList {
  readonly total: number;
  readonly floor: number;
  readonly keys: readonly HeavyKey[];
}

export interface TalkerSummary {
  readonly src: HeavyList;
  readonly dst: HeavyList;
  readonly dstPort: HeavyList;
}

/** The `top` heaviest keys of several parts' lists of the same kind. */
export function mergeHeavy(parts: readonly HeavyList[], top: number): { keys: HeavyKey[]; total: number } {
  const merged = new Map<string, { words: HeavyKey['words']; min: number; count: number; seen: Set<number> }>();
  let total = 0;
  parts.forEach((part, i) => {
    total += part.total;
    for (const k of part.keys) {
      const id = k.words.join(',');
      let m = merged.get(id);
      if (m === undefined) merged.set(id, (m = { words: k.words, min: 0, count: 0, seen: new Set() }));
      m.min += k.min;
      m.count += k.count;
      m.seen.add(i);
    }
  });
  const keys: HeavyKey[] = [];
  for (const m of merged.values()) {
    let count = m.count;
    parts.forEach((part, i) => {
      if (!m.seen.has(i)) count += part.floor;
    });
    keys.push({ words: m.words, min: m.min, count, error: count - m.min });
  }
  keys.sort((a, b) => b.min - a.min || b.count - a.count || compareWords(a.words, b.words));
  return { keys: keys.slice(0, Math.max(0, top)), total };
}

/** The alarm context of several parts' top talkers (`top` per list). */
export function mergeTalkers(parts: readonly TalkerSummary[], top: number): AlarmContext {
  const src = mergeHeavy(parts.map((p) => p.src), top);
  const dst = mergeHeavy(parts.map((p) => p.dst), top);
  const port = mergeHeavy(parts.map((p) => p.dstPort), top);
  return {
    top_src: src.keys.map((k) => topAddress(k, src.total)),
    top_dst: dst.keys.map((k) => topAddress(k, dst.total)),
    top_dst_port: port.keys.map((k) => topPort(k, port.total)),
  };
}

function share(n: number, total: number): number {
  return total === 0 ? 0 : Math.round((n / total) * 1e4) / 1e4;
}

export function topAddress(k: HeavyKey, total: number): TopAddress {
  // Counts are whole packets; sampled periods give estimates in whole packets too.
  const [w0, w1, w2, w3] = k.words;
  return { addr: addressText(w0, w1, w2, w3), pkts: k.min, share: share(k.min, total) };
}

export function topPort(k: HeavyKey, total: number): TopPort {
  return { port: k.words[3], proto: k.words[2] === TCP ? 'tcp' : 'udp', pkts: k.min, share: share(k.min, total) };
}

function compareWords(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < 4; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}
