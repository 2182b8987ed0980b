import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EpisodeTracker, type EpisodeAlarm } from '../../src/backend/episode-tracker.js';
import { episodeRecordToJson, type EpisodeRecord } from '../../src/records/episode-record.js';

const S = 1_000_000_000n;
const alarm = (k: number, stat: string, value: number, probability: number): EpisodeAlarm => ({
  timeNs: BigInt(k) * S, series: 'x', stat, status: 'UP_ALERT', value, probability,
});

/** Feeds periods 0..n-1, with alarms where `at(k)` gives some; returns every ended episode with the period it ended at. */
function replay(tracker: EpisodeTracker, n: number, at: (k: number) => EpisodeAlarm[]): Array<{ k: number; e: EpisodeRecord }> {
  const out: Array<{ k: number; e: EpisodeRecord }> = [];
  for (let k = 0; k < n; k++) for (const e of tracker.period(at(k))) out.push({ k, e });
  for (const e of tracker.finish()) out.push({ k: n, e });
  return out;
}

test('a 30-period flood with short gaps is one episode, ended after 3 quiet periods', () => {
  // Alarms at 10..39 except 20 and 21 (a gap of 2 < 3), peak at 25.
  const ended = replay(new EpisodeTracker(3), 60, (k) =>
    k >= 10 && k < 40 && k !== 20 && k !== 21 ? [alarm(k, 'R_SYN', k === 25 ? 0.99 : 0.9, k === 25 ? 1e-9 : 1e-5)] : []);
  assert.equal(ended.length, 1);
  const { k, e } = ended[0];
  assert.equal(k, 42, 'ends at the third quiet period after 39');
  assert.equal(e.startNs, 10n * S);
  assert.equal(e.endNs, 39n * S);
  assert.equal(e.periods, 28);
  assert.equal(e.peakValue, 0.99);
  assert.equal(e.minProbability, 1e-9);
  assert.equal(e.baseline, undefined);
});

test('a gap of episode_gap quiet periods splits two episodes; statistics are tracked apart', () => {
  const ended = replay(new EpisodeTracker(3), 30, (k) => [
    ...(k === 5 || k === 6 || k === 10 ? [alarm(k, 'R_SYN', 1, 0.01)] : []),
    ...(k >= 4 && k <= 12 ? [alarm(k, 'TRAFFIC', k, 0.02)] : []),
  ]);
  const summary = ended.map(({ k, e }) => [e.stat, Number(e.startNs / S), Number(e.endNs / S), e.periods, k]);
  assert.deepEqual(summary, [
    ['R_SYN', 5, 6, 2, 9],
    ['R_SYN', 10, 10, 1, 13],
    ['TRAFFIC', 4, 12, 9, 15],
  ]);
  // Equal probabilities: the peak is the largest upper value.
  assert.equal(ended[2].e.peakValue, 12);
});

test('the end of the input ends open episodes, and a baseline change ends its episode at once', () => {
  const t = new EpisodeTracker(3);
  assert.deepEqual(t.period([alarm(1, 'A', 5, 0.1), alarm(1, 'B', 5, 0.1)]), []);
  const ended = t.period([alarm(2, 'A', 6, 0.05), alarm(2, 'B', 6, 0.05)], new Map([['A', { old_level: 10, new_level: 30 }]]));
  assert.equal(ended.length, 1);
  assert.equal(ended[0].stat, 'A');
  assert.equal(ended[0].periods, 2);
  assert.deepEqual(ended[0].baseline, { old_level: 10, new_level: 30 });
  assert.deepEqual(t.active, ['B']);
  const last = t.finish();
  assert.deepEqual(last.map((e) => [e.stat, e.periods]), [['B', 2]]);
  assert.deepEqual(t.finish(), []);
});

test('an episode record is NetSpot-style JSON with exact times and null for what is absent', () => {
  const [e] = replay(new EpisodeTracker(1), 2, (k) => (k === 0 ? [{ ...alarm(0, 'R_SYN', 0.9, 1e-7), timeNs: 1700000000123456789n }] : [])).map((x) => x.e);
  assert.deepEqual(JSON.parse(episodeRecordToJson(e)), {
    stat: 'R_SYN', status: 'UP_ALERT', start: 1700000000123456800, end: 1700000000123456800, periods: 1,
    peak_value: 0.9, min_probability: 1e-7, context: null, baseline: null,
  });
  assert.match(episodeRecordToJson(e), /"start":1700000000123456789,"end":1700000000123456789,/);
});
