/**
 * A threshold a value can never cross (a share's upper threshold above 1) is said once, with
 * the name and the bound; a threshold inside the range is not.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Backend } from '../../src/backend/backend.js';
import { DEFAULT_REBASE_AFTER, SPOT_CONFIG_DEFAULTS } from '../../src/spot/index.js';
import { CollectingExporter } from '../support/run-capture.js';
import { prng } from '../support/prng.js';

const SHARE = [0, 1] as const;

function run(value: (rnd: () => number) => number): { ups: number[]; warnings: string[] } {
  const collector = new CollectingExporter();
  const warnings: string[] = [];
  const params = { ...SPOT_CONFIG_DEFAULTS, rebase_after: DEFAULT_REBASE_AFTER, n_init: 200 };
  const backend = new Backend({ series: 't', exporters: [collector], params: () => params, onWarning: (m) => warnings.push(m) });
  const rnd = prng(11);
  for (let i = 0; i < 400; i++) backend.judge(BigInt(i), [{ name: 'R_ARP', value: value(rnd), range: SHARE }]);
  const ups = collector.records.map((d) => d.stats[0].up).filter((u) => Number.isFinite(u));
  return { ups, warnings };
}

test('a share whose calibration sat at 1 gets an upper threshold above 1: one warning naming it', () => {
  // Quiet periods where every packet is ARP (value exactly 1), busier ones between 0.9 and 1.
  const { ups, warnings } = run((rnd) => (rnd() < 0.4 ? 1 : 0.9 + 0.1 * rnd()));
  assert.ok(ups.some((u) => u > 1), `the case must produce an unreachable threshold: ${ups.slice(0, 3).join(', ')}`);
  assert.equal(warnings.length, 1, warnings.join('\n'));
  assert.match(warnings[0], /^R_ARP: upper threshold [\d.]+ is above 1, the largest value R_ARP can take: no upward alarm while it stays there/);
});

test('a share well inside its range: no warning', () => {
  const { ups, warnings } = run((rnd) => 0.1 + 0.02 * rnd());
  assert.ok(ups.length > 100 && ups.every((u) => u < 1));
  assert.deepEqual(warnings, []);
});
