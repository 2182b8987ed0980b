/** Alarms carry who is behind them, and a flood collapses into one episode (the real pipeline on the demo capture). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runNetspot } from '../spot/support/cli.js';
import { loadConfig } from '../../src/config/load.js';
import { Session } from '../../src/pipeline/session.js';
import type { EpisodeRecord } from '../../src/records/index.js';
import { alarmRecordToJson } from '../../src/records/index.js';
import { CollectingExporter } from '../support/run-capture.js';
import { DEMO_SCENARIO } from '../fixtures/syn-flood.js';
import { generateScanTraffic, largest, type ScanScenario } from '../fixtures/scan-traffic.js';
import { writePcap } from '../support/capture-writer.js';
import { runCapture, tempFile } from '../support/run-capture.js';

const demo = fileURLToPath(new URL('../../../data/demo-syn-flood.pcap.gz', import.meta.url));

async function analyse(overrides: Array<[string, unknown]>): Promise<{ collector: CollectingExporter; episodes: EpisodeRecord[] }> {
  const cfg = await loadConfig({ overrides: [['miner.device', demo], ['exporter.console.alarm', false], ['analyzer.stats', ['R_SYN']], ...overrides] });
  const collector = new CollectingExporter();
  const fromPeriods: EpisodeRecord[] = [];
  const session = await Session.open(cfg, { exporters: [collector], onPeriod: (r) => fromPeriods.push(...r.episodes) });
  await session.run();
  // The end of the input ended every open episode (handed to the exporters): nothing is left.
  assert.deepEqual(session.backend.finish(), []);
  assert.deepEqual(collector.episodes.slice(0, fromPeriods.length), fromPeriods);
  return { collector, episodes: collector.episodes };
}

test('R_SYN alarms of a spoofed SYN flood name the target and port; the spread-out sources show as a tiny share', async () => {
  const { collector } = await analyse([]);
  const flood = collector.alarms.filter((a) => a.value > 0.5);
  assert.ok(flood.length >= 25, `${flood.length} flood alarms`);
  for (const a of flood) {
    const c = a.context;
    assert.ok(c !== undefined);
    assert.equal(c.top_dst[0].addr, '10.0.0.80');
    assert.ok(c.top_dst[0].share > 0.7, `target share ${c.top_dst[0].share}`);
    assert.deepEqual([c.top_dst_port[0].proto, c.top_dst_port[0].port], ['tcp', 80]);
    assert.ok(c.top_src[0].share < 0.1 && c.top_src[0].share < c.top_dst[0].share / 5, `top source share ${c.top_src[0].share}`);
    assert.equal(c.top_src.length, 5);
    // NetSpot's fields come first and unchanged; the context follows.
    assert.match(alarmRecordToJson(a), /^\{"time":\d+,"status":"UP_ALERT","stat":"R_SYN","value":[\d.e-]+,"code":1,"probability":[\d.e-]+,"threshold":[\d.e-]+,"context":\{"top_src":\[/);
  }
});

test('analyzer.context_top 0 leaves alarm records exactly as NetSpot writes them', async () => {
  const { collector } = await analyse([['analyzer.context_top', 0]]);
  assert.ok(collector.alarms.length >= 25);
  for (const a of collector.alarms) {
    assert.equal(a.context, undefined);
    assert.deepEqual(Object.keys(JSON.parse(alarmRecordToJson(a))), ['time', 'status', 'stat', 'value', 'code', 'probability', 'threshold']);
  }
});

test('the 30-second flood is one R_SYN episode with the peak context', async () => {
  const { collector, episodes } = await analyse([]);
  const t0 = collector.records[0].timeNs - 1_000_000_000n;
  const second = (ns: bigint): number => Number(ns - t0) / 1e9;
  const flood = episodes.filter((e) => second(e.startNs) >= DEMO_SCENARIO.floodStart - 1 && second(e.startNs) <= DEMO_SCENARIO.floodEnd);
  assert.equal(flood.length, 1, JSON.stringify(episodes.map((e) => [second(e.startNs), second(e.endNs), e.periods])));
  const e = flood[0];
  assert.equal(e.stat, 'R_SYN');
  assert.ok(second(e.startNs) <= DEMO_SCENARIO.floodStart + 2);
  assert.ok(second(e.endNs) >= DEMO_SCENARIO.floodEnd - 1 && second(e.endNs) <= DEMO_SCENARIO.floodEnd + 1);
  const alarmsIn = collector.alarms.filter((a) => a.timeNs >= e.startNs && a.timeNs <= e.endNs);
  assert.equal(e.periods, alarmsIn.length);
  assert.equal(e.minProbability, Math.min(...alarmsIn.map((a) => a.probability)));
  assert.equal(e.context?.top_dst[0].addr, '10.0.0.80');
  assert.equal(e.baseline, undefined);
});

test('netspot run writes one episode per incident to --exporter.file.episode (%s = series) and to the console when asked', () => {
  const dir = mkdtempSync(join(tmpdir(), 'netspot-episodes-'));
  try {
    const r = runNetspot(['run', '-d', demo, '-s', 'R_SYN', '-q', '--exporter.file.episode', join(dir, '%s.episodes.json'),
      '--exporter.file.alarm', join(dir, 'alarms.json'), '--exporter.console.alarm', 'false', '--exporter.console.episode', 'true']);
    assert.equal(r.status, 0, r.stderr);
    const lines = readFileSync(join(dir, 'demo-syn-flood.episodes.json'), 'utf8').trim().split('\n');
    assert.deepEqual(r.stdout.trim().split('\n'), lines, 'the console (not a terminal) prints the same JSON lines');
    const episodes = lines.map((l) => JSON.parse(l));
    const alarms = readFileSync(join(dir, 'alarms.json'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    // Every alarm belongs to exactly one episode, and the flood is one of them.
    assert.equal(episodes.reduce((n, e) => n + e.periods, 0), alarms.length);
    const flood = episodes.filter((e) => e.periods >= 25);
    assert.equal(flood.length, 1);
    assert.deepEqual(Object.keys(flood[0]), ['stat', 'status', 'start', 'end', 'periods', 'peak_value', 'min_probability', 'context', 'baseline']);
    assert.equal(flood[0].context.top_dst[0].addr, '10.0.0.80');
    assert.equal(flood[0].baseline, null);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a fan-out alarm names the source behind it: the generated scanner, with its exact count of targets', async () => {
  // 120 quiet periods, then a TCP port scan, a UDP port scan and a host sweep, each by one
  // source whose probes are a few percent of the period's packets (never a top talker).
  const sc: ScanScenario = {
    periods: 130, connections: 40, bulk: 600, seed: 23,
    attacks: [{ kind: 'tcp-scan', from: 121, to: 121, rate: 60 }, { kind: 'udp-scan', from: 123, to: 123, rate: 40 }, { kind: 'sweep', from: 125, to: 125, rate: 50 }],
  };
  const { packets, truth } = generateScanTraffic(sc, 1_700_000_000);
  const path = tempFile('scan.pcap', writePcap(packets, { linkType: 1, nanos: true }));
  const { collector } = await runCapture(path, [
    ['analyzer.stats', ['TCP_PORT_FANOUT', 'UDP_PORT_FANOUT', 'ADDR_FANOUT']], ['analyzer.period', '1s'], ['spot.depth', 0], ['spot.n_init', 100],
  ]);
  const t0 = collector.records[0].timeNs;
  const periodOf = (ns: bigint): number => Number((ns - t0) / 1_000_000_000n);
  const truthOf = { TCP_PORT_FANOUT: (k: number) => truth[k].tcpPorts, UDP_PORT_FANOUT: (k: number) => truth[k].udpPorts, ADDR_FANOUT: (k: number) => truth[k].addrs };
  const seen = new Set<string>();
  for (const a of collector.alarms) {
    const k = periodOf(a.timeNs);
    const sets = truthOf[a.stat as keyof typeof truthOf](k);
    // The generator's source with the most targets this period, and how many.
    const [culprit, targets] = [...sets].map(([src, s]) => [src, s.size] as const).sort((x, y) => y[1] - x[1])[0];
    const entry = a.context?.top_fanout?.find((f) => f.stat === a.stat);
    assert.deepEqual(entry, { stat: a.stat, addr: culprit, targets }, `period ${k}: ${a.stat}`);
    assert.equal(targets, largest(sets as Map<string, Set<unknown>>));
    // Not visible by volume: the scanner is not the first source by packets.
    assert.notEqual(a.context!.top_src[0].addr, culprit, `period ${k}: the scanner leads by volume`);
    seen.add(a.stat);
  }
  assert.deepEqual([...seen].sort(), ['ADDR_FANOUT', 'TCP_PORT_FANOUT', 'UDP_PORT_FANOUT'], 'each scan raised its fan-out alarm');
});
