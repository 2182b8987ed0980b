/**
 * Merging the top talkers of several parts of a period (the sensors of `netspot aggregate`):
 * against exact counts of the streams (a Map), the merged lists keep Space-Saving's guarantees
 * with the parts' bounds added, and are exact when every part's lists were.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SpaceSaving } from '../../src/context/space-saving.js';
import { mergeHeavy, type HeavyList } from '../../src/context/talker-summary.js';
import { decodeSnapshot, encodeSnapshot, SnapshotFormatError } from '../../src/scale-out/snapshot-message.js';
import { COUNTER_STATE_VERSION } from '../../src/counters/counter-state.js';

/** A skewed stream of keys 0..distinct-1 (a few heavy ones), deterministic. */
function stream(n: number, distinct: number, seed: number): number[] {
  let x = seed;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    const u = x / 2 ** 32;
    out.push(Math.floor(distinct * u ** 4));
  }
  return out;
}

function summarize(keys: number[], capacity: number): HeavyList {
  const s = new SpaceSaving(capacity);
  for (const k of keys) s.add(0, 0, 0xffff, k);
  return { total: s.total, floor: s.smallestCount(), keys: s.top(capacity) };
}

test('merged lists: guaranteed <= true count <= upper bound, and no key above the summed bounds is missed', () => {
  const capacity = 32;
  const parts = [stream(5000, 400, 1), stream(3000, 400, 2), stream(8000, 900, 3)];
  const truth = new Map<number, number>();
  for (const p of parts) for (const k of p) truth.set(k, (truth.get(k) ?? 0) + 1);
  const lists = parts.map((p) => summarize(p, capacity));
  assert.ok(lists.every((l) => l.floor > 0), 'every part overflowed its list (the case with error bounds)');
  const merged = mergeHeavy(lists, 1000);
  assert.equal(merged.total, 16000);
  for (const k of merged.keys) {
    const t = truth.get(k.words[3]) ?? 0;
    assert.ok(k.min <= t && t <= k.count, `key ${k.words[3]}: ${k.min} <= ${t} <= ${k.count}`);
  }
  const bound = parts.reduce((b, p) => b + p.length / capacity, 0);
  const reported = new Set(merged.keys.map((k) => k.words[3]));
  for (const [k, t] of truth) if (t > bound) assert.ok(reported.has(k), `key ${k} (${t} > ${bound}) is reported`);
});

test('merged lists are exact, and ranked as one list would be, when every part saw few keys', () => {
  const parts = [stream(700, 20, 4), stream(400, 25, 5)];
  const merged = mergeHeavy(parts.map((p) => summarize(p, 64)), 10);
  const one = summarize(parts.flat(), 64).keys.slice(0, 10);
  assert.deepEqual(merged.keys, one);
  assert.ok(merged.keys.every((k) => k.error === 0));
});

test('a snapshot carries its talkers whole; a damaged talkers field is refused with the reason', () => {
  const head = { sensor: 's1', start: 1_700_000_000_000_000_000n, period: 1_000_000_000n, covered: 1_000_000_000n, partial: false, real: 0, dropped: 0, received: 0 };
  const list = summarize(stream(300, 50, 6), 64);
  const talkers = { src: list, dst: list, dstPort: list };
  const text = encodeSnapshot(head, { version: COUNTER_STATE_VERSION, entries: [] }, talkers);
  assert.deepEqual(decodeSnapshot(text).talkers, talkers);
  const o = JSON.parse(text);
  o.talkers.dst.keys[0][5] = o.talkers.dst.keys[0][4] + 1;
  assert.throws(() => decodeSnapshot(JSON.stringify(o)), (e: Error) => e instanceof SnapshotFormatError && /"talkers" "dst" has a key whose error exceeds its count/.test(e.message));
  o.talkers.dst.keys[0] = [1, 2, 3];
  assert.throws(() => decodeSnapshot(JSON.stringify(o)), /"talkers" "dst" has a key that is not \[w0, w1, w2, w3, count, error\]/);
  o.talkers.dst = o.talkers.src;
  delete o.talkers.dst_port;
  assert.throws(() => decodeSnapshot(JSON.stringify(o)), /"talkers" has no list "dst_port"/);
});
