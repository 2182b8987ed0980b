/** The back end reads a front end's context only for a period that alarms, once, and hands episodes to the exporters. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Backend } from '../../src/backend/backend.js';
import { DEFAULT_REBASE_AFTER, SPOT_CONFIG_DEFAULTS } from '../../src/spot/index.js';
import type { AlarmContext } from '../../src/records/index.js';
import { CollectingExporter } from '../support/run-capture.js';
import { prng } from '../support/prng.js';

const CONTEXT: AlarmContext = { top_src: [{ addr: '192.0.2.7', pkts: 9, share: 0.9 }], top_dst: [], top_dst_port: [] };

test('context is read once per alarmed period and never for a quiet one; an episode open at the end is exported by finish()', () => {
  const collector = new CollectingExporter();
  const params = { ...SPOT_CONFIG_DEFAULTS, rebase_after: DEFAULT_REBASE_AFTER, depth: 0, n_init: 100 };
  const backend = new Backend({ series: 't', exporters: [collector], params: () => params });
  const rnd = prng(5);
  // Two names spike together at 150 and 151 (one episode each), and again at the very end.
  const spikes = new Set([150, 151, 198, 199]);
  let reads = 0;
  for (let i = 0; i < 200; i++) {
    const v = spikes.has(i) ? 1e6 : 100 + rnd();
    backend.judge(BigInt(i), [{ name: 'a', value: v }, { name: 'b', value: v }], { context: () => (reads++, CONTEXT) });
  }
  assert.equal(collector.alarms.length, 8);
  assert.equal(reads, 4, 'one read per alarmed period, whatever the number of alarms in it');
  for (const a of collector.alarms) assert.equal(a.context, CONTEXT);
  // The first incident ended after episode_gap (3) quiet periods; the second is still open.
  assert.deepEqual(collector.episodes.map((e) => [e.stat, e.startNs, e.endNs, e.periods]), [['a', 150n, 151n, 2], ['b', 150n, 151n, 2]]);
  const ended = backend.finish();
  assert.deepEqual(ended.map((e) => [e.stat, e.startNs, e.endNs, e.periods]), [['a', 198n, 199n, 2], ['b', 198n, 199n, 2]]);
  assert.deepEqual(collector.episodes.slice(2), ended);
  assert.equal(ended[0].context, CONTEXT);
  assert.deepEqual(backend.finish(), []);
});

test('without a context function, alarms and episodes carry none', () => {
  const collector = new CollectingExporter();
  const params = { ...SPOT_CONFIG_DEFAULTS, rebase_after: DEFAULT_REBASE_AFTER, depth: 0, n_init: 100 };
  const backend = new Backend({ series: 't', exporters: [collector], params: () => params });
  const rnd = prng(5);
  for (let i = 0; i < 160; i++) backend.judge(BigInt(i), [{ name: 'a', value: i === 150 ? 1e6 : 100 + rnd() }]);
  assert.equal(collector.alarms.length, 1);
  assert.equal('context' in collector.alarms[0], false);
  assert.equal(collector.episodes.length, 1);
  assert.equal(collector.episodes[0].context, undefined);
});
