/** Snapshots: a restored detector continues exactly; other versions and damage are refused. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DriftSpot, SNAPSHOT_VERSION, SnapshotError, type SpotConfig } from '../../src/spot/index.js';
import { Prng } from './support/prng.js';

function stream(seed: number, length: number): number[] {
  const rng = new Prng(seed);
  return Array.from({ length }, (_, i) => (i % 97 === 0 ? NaN : 10 * Math.sin(i / 300) + rng.normal()));
}

const configs: Partial<SpotConfig>[] = [
  { depth: 30, n_init: 300, q: 1e-3, down: true },
  { depth: 0, n_init: 200, q: 1e-3, alert: false, max_excess: 30 },
  { depth: 10, n_init: 100, q: 1e-3, bounded: false, up: false, down: true },
];

for (const config of configs) {
  test(`restore continues identically (${JSON.stringify(config)})`, () => {
    const values = stream(42, 6000);
    // Cut points in every phase: init, calibration, stream.
    for (const cut of [5, 150, 4000]) {
      const reference = new DriftSpot(config);
      const first = new DriftSpot(config);
      values.forEach((x, i) => {
        if (i < cut) {
          first.step(x);
          reference.step(x);
        }
      });
      const text = JSON.stringify(first.snapshot());
      const resumed = DriftSpot.restore(JSON.parse(text));
      const fromText = DriftSpot.restore(text);
      for (let i = cut; i < values.length; i++) {
        const want = reference.step(values[i]);
        assert.equal(resumed.step(values[i]), want, `cut ${cut} step ${i}`);
        assert.equal(fromText.step(values[i]), want);
        assert.ok(Object.is(resumed.upperThreshold, reference.upperThreshold), `upper at ${i}`);
        assert.ok(Object.is(resumed.lowerThreshold, reference.lowerThreshold), `lower at ${i}`);
        assert.ok(Object.is(resumed.probability, reference.probability));
      }
      assert.deepEqual(resumed.snapshot(), reference.snapshot());
    }
  });
}

function calibrated(): DriftSpot {
  const d = new DriftSpot({ depth: 20, n_init: 200, q: 1e-3, down: true });
  for (const x of stream(3, 1000)) d.step(x);
  return d;
}

test('a snapshot is plain JSON with format and version', () => {
  const s = calibrated().snapshot();
  assert.equal(s.format, 'netspot-spot-detector');
  assert.equal(s.version, SNAPSHOT_VERSION);
  assert.deepEqual(JSON.parse(JSON.stringify(s)), s);
});

test('another version or format is refused with a clear message', () => {
  const s = calibrated().snapshot();
  assert.throws(() => DriftSpot.restore({ ...s, version: 2 }), (e: unknown) => e instanceof SnapshotError && /version 2 is not supported \(this netspot reads version 1\)/.test(e.message));
  assert.throws(() => DriftSpot.restore({ ...s, format: 'other' }), /format "other" is not "netspot-spot-detector"/);
  assert.throws(() => DriftSpot.restore('[1,2]'), /expected a JSON object/);
});

test('a damaged snapshot is refused with a clear message', () => {
  const good = JSON.stringify(calibrated().snapshot());
  const damage = (f: (s: any) => void): unknown => {
    const s = JSON.parse(good);
    f(s);
    return s;
  };
  const cases: [unknown, RegExp][] = [
    [good.slice(0, good.length / 2), /not valid JSON/],
    [damage((s) => delete s.config.q), /damaged at \/config\/q/],
    [damage((s) => (s.up.peaks.values[3] = 'x')), /damaged at \/up\/peaks\/values\/3/],
    [damage((s) => (s.config.q = 2)), /damaged config: invalid spot parameter q = 2/],
    [damage((s) => s.up.peaks.values.pop()), /damaged: up: \d+ peaks for nt=/],
    [damage((s) => (s.down.peaks.max = 1e9)), /damaged: down: peaks max is not the largest peak/],
    [damage((s) => (s.up = null)), /damaged: tails do not match up\/down/],
    [damage((s) => s.drift.values.pop()), /damaged: drift window cursor out of place/],
    [damage((s) => (s.phase = "init")), /phase init with a drift window of 20\/20/],
    [damage((s) => (s.extra = 1)), /damaged at \/extra/],
    [damage((s) => (s.drift.sum += 1)), /damaged: drift window sum does not match its values/],
    [damage((s) => (s.up.peaks.sum_squares *= 2)), /damaged: up: peaks sum of squares does not match the peaks/],
    [damage((s) => (s.down.peaks.sum = 'NaN')), /damaged: down: peaks sum does not match the peaks/],
  ];
  for (const [input, message] of cases) {
    assert.throws(() => DriftSpot.restore(input), (e: unknown) => {
      assert.ok(e instanceof SnapshotError, String(e));
      assert.match(e.message, /^SPOT snapshot refused: /);
      assert.match(e.message, message);
      return true;
    });
  }
});
