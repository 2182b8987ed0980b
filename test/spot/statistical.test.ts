/**
 * SPOT's promise: the threshold z_q is exceeded with probability q. Checked on 10^6 values
 * with q = 1e-3 (seeded generator), counting the values beyond the threshold they were judged
 * against, with the models fed every value (alert off): with alert on, flagged values are kept
 * out of the model, which censors the tail (see docs/spot.md).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DriftSpot } from '../../src/spot/index.js';
import { Prng } from './support/prng.js';

const N = 1_000_000;
const Q = 1e-3;

test('upper tail of Exp(1): share beyond the threshold within [q/2, 2q]', () => {
  const rng = new Prng(2017);
  const d = new DriftSpot({ q: Q, alert: false });
  let judged = 0;
  let beyond = 0;
  for (let i = 0; i < N; i++) {
    const x = rng.exponential();
    d.step(x);
    if (d.upperThreshold === d.upperThreshold) {
      judged++;
      if (x > d.upperThreshold) beyond++;
    }
  }
  const share = beyond / judged;
  assert.ok(judged > N - 2000);
  assert.ok(share >= Q / 2 && share <= 2 * Q, `share ${share}`);
});

test('lower tail of N(0,1): share beyond the threshold within [q/2, 2q]', () => {
  const rng = new Prng(1985);
  const d = new DriftSpot({ q: Q, alert: false, up: false, down: true });
  let judged = 0;
  let beyond = 0;
  for (let i = 0; i < N; i++) {
    const x = rng.normal();
    d.step(x);
    if (d.lowerThreshold === d.lowerThreshold) {
      judged++;
      if (x < d.lowerThreshold) beyond++;
    }
  }
  const share = beyond / judged;
  assert.ok(share >= Q / 2 && share <= 2 * Q, `share ${share}`);
});
