/** A lasting change of level: NetSpot's alarm storm, and its end under the rebase policy. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Prng } from './support/prng.js';
import { parseCsv, runNetspot } from './support/cli.js';
import { DriftSpot, RebasePolicy, Status, isAlert, DEFAULT_REBASE_AFTER } from '../../src/spot/index.js';

// 10 ± 1 for the drift window and calibration (50 + 1000) and 950 more, then 30 ± 1 for good.
const rng = new Prng(12);
const CHANGE = 2000;
const series = Array.from({ length: CHANGE + 3000 }, (_, i) => (i < CHANGE ? 10 : 30) + rng.normal());
const text = series.map(String).join('\n') + '\n';

function alarmIndexes(stdout: string): number[] {
  return parseCsv(stdout).rows.filter((r) => r[2] === 'ALERT_UP').map((r) => Number(r[0]));
}

test('without the policy (--rebase-after 0, NetSpot) a lasting change alarms at every value: 3000 alarms', () => {
  const r = runNetspot(['spot', '--rebase-after', '0'], text);
  assert.equal(r.status, 0, r.stderr);
  const alarms = alarmIndexes(r.stdout);
  assert.equal(alarms.filter((i) => i >= CHANGE).length, 3000);
  assert.doesNotMatch(r.stderr, /rebased/);
});

test('with the default policy the storm ends after rebase_after alarms and the new level is reported', () => {
  const r = runNetspot(['spot'], text);
  assert.equal(r.status, 0, r.stderr);
  const alarms = alarmIndexes(r.stdout).filter((i) => i >= CHANGE);
  // The first DEFAULT_REBASE_AFTER values at the new level alarm, then (almost) nothing.
  assert.deepEqual(alarms.slice(0, DEFAULT_REBASE_AFTER), Array.from({ length: DEFAULT_REBASE_AFTER }, (_, i) => CHANGE + i));
  assert.ok(alarms.length <= DEFAULT_REBASE_AFTER + 3, `${alarms.length} alarms after the change`);
  const m = /rebased at index (\d+): level ([\d.]+) -> ([\d.]+)/.exec(r.stderr);
  assert.ok(m, r.stderr);
  assert.equal(Number(m[1]), CHANGE + DEFAULT_REBASE_AFTER - 1);
  assert.ok(Math.abs(Number(m[2]) - 10) < 0.5, `old level ${m[2]}`);
  assert.ok(Math.abs(Number(m[3]) - 30) < 0.5, `new level ${m[3]}`);
});

test('the policy on the detector itself: short bursts do not rebase, depth 0 never does', () => {
  const d = new DriftSpot();
  const p = new RebasePolicy(20, 3, d.config.depth);
  const feed = (x: number): Status => {
    const s = d.step(x);
    p.observe(d, x, s);
    return s;
  };
  for (let i = 0; i < 1050; i++) feed(10 + rng.normal());
  // Bursts of 15 alarms separated by 3 normal values: each burst is its own episode.
  for (let b = 0; b < 5; b++) {
    for (let i = 0; i < 15; i++) assert.ok(isAlert(feed(50)));
    for (let i = 0; i < 3; i++) feed(10 + rng.normal());
  }
  assert.equal(p.rebases, 0);
  // 20 alarms in one episode with gaps of 2 quiet values: rebased on all 26 values.
  for (let i = 0; i < 20; i++) {
    assert.ok(isAlert(feed(50)));
    if (i % 5 === 4 && i < 19) for (let j = 0; j < 2; j++) assert.ok(!isAlert(feed(10)));
  }
  assert.equal(p.rebases, 1);
  assert.ok(Math.abs(p.oldLevel - 10) < 0.5);
  assert.ok(Math.abs(p.newLevel - (20 * 50 + 6 * 10) / 26) < 1e-9, `new level ${p.newLevel}`);
  assert.ok(!isAlert(feed(p.newLevel + 1)));

  const flat = new DriftSpot({ depth: 0, n_init: 100 });
  const q = new RebasePolicy(5, 3, 0);
  for (let i = 0; i < 100; i++) flat.step(10 + rng.normal());
  for (let i = 0; i < 50; i++) {
    const s = flat.step(30);
    assert.equal(s, Status.ALERT_UP);
    assert.equal(q.observe(flat, 30, s), false);
  }
});
