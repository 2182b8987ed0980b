/**
 * `--workers N`: counting in worker threads gives the records of one thread, bit for bit
 * (REAL_TIME and PERF measure the wall clock and are left out), on every real capture of
 * test/data/pcaps and on generated ones (pcap, pcapng, gzip, gaps, out-of-order packets), read
 * in tiny windows so that even a small capture is many batches spread over the workers.
 * With the alarm context on (the default): its top talkers and fan-out sources come from the
 * workers for whole periods and from the main thread for periods split between jobs, and must
 * be those of one thread too. Plain pcap captures are walked by the workers in the file, the
 * others copied to them: both paths are covered.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../../src/config/load.js';
import { Session } from '../../src/pipeline/session.js';
import { counterDefs } from '../../src/counters/index.js';
import { statNames } from '../../src/stats/index.js';
import { CollectingExporter, tempFile } from '../support/run-capture.js';
import { captureFiles } from '../support/test-data.js';
import { gzip, writePcap, writePcapng, type CapturedPacket } from '../support/capture-writer.js';
import { generateScanTraffic } from '../fixtures/scan-traffic.js';
import { gapPackets } from '../support/gap-capture.js';

const STATS = statNames.filter((s) => s !== 'PERF');
const COUNTERS = counterDefs.map((d) => d.name).filter((n) => n !== 'REAL_TIME');

interface Outcome {
  records: unknown[];
  alarms: unknown[];
  packets: number;
  malformed: number;
  periods: number;
  warnings: string[];
  error?: string;
}

async function run(path: string, workers: number, period: string, chunkSize: number, stopAfter?: number): Promise<Outcome> {
  const cfg = await loadConfig({
    overrides: [
      ['miner.device', path], ['analyzer.period', period], ['analyzer.stats', STATS], ['analyzer.workers', workers],
      ['exporter.console.alarm', false], ['spot.n_init', 20], ['spot.depth', 5],
    ],
  });
  const collector = new CollectingExporter();
  const warnings: string[] = [];
  const session = await Session.open(cfg, { exporters: [collector], counters: COUNTERS, chunkSize, onWarning: (m) => warnings.push(m) });
  assert.equal(session.workers, workers, 'the run counts in the threads asked for');
  if (stopAfter !== undefined) {
    const orig = collector.flush.bind(collector);
    collector.flush = () => {
      orig();
      if (collector.flushes === stopAfter) session.stop();
    };
  }
  let error: string | undefined;
  let status;
  try {
    status = await session.run();
  } catch (err) {
    error = (err as Error).message;
    status = session.pipeline.state;
  }
  warnings.push(...session.source.warnings());
  const records = collector.records.map((r) => {
    const { REAL_TIME: _, ...counters } = r.counters;
    return { timeNs: r.timeNs, partial: r.partial, stats: r.stats, counters };
  });
  return { records, alarms: collector.alarms, packets: status.packets, malformed: status.malformed, periods: status.periods, warnings, error };
}

async function assertSameForWorkers(path: string, what: string, period: string, chunkSize: number): Promise<Outcome> {
  const one = await run(path, 1, period, chunkSize);
  for (const n of [2, 3]) {
    const many = await run(path, n, period, chunkSize);
    assert.deepEqual(many, one, `${what}: ${n} workers against one thread`);
  }
  return one;
}

test('workers: every real capture gives the records of one thread with 2 and 3 workers', { timeout: 600_000 }, async () => {
  let records = 0, alarms = 0, packets = 0;
  for (const f of captureFiles()) {
    const one = await assertSameForWorkers(f.path, f.name, '100ms', 4096);
    records += one.records.length;
    alarms += one.alarms.length;
    packets += one.packets;
  }
  assert.ok(packets > 10_000 && records > 1000, `${packets} packets, ${records} records compared`);
  assert.ok(alarms > 0, 'some alarms compared too');
});

/** Scans in heavy background traffic over 40 periods, a gap of 3 s, a packet out of order. */
function generated(): CapturedPacket[] {
  const { packets } = generateScanTraffic(
    {
      periods: 40, connections: 40, bulk: 300, seed: 3,
      attacks: [{ kind: 'tcp-scan', from: 25, to: 27, rate: 400 }, { kind: 'udp-scan', from: 30, to: 31, rate: 300, v6: true }, { kind: 'sweep', from: 33, to: 34, rate: 200 }],
    },
    1_700_000_000,
  );
  const later = gapPackets({ bursts: 3, packetsPerBurst: 20, gapSeconds: 1.5 }).map((p) => ({ ...p, tsSec: p.tsSec - 1_700_000_000 + packets[packets.length - 1].tsSec + 3 }));
  const out = [...packets, ...later];
  out.splice(Math.floor(out.length / 2), 0, { ...packets[10] });
  return out;
}

test('workers: generated pcap, pcapng (two interfaces, big-endian section) and gzip give the records of one thread', { timeout: 300_000 }, async () => {
  const packets = generated();
  const pcap = tempFile('gen.pcap', writePcap(packets, { linkType: 1, nanos: true }));
  const half = Math.floor(packets.length / 2);
  const pcapng = tempFile('gen.pcapng', writePcapng([
    { interfaces: [{ linkType: 1 }, { linkType: 1, tsresol: 9 }], blocks: packets.slice(0, half).map((p, i) => ({ kind: 'epb', interfaceId: i % 2, packet: p })) },
    { bigEndian: true, interfaces: [{ linkType: 1, tsresol: 9 }], blocks: packets.slice(half).map((p) => ({ kind: 'epb', interfaceId: 0, packet: p })) },
  ]));
  const gz = tempFile('gen.pcap.gz', gzip(writePcap(packets, { linkType: 1 })));
  for (const [path, what] of [[pcap, 'pcap'], [pcapng, 'pcapng'], [gz, 'pcap.gz']]) {
    const one = await assertSameForWorkers(path, what, '100ms', 64 * 1024);
    assert.equal(one.packets, packets.length, what);
    assert.ok(one.alarms.length > 0, `${what}: the scans raise alarms`);
    const contexts = one.alarms.map((a) => JSON.stringify(a, (_k, v: unknown) => (typeof v === "bigint" ? String(v) : v)));
    assert.ok(contexts.some((c) => c.includes('"top_src"')), `${what}: alarms carry their top talkers`);
    assert.ok(contexts.some((c) => c.includes('"top_fanout"')), `${what}: alarms name the fan-out sources`);
  }
});

test('workers: a truncated last record and a corrupt record are reported as with one thread, counts kept', async () => {
  const bytes = writePcap(generated().slice(0, 3000), { linkType: 1 });
  const cut = tempFile('cut.pcap', bytes.subarray(0, bytes.length - 7));
  const cutRun = await assertSameForWorkers(cut, 'truncated', '100ms', 4096);
  assert.equal(cutRun.packets, 2999);
  assert.ok(cutRun.warnings.some((w) => /truncated last record/.test(w)), cutRun.warnings.join('; '));
  // A captured length of 2^31 in the 2001st record's header: an input error after 2000 packets.
  let at = 24;
  for (let i = 0; i < 2000; i++) at += 16 + new DataView(bytes.buffer, bytes.byteOffset).getUint32(at + 8, true);
  const bad = bytes.slice();
  new DataView(bad.buffer).setUint32(at + 8, 2 ** 31, true);
  const badRun = await assertSameForWorkers(tempFile('bad.pcap', bad), 'corrupt', '100ms', 4096);
  assert.match(badRun.error ?? '', /captured length 2147483648/);
  assert.equal(badRun.packets, 2000);
  const counted = badRun.records.reduce((s: number, r) => s + (r as { counters: { PKTS: number } }).counters.PKTS, 0);
  assert.equal(counted, 2000, 'every packet read before the error is in the records');
  assert.equal((badRun.records.at(-1) as { partial: boolean }).partial, true);
  // pcapng: the 2001st packet block's length made impossible (not a multiple of 4).
  const ng = writePcapng([{ interfaces: [{ linkType: 1 }], blocks: generated().slice(0, 3000).map((p) => ({ kind: 'epb', interfaceId: 0, packet: p })) }]);
  const view = new DataView(ng.buffer, ng.byteOffset);
  let o = 0, epbs = 0;
  while (epbs < 2000 || view.getUint32(o, true) !== 6) {
    if (view.getUint32(o, true) === 6) epbs++;
    o += view.getUint32(o + 4, true);
  }
  view.setUint32(o + 4, 13, true);
  const ngRun = await assertSameForWorkers(tempFile('bad.pcapng', ng), 'corrupt pcapng', '100ms', 4096);
  assert.match(ngRun.error ?? '', /bad pcapng block length 13/);
  assert.equal(ngRun.packets, 2000);
});

test('workers: stop() ends the run cleanly, every packet counted is in the records', async () => {
  const path = tempFile('stop.pcap', writePcap(generated(), { linkType: 1 }));
  for (const n of [1, 2, 3]) {
    const r = await run(path, n, '100ms', 4096, 5);
    assert.equal(r.error, undefined);
    const last = r.records.at(-1) as { partial: boolean };
    assert.equal(last.partial, true, `${n} workers: the last period is emitted, partial`);
    const counted = r.records.reduce((s: number, x) => s + (x as { counters: { PKTS: number } }).counters.PKTS, 0);
    assert.equal(counted, r.packets, `${n} workers: packets read = packets in the records`);
    assert.ok(r.packets < generated().length, `${n} workers: stopped early (${r.packets} packets)`);
  }
});
