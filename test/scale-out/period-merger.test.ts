/** How the aggregator closes periods, on a clock of the test's own. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PeriodMerger } from '../../src/scale-out/period-merger.js';
import type { CounterSnapshot } from '../../src/scale-out/snapshot-message.js';

const P = 1_000_000_000n;

function setup(o: { sensors?: string[]; cursor?: bigint } = {}) {
  let now = 0;
  const warnings: string[] = [];
  const m = new PeriodMerger<string>({ periodNs: P, waitMs: 5000, missing: 2, now: () => now, onWarning: (w) => warnings.push(w), ...o });
  let seq = 0;
  const snap = (sensor: string, k: number, extra: Partial<CounterSnapshot> = {}): CounterSnapshot => ({
    sensor, start: BigInt(k) * P, period: P, covered: P, partial: false, real: 0, dropped: 0, received: 0, counters: [], ...extra,
  });
  const offer = (sensor: string, k: number, extra: Partial<CounterSnapshot> = {}, replay = false) => m.offer(snap(sensor, k, extra), ++seq, `${sensor}@${k}`, replay);
  return { m, warnings, offer, tick: (ms: number) => (now += ms) };
}

test('a period closes once every known sensor reported it, not before the sensors were learnt', () => {
  const { m, offer, tick } = setup();
  offer('a', 1);
  offer('b', 1);
  assert.deepEqual(m.closeDue(), [], 'the first aggregate.wait learns the sensors');
  tick(5000);
  const [p] = m.closeDue();
  assert.deepEqual([p.start, p.sensors, p.missing, p.refs], [P, ['a', 'b'], [], ['a@1', 'b@1']]);
  offer('a', 2);
  assert.deepEqual(m.closeDue(), [], 'b has not reported period 2');
  offer('b', 2);
  assert.deepEqual(m.closeDue().map((c) => c.start), [2n * P]);
});

test('periods close in time order: a complete later period waits for an earlier one', () => {
  const { m, offer, tick } = setup({ sensors: ['a', 'b'] });
  offer('a', 1);
  tick(5000);
  offer('a', 2);
  offer('b', 2);
  const closed = m.closeDue();
  assert.deepEqual(closed.map((c) => [c.start, c.missing]), [[P, ['b']], [2n * P, []]]);
});

test('a snapshot of a judged period is late: counted and reported, not merged; a replay is acknowledged silently', () => {
  const { m, offer, tick, warnings } = setup({ sensors: ['a'] });
  offer('a', 1);
  tick(5000);
  m.closeDue();
  assert.equal(offer('b', 1), 'late');
  assert.equal(offer('a', 1, {}, true), 'replayed');
  assert.equal(m.tally.late, 1);
  assert.match(warnings.join('\n'), /late snapshot of sensor b for the period starting 1970-01-01T00:00:01.000Z \(already judged\)/);
});

test('a sensor missing for aggregate.missing periods is reported and no longer waited for, until it reports again', () => {
  const { m, offer, tick, warnings } = setup({ sensors: ['a', 'b'] });
  for (const k of [1, 2]) {
    offer('a', k);
    tick(5000);
    assert.equal(m.closeDue().length, 1);
  }
  assert.match(warnings.join('\n'), /sensor b has not reported for 2 periods: no longer waited for/);
  offer('a', 3);
  assert.deepEqual(m.closeDue().map((c) => c.missing), [[]], 'period 3 closes at once without b');
  offer('b', 4);
  assert.match(warnings.at(-1)!, /sensor b reports again/);
  offer('a', 4);
  assert.equal(m.closeDue().length, 1);
});

test('a redelivered message is merged once; a snapshot of another period length or off the grid is refused', () => {
  const { m, tick } = setup({ sensors: ['a'] });
  const s: CounterSnapshot = { sensor: 'a', start: P, period: P, covered: P, partial: false, real: 0, dropped: 0, received: 0, counters: [] };
  assert.equal(m.offer(s, 7, 'x'), 'merged');
  assert.equal(m.offer(s, 7, 'x-again'), 'duplicate');
  assert.equal(m.offer({ ...s, period: 2n * P }, 8, 'y'), 'refused');
  assert.equal(m.offer({ ...s, start: P + 1n }, 9, 'z'), 'refused');
  tick(5000);
  const [p] = m.closeDue();
  assert.equal(p.snapshots.length, 1);
  assert.deepEqual(p.refs, ['x', 'x-again'], 'both deliveries are acknowledged with the period');
});

test('lowestHeld: the oldest stream sequence still held in an open period (where a resync must start at the latest)', () => {
  const { m, offer, tick } = setup({ sensors: ['a', 'b'] });
  assert.equal(m.lowestHeld(), undefined);
  offer('a', 1); // seq 1
  offer('a', 2); // seq 2
  offer('b', 2); // seq 3
  assert.equal(m.lowestHeld(), 1);
  offer('b', 1); // seq 4: period 1 complete
  tick(5000);
  assert.deepEqual(m.closeDue().map((c) => c.start), [P, 2n * P]);
  assert.equal(m.lowestHeld(), undefined, 'nothing open, nothing held');
  offer('a', 3); // seq 5
  assert.equal(m.lowestHeld(), 5);
});
