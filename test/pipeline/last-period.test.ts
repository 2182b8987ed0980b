import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writePcap } from '../support/capture-writer.js';
import { materialize, prng, type PacketSpec } from '../fixtures/scenario.js';
import { runCapture, tempFile } from '../support/run-capture.js';

/**
 * Steady traffic (about 40 IP packets/s, jittered) over `seconds` s, then the capture ends
 * `tail` s into one more period.
 */
function steady(seconds: number, tail: number): PacketSpec[] {
  const rnd = prng(11);
  const specs: PacketSpec[] = [];
  for (let t = 0; t < seconds + tail; t += 0.015 + rnd() * 0.02) specs.push({ t, kind: 'tcp' });
  return specs;
}

test('the last, partial period of a file is emitted over the time it covers and never judged', async () => {
  const period = 1;
  const specs = steady(120, 0.12);
  const { packets, periods } = materialize(specs, 1_700_000_000, period);
  const path = tempFile('steady.pcap', writePcap(packets, { linkType: 1, nanos: true }));
  // Both tails watched and calibrated early: a rate divided by the full period would be a DOWN alarm.
  const { collector } = await runCapture(path, [
    ['analyzer.stats', 'TRAFFIC'], ['spot.down', true], ['spot.n_init', 50], ['spot.depth', 10],
  ]);

  assert.equal(collector.records.length, periods.length);
  const last = collector.records[periods.length - 1];
  assert.deepEqual(collector.records.map((r) => r.partial), [...Array(periods.length - 1).fill(false), true]);
  const atEnd = collector.alarms.filter((a) => a.timeNs === last.timeNs);
  assert.deepEqual(atEnd.map((a) => `${a.stat} ${a.status} ${a.value}`), [], 'the end of the input raises no alarm');
  // From the generated timestamps: the period starts at t0 + k·p and the capture ends at the last packet.
  const ns = (p: { tsSec: number; tsNsec: number }) => BigInt(p.tsSec) * 1_000_000_000n + BigInt(p.tsNsec);
  const t0 = ns(packets[0]);
  const end = ns(packets[packets.length - 1]);
  const covered = Number(end - t0 - BigInt(periods.length - 1) * 1_000_000_000n) / 1e9;
  assert.ok(covered > 0.05 && covered < 0.2, `the capture ends ${covered} s into its last period`);
  assert.equal(last.timeNs, end, 'the partial period ends at the last packet');
  assert.equal(last.counters.SOURCE_TIME, covered);
  const traffic = last.stats[0];
  assert.equal(traffic.value, periods[periods.length - 1].IP / covered, 'a true rate over the covered time');
  assert.deepEqual({ status: traffic.status, up: traffic.up, down: traffic.down }, { status: 'NOT_JUDGED', up: NaN, down: NaN });
  // The full periods before it were judged against both thresholds.
  const before = collector.records[periods.length - 2].stats[0];
  assert.ok(Number.isFinite(before.up) && Number.isFinite(before.down), `judged: ${JSON.stringify(before)}`);
  // The generator sends one packet every 25 ms on average: 40/s, not 40 × the covered share.
  assert.ok(traffic.value !== null && traffic.value > 20 && traffic.value < 80, `${traffic.value} packets/s`);
});
