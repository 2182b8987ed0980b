import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writePcap } from '../support/capture-writer.js';
import { runCapture, tempFile } from '../support/run-capture.js';
import { generateScanTraffic, largest, type PeriodTruth, type ScanScenario } from '../fixtures/scan-traffic.js';
import { statNames } from '../../src/stats/index.js';

const ORIGIN = 1_700_000_000;

/** NetSpot's ratio rule, written again here as the reference. */
function r(n: number, d: number): number | null {
  return n === 0 ? 0 : d === 0 ? null : n / d;
}

/** The new statistics of a period, from the generator's ground truth. */
function expected(p: PeriodTruth): Record<string, number | null> {
  return {
    TCP_PORT_FANOUT: largest(p.tcpPorts),
    UDP_PORT_FANOUT: largest(p.udpPorts),
    ADDR_FANOUT: largest(p.addrs),
    R_HALF_OPEN: r(Math.max(0, p.synOpen - p.synAck), p.synOpen),
    R_REJECT: r(p.rst + p.unreach, p.IP),
    CONN_RATE: p.synOpen,
  };
}

async function run(sc: ScanScenario): Promise<{ values: Array<Record<string, number | null>>; truth: PeriodTruth[] }> {
  const { packets, truth } = generateScanTraffic(sc, ORIGIN);
  const path = tempFile('scan.pcap', writePcap(packets, { linkType: 1, nanos: true }));
  const { collector } = await runCapture(path, [['analyzer.stats', 'all'], ['analyzer.period', '1s']]);
  assert.equal(collector.records.length, sc.periods, 'one record per period');
  return { values: collector.records.map((rec) => Object.fromEntries(rec.stats.map((s) => [s.name, s.value]))), truth };
}

test('-s all: every statistic but PERF; the new statistics equal the generated ground truth, period by period', async () => {
  const sc: ScanScenario = {
    periods: 12, connections: 40, bulk: 600, seed: 11,
    attacks: [
      { kind: 'tcp-scan', from: 2, to: 3, rate: 150 },
      { kind: 'tcp-scan', from: 3, to: 4, rate: 40, v6: true },
      { kind: 'udp-scan', from: 5, to: 6, rate: 80 },
      { kind: 'udp-scan', from: 6, to: 6, rate: 30, v6: true },
      { kind: 'sweep', from: 8, to: 9, rate: 120 },
      { kind: 'sweep', from: 9, to: 10, rate: 50, v6: true },
    ],
  };
  const { values, truth } = await run(sc);
  assert.deepEqual(Object.keys(values[0]), statNames.filter((n) => n !== 'PERF'));
  // The last period is partial (it ends at the last packet): CONN_RATE divides by less than 1 s.
  for (let k = 0; k < sc.periods - 1; k++) {
    const want = expected(truth[k]);
    for (const [name, v] of Object.entries(want)) assert.equal(values[k][name], v, `period ${k}: ${name}`);
  }
  // The attacks are what moves the fan-outs: each period's value is the attacker's.
  assert.equal(values[2].TCP_PORT_FANOUT, 150);
  assert.equal(values[4].TCP_PORT_FANOUT, 40);
  assert.equal(values[5].UDP_PORT_FANOUT, 80);
  assert.equal(values[8].ADDR_FANOUT, 120);
  assert.ok((values[1].TCP_PORT_FANOUT as number) <= 3 && (values[1].ADDR_FANOUT as number) <= 10, 'background fan-out stays small');
});

test('a low-rate SYN scan hidden in heavy background moves the fan-out, half-open and rejection statistics, not R_SYN', async () => {
  // About 3000 packets a second of background; the scan sends 15 probes a second (0.5%).
  const sc: ScanScenario = { periods: 30, connections: 60, bulk: 2200, seed: 5, attacks: [{ kind: 'tcp-scan', from: 20, to: 27, rate: 15 }] };
  const { values, truth } = await run(sc);
  const background = values.slice(0, 20), attack = values.slice(20, 28);
  for (let k = 0; k < 29; k++) assert.equal(values[k].TCP_PORT_FANOUT, expected(truth[k]).TCP_PORT_FANOUT, `period ${k}`);
  const col = (name: string, vs: typeof values): number[] => vs.map((v) => v[name] as number);
  /** Mean and standard deviation of a statistic over the background periods: its normal swing. */
  const swing = (name: string): { mean: number; sd: number; max: number } => {
    const xs = col(name, background);
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1));
    return { mean, sd, max: Math.max(...xs) };
  };
  // NetSpot's statistics stay inside their normal swing (3 standard deviations) ...
  for (const name of ['R_SYN', 'R_ACK', 'R_DST_SRC_PORT', 'R_DST_SRC', 'TRAFFIC']) {
    const { mean, sd } = swing(name);
    for (const x of col(name, attack)) assert.ok(Math.abs(x - mean) <= 3 * sd, `${name}: attack value ${x}, background ${mean} ± ${sd}`);
  }
  // ... while the new ones leave it, in every attack period: the fan-out far behind, the
  // half-open and rejection shares (which background refusals also move) beyond 3 deviations.
  const outside = (name: string, deviations: number, timesMax: number): void => {
    const { mean, sd, max } = swing(name);
    for (const x of col(name, attack)) assert.ok(x > mean + deviations * sd && x > timesMax * max, `${name}: attack value ${x}, background ${mean} ± ${sd}, max ${max}`);
  };
  outside('TCP_PORT_FANOUT', 10, 3);
  outside('R_HALF_OPEN', 3, 1);
  outside('R_REJECT', 3, 1);
});
