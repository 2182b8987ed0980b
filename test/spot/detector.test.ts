/** DriftSpot behaviour: phases, drift, alerts, missing values, parameter validation. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DriftSpot,
  SPOT_CONFIG_DEFAULTS,
  Spot,
  SpotParameterError,
  Status,
  isAlert,
  resolveSpotConfig,
  statusName,
} from '../../src/spot/index.js';
import { Prng } from './support/prng.js';

test("defaults are NetSpot's", () => {
  assert.deepEqual({ ...SPOT_CONFIG_DEFAULTS }, {
    depth: 50, q: 1e-4, n_init: 1000, level: 0.98, up: true, down: false, alert: true, bounded: true, max_excess: 200,
  });
  assert.deepEqual(new DriftSpot().config, SPOT_CONFIG_DEFAULTS);
});

test('a bad parameter is refused with its name, its value and the allowed range', () => {
  const cases: [Record<string, unknown>, string, RegExp][] = [
    [{ q: 0 }, 'q', /q = 0: must be a number with 0 < q < 1 - level = 0\.02/],
    [{ q: 0.5, level: 0.9 }, 'q', /q = 0\.5: .*0 < q < 1 - level = 0\.1\b/],
    [{ level: 1 }, 'level', /level = 1: must be a number with 0 <= level < 1/],
    [{ level: -0.1 }, 'level', /level = -0\.1/],
    [{ depth: -1 }, 'depth', /depth = -1: must be an integer from 0 to/],
    [{ depth: 2.5 }, 'depth', /depth = 2\.5/],
    [{ n_init: 4 }, 'n_init', /n_init = 4: must be an integer from 5 to/],
    [{ max_excess: 0 }, 'max_excess', /max_excess = 0: must be an integer from 1 to/],
    [{ up: 'yes' }, 'up', /up = "yes": must be true or false/],
    [{ alert: 1 }, 'alert', /alert = 1: must be true or false/],
    [{ nInit: 10 }, 'nInit', /unknown key/],
  ];
  for (const [config, parameter, message] of cases) {
    assert.throws(() => new DriftSpot(config as never), (err: unknown) => {
      assert.ok(err instanceof SpotParameterError, String(err));
      assert.equal(err.parameter, parameter);
      assert.match(err.message, message);
      return true;
    });
    assert.throws(() => resolveSpotConfig(config as never), SpotParameterError);
  }
  assert.throws(() => new Spot({ q: 0.05, level: 0.98 }), /invalid spot parameter q = 0\.05/);
  assert.throws(() => new Spot({ level: 1.5 }), /invalid spot parameter level = 1\.5/);
});

test('phases: depth values of INIT, n_init of CALIBRATION, then judged values', () => {
  const rng = new Prng(1);
  const d = new DriftSpot({ depth: 10, n_init: 100, q: 1e-3 });
  for (let i = 0; i < 10; i++) {
    assert.equal(d.step(rng.exponential()), Status.INIT);
    assert.ok(Number.isNaN(d.upperThreshold) && Number.isNaN(d.lowerThreshold));
  }
  for (let i = 0; i < 100; i++) {
    assert.equal(d.step(rng.exponential()), Status.CALIBRATION);
    assert.ok(Number.isNaN(d.upperThreshold));
  }
  assert.ok(d.calibrated);
  const s = d.step(rng.exponential());
  assert.ok(s === Status.NORMAL || s === Status.EXCESS_UP || s === Status.ALERT_UP);
  assert.ok(Number.isFinite(d.upperThreshold));
  assert.ok(Number.isNaN(d.lowerThreshold), 'lower tail is off by default');
});

test('missing values (NaN, ±Infinity) change nothing and do not count toward calibration', () => {
  const a = new DriftSpot({ depth: 5, n_init: 20 });
  const b = new DriftSpot({ depth: 5, n_init: 20 });
  const rng = new Prng(7);
  for (let i = 0; i < 200; i++) {
    const x = rng.exponential();
    if (i % 7 === 0) {
      for (const bad of [NaN, Infinity, -Infinity]) assert.equal(a.step(bad), Status.MISSING);
      assert.ok(Number.isNaN(a.probability));
    }
    assert.equal(a.step(x), b.step(x), `step ${i}`);
    assert.equal(a.upperThreshold, b.upperThreshold);
  }
  assert.deepEqual(a.snapshot(), b.snapshot());
});

test('the drift is the mean of the last depth non-alarm values and moves the thresholds', () => {
  const depth = 4;
  const d = new DriftSpot({ depth, n_init: 50, q: 1e-3, down: true });
  const rng = new Prng(3);
  const kept: number[] = [];
  for (let i = 0; i < 3000; i++) {
    const x = 100 + i * 0.01 + rng.normal();
    const expected = kept.length >= depth ? kept.slice(-depth).reduce((s, v) => s + v, 0) / depth : NaN;
    const status = d.step(x);
    if (status !== Status.INIT) assert.ok(Math.abs(d.drift - expected) < 1e-9, `drift at ${i}: ${d.drift} vs ${expected}`);
    if (d.calibrated && status !== Status.CALIBRATION) {
      assert.ok(Math.abs(d.upperThreshold - ((d.upper as Spot).anomalyThreshold + d.drift)) < 1e-9 || status !== Status.NORMAL);
      assert.ok(d.lowerThreshold < x + 10 && d.upperThreshold > x - 10, 'thresholds follow the drifting level');
    }
    if (!isAlert(status)) kept.push(x);
  }
});

test('an alert is flagged with its probability and kept out of both tails and the drift', () => {
  const rng = new Prng(11);
  const d = new DriftSpot({ depth: 20, n_init: 500, q: 1e-3, down: true });
  for (let i = 0; i < 2000; i++) d.step(rng.normal());
  const before = JSON.stringify(d.snapshot());
  const upper = d.upper as Spot;
  assert.equal(d.step(1e6), Status.ALERT_UP);
  assert.ok(d.probability >= 0 && d.probability < 1e-3, `probability ${d.probability}`);
  assert.equal(d.step(-1e6), Status.ALERT_DOWN);
  assert.ok(d.probability >= 0 && d.probability < 1e-3, `probability ${d.probability}`);
  assert.equal(JSON.stringify(d.snapshot()), before, 'nothing changed');
  // The reported probability is the model's: probability and quantile are inverse.
  const z = upper.quantile(1e-3);
  assert.ok(Math.abs(upper.probability(z) - 1e-3) < 1e-15, `probability at z: ${upper.probability(z)}`);
  assert.ok(Math.abs(upper.probability(upper.quantile(1e-5)) - 1e-5) < 1e-17);
  assert.equal(statusName(Status.ALERT_DOWN), 'ALERT_DOWN');
});

test('with alert off, values beyond the threshold are excesses and nothing is flagged', () => {
  const rng = new Prng(5);
  const d = new DriftSpot({ depth: 0, n_init: 500, q: 1e-3, alert: false });
  for (let i = 0; i < 1000; i++) d.step(rng.exponential());
  const z = d.upperThreshold;
  assert.equal(d.step(z + 100), Status.EXCESS_UP);
  assert.ok(Number.isNaN(d.probability));
  assert.ok(d.upperThreshold === z, 'the value was judged against the previous threshold');
});

test('unbounded keeps every peak', () => {
  const rng = new Prng(9);
  const d = new DriftSpot({ depth: 0, n_init: 1000, q: 1e-3, bounded: false, max_excess: 10 });
  for (let i = 0; i < 5000; i++) d.step(rng.exponential());
  const upper = d.upper as Spot;
  assert.equal(upper.peaks.size, upper.nt);
  assert.ok(upper.nt > 50);
});

test('a constant series: values at the excess threshold are excesses, a jump is an alert', () => {
  const d = new DriftSpot({ depth: 10, n_init: 100, q: 1e-3, up: true, down: true });
  for (let i = 0; i < 110; i++) d.step(0);
  // The constant batch has no value beyond its excess threshold: the fit leaves both
  // thresholds NaN, so the first value cannot be judged; being an excess of 0, it fits them.
  assert.equal(d.step(0), Status.FIT_ERROR);
  assert.ok(Number.isNaN(d.upperThreshold) && Number.isNaN(d.lowerThreshold));
  for (let i = 0; i < 3000; i++) assert.equal(d.step(0), Status.EXCESS_UP, `step ${i}`);
  assert.equal(d.upperThreshold, 0);
  assert.equal(d.lowerThreshold, 0);
  assert.equal(d.step(1), Status.ALERT_UP);
  assert.equal(d.probability, 0);
  assert.equal(d.step(-1), Status.ALERT_DOWN);
});

test("Spot.fit reports a NaN anomaly threshold with libspot's error code", () => {
  const constant = new Spot({ q: 1e-3 });
  assert.equal(constant.fit(new Array(100).fill(3)), -1004, 'no value beyond the excess threshold: nothing to fit');
  assert.ok(Number.isNaN(constant.anomalyThreshold));
  const rng = new Prng(3);
  const spread = new Spot({ q: 1e-3 });
  assert.equal(spread.fit(Array.from({ length: 1000 }, () => rng.exponential())), 0);
  assert.ok(Number.isFinite(spread.anomalyThreshold));
});

test('a tail left without a threshold by its fit says FIT_ERROR, not NORMAL, until excesses arrive', () => {
  // Calibrated on a constant (no excess), then the stream stays below it: the upper tail
  // never gets an excess, so it can never judge.
  const d = new DriftSpot({ depth: 0, n_init: 20, up: true, down: false });
  for (let i = 0; i < 20; i++) assert.equal(d.step(1), Status.CALIBRATION);
  for (let i = 0; i < 50; i++) {
    assert.equal(d.step(0.5 + (i % 5) / 20), Status.FIT_ERROR, `step ${i}`);
    assert.ok(Number.isNaN(d.upperThreshold));
  }
  // A value at the excess threshold is an excess (of size 0): the tail is fitted again.
  assert.equal(d.step(1), Status.FIT_ERROR);
  assert.equal(d.step(0.5), Status.NORMAL);
  assert.equal(d.upperThreshold, 1);
  assert.equal(statusName(Status.FIT_ERROR), 'FIT_ERROR');
});
