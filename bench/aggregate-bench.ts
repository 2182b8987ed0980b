/**
 * What one core of `netspot aggregate` merges: snapshots per second through the whole
 * per-period path (decode the v1 JSON message, period bookkeeping, merge the counter states
 * into the analyzer, statistics, detectors of the back end), for 3 and 30 simulated sensors.
 * NATS and the state file's fsync are left out: they are I/O, not the merge.
 *
 * Each simulated sensor counts its own traffic of a period (PACKETS packets: SOURCES local
 * sources talking to shared servers, TCP, every statistic but PERF loaded) and its message is
 * built once; the timed loop replays those messages for PERIODS periods.
 *
 *   npm run bench:aggregate        (or: node dist/bench/aggregate-bench.js [periods])
 */
import { loadConfig } from '../src/config/load.js';
import { Analyzer } from '../src/analyzer/analyzer.js';
import { statDef, type StatDef } from '../src/stats/index.js';
import { Backend } from '../src/backend/backend.js';
import { detectorParams } from '../src/analyzer/stat-detector.js';
import { PacketSummary, LAYER_IPV4, LAYER_TCP } from '../src/decode/packet-summary.js';
import { decodeSnapshot, encodeSnapshot } from '../src/scale-out/snapshot-message.js';
import { PeriodMerger } from '../src/scale-out/period-merger.js';
import { measureMerged } from '../src/scale-out/merged-period.js';

const PERIODS = Number(process.argv[2] ?? 300);
const PACKETS = 5000;
const SOURCES = 200;
const P = 1_000_000_000n;

async function main(): Promise<void> {
  const cfg = await loadConfig({ overrides: [['analyzer.stats', ['all']]] });
  const stats = cfg.analyzer.stats.map((n) => statDef(n)).filter((d): d is StatDef => d !== undefined);
  console.log(`netspot aggregate, one core: ${stats.length} statistics, ${PACKETS} packets and ${SOURCES} sources per sensor and period, ${PERIODS} periods`);
  for (const sensors of [3, 30]) {
    const texts: string[] = [];
    for (let s = 0; s < sensors; s++) texts.push(sensorMessage(cfg, s));
    const bytes = texts.reduce((n, t) => n + t.length, 0) / sensors;
    const analyzer = new Analyzer(cfg, 'bench');
    const backend = new Backend({ series: 'bench', exporters: [], params: (n) => detectorParams(cfg, n) });
    backend.watch(analyzer.judgedStats());
    const merger = new PeriodMerger<number>({ periodNs: P, waitMs: 0, missing: 3, now: () => 1, onWarning: (m) => console.error(m) });
    let seq = 0;
    const t0 = performance.now();
    for (let k = 1; k <= PERIODS; k++) {
      for (const text of texts) {
        // The message's period changes, as on the wire: parsed anew each time.
        merger.offer({ ...decodeSnapshot(text), start: BigInt(k) * P }, ++seq, seq);
      }
      for (const p of merger.closeDue()) {
        const m = measureMerged(analyzer, stats, p.snapshots, p.coveredNs, p.partial);
        backend.judge(p.start + p.coveredNs, m.values, { counters: m.counters, partial: p.partial });
      }
    }
    const s = (performance.now() - t0) / 1000;
    console.log(
      `${String(sensors).padStart(2)} sensors: ${Math.round((PERIODS * sensors) / s)} snapshots/s, ${Math.round(PERIODS / s)} periods/s ` +
        `(${(s * 1000 / PERIODS).toFixed(2)} ms a period; messages of ${(bytes / 1024).toFixed(1)} KiB)`,
    );
  }
}

/** One sensor's period: its own sources, shared servers and ports. */
function sensorMessage(cfg: Awaited<ReturnType<typeof loadConfig>>, sensor: number): string {
  const a = new Analyzer(cfg, 'sensor', { keepState: true });
  const p = new PacketSummary();
  let x = 12345 + sensor;
  const rnd = (n: number): number => ((x = (Math.imul(x, 1103515245) + 12345) >>> 0) % n);
  for (let i = 0; i < PACKETS; i++) {
    p.layers = LAYER_IPV4 | LAYER_TCP;
    p.src.set([0, 0, 0xffff, (10 << 24) + (sensor << 12) + rnd(SOURCES)]);
    p.dst.set([0, 0, 0xffff, (192 << 24) + rnd(500)]);
    p.srcPort = 30000 + rnd(2000);
    p.dstPort = [22, 53, 80, 443, 8080][rnd(5)];
    p.tcpFlags = [0x02, 0x12, 0x10, 0x14][rnd(4)];
    p.ipBytes = 40 + rnd(1400);
    a.countPacket(p);
  }
  return encodeSnapshot({ sensor: `s${sensor}`, start: P, period: P, covered: P, partial: false, real: 0.001, dropped: 0, received: 0 }, a.periodState());
}

await main();
