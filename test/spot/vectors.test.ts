/**
 * The reference vectors (libspot 2.0 runs, test/data/spot-vectors) reproduced through
 * the module (Spot and DriftSpot with depth 0) and through `netspot spot`: same result at
 * every step, thresholds, gamma and sigma within 1e-9 relative. Vectors of ../shared/data
 * that test/data does not hold run too, as extras.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DriftSpot, Spot, Status } from '../../src/spot/index.js';
import { extrasNote, readDataText } from '../support/test-data.js';
import { type SpotVector, closeRelative, readVector, vectorFiles } from './support/vectors.js';
import { num, parseCsv, runNetspot } from './support/cli.js';

const files = vectorFiles();
const tmp = mkdtempSync(path.join(tmpdir(), 'netspot-vectors-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

test('the reference vectors are in test/data (more files are checked too)', (t) => {
  const required = files.filter((f) => !f.extra).map((f) => f.name);
  for (const name of [
    'exp_upper.csv',
    'nan_inputs.csv',
    'normal_lower.csv',
    'pareto_nodiscard.csv',
    'physics_lower.csv',
    'physics_upper.csv',
    'uniform_small_tail.csv',
  ]) {
    assert.ok(required.includes(name), name);
  }
  t.diagnostic(extrasNote(files, 'spot-vectors'));
});

function assertClose(actual: number, expected: number, what: string): void {
  assert.ok(closeRelative(actual, expected), `${what}: ${actual} vs reference ${expected}`);
}

/** libspot's result code for a detector status. */
function libspotCode(status: number): number {
  switch (status) {
    case Status.NORMAL:
      return 0;
    case Status.EXCESS_UP:
    case Status.EXCESS_DOWN:
      return 1;
    case Status.ALERT_UP:
    case Status.ALERT_DOWN:
      return 2;
    case Status.MISSING:
      return -1005;
    default:
      return NaN;
  }
}

function spotFor(v: SpotVector): Spot {
  const h = v.header;
  return new Spot({ q: h.q, level: h.level, low: h.low, discard_anomalies: h.discard, max_excess: h.maxExcess });
}

function detectorConfig(v: SpotVector) {
  const h = v.header;
  return { depth: 0, q: h.q, level: h.level, n_init: h.nFit, up: !h.low, down: h.low, alert: h.discard, max_excess: h.maxExcess };
}

/** `netspot spot` reads the vector as a plain CSV file, as a user would give it. */
function plainFile(stored: string): string {
  if (!stored.endsWith('.gz')) return stored;
  const out = path.join(tmp, path.basename(stored, '.gz'));
  writeFileSync(out, readDataText(stored));
  return out;
}

for (const data of files) {
  const v = readVector(data);
  const file = data.extra ? `${data.name} (extra, from ../shared/data/spot-vectors)` : data.name;
  const where = (i: number) => `${file} step ${i}`;

  test(`${file}: Spot reproduces libspot's fit, every step and the final model`, () => {
    const spot = spotFor(v);
    spot.fit(v.fit);
    assert.equal(spot.nt, v.afterFit.Nt);
    assert.equal(spot.n, v.afterFit.n);
    assertClose(spot.excessThreshold, v.afterFit.excess_threshold, `${file} fit t`);
    assertClose(spot.anomalyThreshold, v.afterFit.anomaly_threshold, `${file} fit z`);
    assertClose(spot.gamma, v.afterFit.gamma, `${file} fit gamma`);
    assertClose(spot.sigma, v.afterFit.sigma, `${file} fit sigma`);
    v.steps.forEach((s, i) => {
      const r = spot.step(s.x);
      if (r !== s.result) assert.fail(`${where(i)}: result ${r}, reference ${s.result}`);
      if (!closeRelative(spot.excessThreshold, s.t)) assertClose(spot.excessThreshold, s.t, `${where(i)} t`);
      if (!closeRelative(spot.anomalyThreshold, s.z)) assertClose(spot.anomalyThreshold, s.z, `${where(i)} z`);
      if (!closeRelative(spot.gamma, s.gamma)) assertClose(spot.gamma, s.gamma, `${where(i)} gamma`);
      if (!closeRelative(spot.sigma, s.sigma)) assertClose(spot.sigma, s.sigma, `${where(i)} sigma`);
    });
    assert.equal(spot.n, v.end.n);
    assert.equal(spot.nt, v.end.Nt);
    assertClose(spot.probability(spot.anomalyThreshold), v.end['p(anomaly_threshold)'], `${file} end probability`);
    assertClose(spot.quantile(v.header.q / 10), v.end['quantile(q/10)'], `${file} end quantile(q/10)`);
  });

  test(`${file}: DriftSpot with depth 0 and one tail is libspot`, () => {
    const d = new DriftSpot(detectorConfig(v));
    for (const x of v.fit) assert.equal(d.step(x), Status.CALIBRATION);
    const tail = (v.header.low ? d.lower : d.upper) as Spot;
    let z = v.afterFit.anomaly_threshold;
    v.steps.forEach((s, i) => {
      const status = d.step(s.x);
      if (libspotCode(status) !== s.result) assert.fail(`${where(i)}: status ${status}, reference ${s.result}`);
      if (s.result !== -1005) {
        const judged = v.header.low ? d.lowerThreshold : d.upperThreshold;
        if (!closeRelative(judged, z)) assertClose(judged, z, `${where(i)} threshold judged against`);
        const other = v.header.low ? d.upperThreshold : d.lowerThreshold;
        assert.ok(Number.isNaN(other), 'the disabled tail has no threshold');
      }
      if (!closeRelative(tail.gamma, s.gamma)) assertClose(tail.gamma, s.gamma, `${where(i)} gamma`);
      if (!closeRelative(tail.sigma, s.sigma)) assertClose(tail.sigma, s.sigma, `${where(i)} sigma`);
      z = s.z;
    });
    assertClose(tail.anomalyThreshold, z, `${file} final z`);
  });

  test(`${file}: netspot spot reproduces every step`, () => {
    const c = detectorConfig(v);
    const args = ['spot', '--column', 'x', '--details', '--depth', '0', '--q', String(c.q), '--level', String(c.level),
      '--n-init', String(c.n_init), '--max-excess', String(c.max_excess), c.up ? '--up' : '--no-up',
      c.down ? '--down' : '--no-down', c.alert ? '--alert' : '--no-alert', plainFile(data.path)];
    const r = runNetspot(args);
    assert.equal(r.status, 0, r.stderr);
    const { header, rows } = parseCsv(r.stdout);
    assert.deepEqual(header.slice(0, 6), ['index', 'value', 'status', 'upper_threshold', 'lower_threshold', 'probability']);
    const col = (name: string) => header.indexOf(name);
    const side = v.header.low ? 'lower' : 'upper';
    const [iStatus, iJudged, iT, iG, iS] = [col('status'), col(`${side}_threshold`), col(`${side}_excess_threshold`), col(`${side}_gamma`), col(`${side}_sigma`)];
    assert.equal(rows.length, v.fit.length + v.steps.length);
    for (let i = 0; i < v.fit.length; i++) assert.equal(rows[i][iStatus], 'CALIBRATION');
    const codes: Record<string, number> = { NORMAL: 0, EXCESS_UP: 1, EXCESS_DOWN: 1, ALERT_UP: 2, ALERT_DOWN: 2, MISSING: -1005 };
    let z = v.afterFit.anomaly_threshold;
    v.steps.forEach((s, i) => {
      const row = rows[v.fit.length + i];
      assert.equal(Number(row[0]), v.fit.length + i);
      if (codes[row[iStatus]] !== s.result) assert.fail(`${where(i)}: status ${row[iStatus]}, reference ${s.result}`);
      const checks: [number, number, string][] = [
        [num(row[iT]), s.t, 'excess threshold'],
        [num(row[iG]), s.gamma, 'gamma'],
        [num(row[iS]), s.sigma, 'sigma'],
      ];
      if (s.result !== -1005) checks.push([num(row[iJudged]), z, 'threshold judged against']);
      for (const [a, b, what] of checks) if (!closeRelative(a, b)) assertClose(a, b, `${where(i)} ${what}`);
      z = s.z;
    });
  });
}
