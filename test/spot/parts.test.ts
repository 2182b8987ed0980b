/** The engine's parts against values known independently of the code. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { p2Quantile, sortFive } from '../../src/spot/p2-quantile.js';
import { brentRoot } from '../../src/spot/brent.js';
import { Peaks } from '../../src/spot/peaks.js';
import { Prng } from './support/prng.js';

test('P² estimates the quantiles of a uniform sample', () => {
  const rng = new Prng(4);
  const data = Array.from({ length: 100_000 }, () => rng.uniform());
  for (const p of [0.5, 0.9, 0.98, 0.02]) {
    const estimate = p2Quantile(p, data);
    assert.ok(Math.abs(estimate - p) < 0.01, `p=${p}: ${estimate}`);
  }
  assert.ok(Number.isNaN(p2Quantile(0.5, [1, 2, 3, 4])), 'fewer than five values');
  assert.equal(p2Quantile(0.9, [7, 7, 7, 7, 7, 7, 7, 7]), 7, 'ties');
});

test('the five initial markers are sorted whatever their order', () => {
  const permutations = (xs: number[]): number[][] =>
    xs.length <= 1 ? [xs] : xs.flatMap((x, i) => permutations([...xs.slice(0, i), ...xs.slice(i + 1)]).map((p) => [x, ...p]));
  for (const values of [[1, 2, 3, 4, 5], [1, 1, 2, 2, 3], [-1, 0, 0, 0, 7]]) {
    for (const p of permutations(values)) {
      const a = Float64Array.from(p);
      sortFive(a);
      assert.deepEqual(Array.from(a), values, `from ${p}`);
    }
  }
});

test('Brent finds a bracketed root and reports none without a sign change', () => {
  const root = brentRoot((x) => x * x - 2, 0, 2, 2e-8);
  assert.ok(Math.abs(root - Math.SQRT2) < 1e-7, String(root));
  assert.ok(Number.isNaN(brentRoot((x) => x * x + 1, -1, 1, 2e-8)));
});

test('bounded peaks keep the last max_excess values with exact min, max and sums', () => {
  const peaks = new Peaks(true, 3);
  const pushed = [5, 1, 3, 4, 2, 9];
  pushed.forEach((x, i) => {
    peaks.push(x);
    const held = pushed.slice(Math.max(0, i - 2), i + 1);
    assert.equal(peaks.size, held.length);
    assert.equal(peaks.min, Math.min(...held));
    assert.equal(peaks.max, Math.max(...held));
    assert.equal(peaks.sum, held.reduce((s, v) => s + v, 0));
    assert.equal(peaks.sumSquares, held.reduce((s, v) => s + v * v, 0), 'sum of squares, not the last square');
  });
  const unbounded = new Peaks(false, 2);
  for (let i = 1; i <= 100; i++) unbounded.push(i);
  assert.equal(unbounded.size, 100);
  assert.equal(unbounded.sum, 5050);
});

test('Brent gives up at once on a NaN or infinite right end where f is NaN', () => {
  let calls = 0;
  const f = (x: number): number => {
    calls++;
    return Number.isFinite(x) ? x - 1 : NaN;
  };
  assert.ok(Number.isNaN(brentRoot(f, 0, Infinity, 2e-8)));
  assert.ok(Number.isNaN(brentRoot(f, 0, NaN, 2e-8)));
  assert.equal(calls, 4);
  assert.ok(Math.abs(brentRoot(f, 0, 3, 2e-8) - 1) < 1e-7);
});
