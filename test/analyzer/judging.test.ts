/** What the analyzer judges: PERF never, a statistic whose fit failed visibly. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../../src/config/load.js';
import { Analyzer } from '../../src/analyzer/analyzer.js';
import { detectorParams } from '../../src/analyzer/stat-detector.js';
import { Backend } from '../../src/backend/backend.js';
import { PacketSummary } from '../../src/decode/packet-summary.js';
import { writePcap } from '../support/capture-writer.js';
import { materialize, prng, type PacketSpec } from '../fixtures/scenario.js';
import { runCapture, tempFile } from '../support/run-capture.js';

test('PERF is recorded every period but never judged: a speed spike raises no alarm', async () => {
  const cfg = await loadConfig({ overrides: [['analyzer.stats', 'PERF'], ['spot.n_init', 20], ['spot.depth', 0]] });
  const analyzer = new Analyzer(cfg, 'test');
  const backend = new Backend({ series: 'test', exporters: [], params: (n) => detectorParams(cfg, n) });
  backend.watch(analyzer.judgedStats());
  assert.deepEqual(backend.names(), [], 'no detector for PERF');
  const summary = new PacketSummary();
  const rnd = prng(5);
  const realSeconds = [...Array.from({ length: 60 }, () => 0.01 * (1 + rnd() / 10)), 1e-6, 0.01];
  realSeconds.forEach((real, k) => {
    for (let i = 0; i < 100; i++) analyzer.countPacket(summary);
    const m = analyzer.endPeriod({ sourceSeconds: 1, realSeconds: real, dropped: 0, received: 0, partial: false });
    const { record, alarms } = backend.judge(BigInt(k + 1) * 1_000_000_000n, m.values, { counters: m.counters });
    assert.deepEqual(alarms, [], `period ${k}`);
    assert.deepEqual(record.stats.map((s) => ({ ...s })), [{ name: 'PERF', value: 100 / real, up: NaN, down: NaN, status: 'NOT_JUDGED' }]);
  });
});

test('a statistic whose fit leaves a threshold NaN says FIT_ERROR and the run warns once, naming it', async () => {
  // R_IP is exactly 1 during calibration (only IP), then below 1 (one ARP in five packets):
  // the upper tail never sees a value beyond its excess threshold.
  const specs: PacketSpec[] = [];
  for (let k = 0; k < 50; k++) {
    for (let i = 0; i < 5; i++) specs.push({ t: k + i / 10, kind: k >= 20 && i === 4 ? 'arp' : 'tcp' });
  }
  const { packets, periods } = materialize(specs, 1_700_000_000, 1);
  const path = tempFile('no-arp-then-arp.pcap', writePcap(packets, { linkType: 1 }));
  const { collector, warnings } = await runCapture(path, [['analyzer.stats', 'R_IP'], ['spot.n_init', 20], ['spot.depth', 0]]);

  assert.equal(collector.records.length, periods.length);
  const statuses = collector.records.map((r) => r.stats[0].status);
  assert.deepEqual(statuses, [...Array(20).fill('CALIBRATION'), ...Array(29).fill('FIT_ERROR'), 'NOT_JUDGED']);
  assert.deepEqual(collector.records.slice(20, 49).map((r) => r.stats[0].value), Array(29).fill(0.8));
  const fitWarnings = warnings.filter((w) => w.includes('FIT_ERROR'));
  assert.equal(fitWarnings.length, 1, warnings.join('\n'));
  assert.match(fitWarnings[0], /^R_IP: .*upper anomaly threshold NaN/);
});
