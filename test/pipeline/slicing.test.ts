/**
 * Closing many empty periods is done in slices: the event loop gets control back between
 * slices (the server answers, stop() takes effect), and the records are the same as in one go.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../../src/config/load.js';
import { Session } from '../../src/pipeline/session.js';
import { CollectingExporter, tempFile } from '../support/run-capture.js';
import { GAP_T0, writeGapCapture } from '../support/gap-capture.js';

// PERF depends on the wall clock; the others only on the packets.
const STATS = ['AVG_PKT_SIZE', 'R_SYN', 'R_ACK', 'TRAFFIC', 'R_DST_SRC'];

async function openRun(path: string, period: string, periodsPerSlice?: number): Promise<{ session: Session; collector: CollectingExporter }> {
  const cfg = await loadConfig({
    overrides: [['miner.device', path], ['analyzer.period', period], ['analyzer.stats', STATS], ['exporter.console.alarm', false]],
  });
  const collector = new CollectingExporter();
  const session = await Session.open(cfg, { exporters: [collector] });
  if (periodsPerSlice !== undefined) (session.pipeline as unknown as { periodsPerSlice: number }).periodsPerSlice = periodsPerSlice;
  return { session, collector };
}

test('records are identical whether periods are closed in slices of 1, 7 or in one go', async () => {
  // 12 bursts of 30 packets, 2.5 s apart, 10 ms periods: 250 periods per gap.
  const path = tempFile('gaps.pcap', writeGapCapture({ bursts: 12, packetsPerBurst: 30, gapSeconds: 2.5 }));
  const runs = [];
  for (const slice of [undefined, 1, 7]) {
    const { session, collector } = await openRun(path, '10ms', slice);
    const status = await session.run();
    runs.push({ status, collector });
  }
  const [whole, ...sliced] = runs;
  // Independent count: 11 gaps of 2.5 s and the 50 ms burst that ends the capture.
  assert.equal(whole.status.packets, 360);
  // Last packet at 11 * 2.5 s + 29 * 1666666 ns: 2754 whole periods, then the partial one.
  assert.equal(whole.collector.records.length, Math.floor((11 * 2.5e9 + 29 * 1666666) / 1e7) + 1);
  assert.equal(whole.collector.records[0].timeNs, BigInt(GAP_T0) * 1_000_000_000n + 10_000_000n);
  for (const r of sliced) {
    assert.equal(r.status.packets, whole.status.packets);
    assert.equal(r.collector.records.length, whole.collector.records.length);
    for (let i = 0; i < whole.collector.records.length; i++) {
      const a = whole.collector.records[i];
      const b = r.collector.records[i];
      assert.equal(b.timeNs, a.timeNs, `record ${i}`);
      assert.deepEqual(b.stats.map((s) => [s.name, s.value, s.up, s.down]), a.stats.map((s) => [s.name, s.value, s.up, s.down]), `record ${i}`);
    }
  }
});

test('stop() ends a run within a slice while millions of empty periods are being closed', { timeout: 30_000 }, async () => {
  // 1 ms periods, 60 gaps of 99 s: about 6 million periods in one batch.
  const path = tempFile('long-gaps.pcap', writeGapCapture({ bursts: 60, packetsPerBurst: 2, gapSeconds: 99 }));
  const { session } = await openRun(path, '1ms');
  const done = session.run();
  // The loop answers timers while the batch is being counted.
  const lags: number[] = [];
  for (let k = 0; k < 10; k++) {
    const t = performance.now();
    await new Promise((r) => setTimeout(r, 20));
    lags.push(performance.now() - t - 20);
  }
  assert.ok(session.pipeline.state.periods > 0, 'the run is closing periods');
  assert.ok(Math.max(...lags) < 250, `event loop held for ${Math.max(...lags).toFixed(0)} ms`);
  const asked = performance.now();
  session.stop();
  const status = await done;
  const took = performance.now() - asked;
  assert.ok(took < 500, `stop took ${took.toFixed(0)} ms`);
  assert.ok(status.periods < 5_000_000, `${status.periods} periods: the run went on after stop`);
});
