/**
 * The mergeable period state (counters/counter-state.ts): the packets of a capture split into
 * parts at arbitrary indexes, each part counted by an analyzer of its own, the parts' states
 * merged in order into a fresh analyzer: every counter reads exactly what one analyzer reads
 * after all the packets.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { configKeys, loadConfig } from '../../src/config/load.js';
import { Analyzer } from '../../src/analyzer/analyzer.js';
import { counterDefs, type PeriodInfo } from '../../src/counters/index.js';
import { transferList, type PeriodCountersState } from '../../src/counters/counter-state.js';
import { FanOutTable } from '../../src/counters/source-fanout.js';
import { PacketSummary } from '../../src/decode/packet-summary.js';
import { decodePacket } from '../../src/decode/packet-decoder.js';
import { collectPackets, type ReadPacket } from '../support/collect-packets.js';
import { captureFiles } from '../support/test-data.js';
import { writePcap } from '../support/capture-writer.js';
import { generateScanTraffic } from '../fixtures/scan-traffic.js';
import { prng } from '../support/prng.js';
import { tempFile } from '../support/run-capture.js';
import * as B from '../support/packet-builder.js';

const PERIOD: PeriodInfo = { sourceSeconds: 1, partial: false, realSeconds: 0, dropped: 0, received: 0 };
const ALL_COUNTERS = counterDefs.map((d) => d.name);

/** The alarm context's top talkers (where the build has them) do not merge yet: left out. */
const MERGEABLE_ONLY: Array<[string, unknown]> = configKeys().some((k) => k.key === 'analyzer.context_top') ? [['analyzer.context_top', 0]] : [];

async function analyzer(): Promise<Analyzer> {
  const cfg = await loadConfig({ overrides: [['analyzer.stats', ['R_SYN']], ...MERGEABLE_ONLY] });
  return new Analyzer(cfg, 'test', { counters: ALL_COUNTERS });
}

function count(a: Analyzer, packets: readonly ReadPacket[], from: number, to: number): void {
  const s = new PacketSummary();
  for (let i = from; i < to; i++) {
    const p = packets[i];
    decodePacket(p.data, 0, p.caplen, p.wirelen, p.linkType, s);
    a.countPacket(s);
  }
}

/** One analyzer over everything against the merge of parts cut at `cuts`; returns the counters. */
async function compareSplit(packets: readonly ReadPacket[], cuts: number[], what: string): Promise<Record<string, number>> {
  const whole = await analyzer();
  count(whole, packets, 0, packets.length);
  const expected = whole.endPeriod(PERIOD).counters;
  const bounds = [0, ...cuts, packets.length];
  const merged = await analyzer();
  const part = await analyzer();
  for (let k = 0; k + 1 < bounds.length; k++) {
    count(part, packets, bounds[k], bounds[k + 1]);
    // Through a structured clone with its buffers moved, as between threads.
    const state: PeriodCountersState = structuredClone(part.periodState(), { transfer: transferList(part.periodState()) });
    part.resetPacketCounters();
    merged.mergePeriodState(state);
  }
  assert.deepEqual(merged.endPeriod(PERIOD).counters, expected, `${what} split at ${cuts.join(', ')}`);
  return expected;
}

function cutsOf(n: number, seed: number): number[][] {
  const rnd = prng(seed);
  const random = Array.from({ length: 3 }, () => Math.floor(rnd() * (n + 1))).sort((a, b) => a - b);
  return [[], [0], [n], [Math.floor(n / 2)], random, Array.from({ length: Math.min(n, 7) }, (_, i) => Math.floor(((i + 1) * n) / 8))];
}

test('counter state: real captures split anywhere and merged give every counter of the whole capture', async () => {
  const totals: Record<string, number> = {};
  let files = 0;
  for (const f of captureFiles()) {
    const { packets } = await collectPackets(f.path);
    if (packets.length === 0) continue;
    files++;
    for (const cuts of cutsOf(packets.length, files)) {
      const c = await compareSplit(packets, cuts, f.name);
      if (cuts.length === 0) for (const [k, v] of Object.entries(c)) totals[k] = (totals[k] ?? 0) + v;
    }
  }
  assert.ok(files >= 40, `${files} captures read`);
  // The comparison means something only if every kind of counter saw something.
  for (const name of ['PKTS', 'IP_BYTES', 'NB_UNIQ_SRC_ADDR', 'NB_UNIQ_DST_PORT', 'SRC_MAX_TCP_PORTS', 'SRC_MAX_UDP_PORTS', 'SRC_MAX_DST_ADDRS', 'MALFORMED']) {
    assert.ok(totals[name] > 0, `${name} counted something over the real captures`);
  }
});

test('counter state: generated scans (IPv4 and IPv6, thousands of contacts) split and merged', async () => {
  const { packets: gen } = generateScanTraffic(
    {
      periods: 1, connections: 300, bulk: 2000, seed: 11,
      attacks: [{ kind: 'tcp-scan', from: 0, to: 0, rate: 3000 }, { kind: 'udp-scan', from: 0, to: 0, rate: 1500, v6: true }, { kind: 'sweep', from: 0, to: 0, rate: 800 }],
    },
    1_700_000_000,
  );
  const path = tempFile('scan.pcap', writePcap(gen, { linkType: 1 }));
  const { packets } = await collectPackets(path);
  for (const cuts of cutsOf(packets.length, 5)) {
    const c = await compareSplit(packets, cuts, 'scan');
    assert.ok(c.SRC_MAX_TCP_PORTS >= 3000 && c.SRC_MAX_DST_ADDRS > 0 && c.SRC_MAX_UDP_PORTS >= 1500, JSON.stringify(c));
  }
});

test('counter state: a merged fan-out table stays within its bound and reports what did not fit', () => {
  // One source; the table holds its first target in the source's slot and, with a bound of
  // CAP, CAP more in the contact set: at most CAP + 1 counted, the rest overflow.
  const CAP = 100;
  const part = (first: number, n = 80) => {
    const f = new FanOutTable(['addresses'], { contacts: CAP });
    const s = new PacketSummary();
    for (let i = first; i < first + n; i++) {
      const frame = B.ethernet({
        etherType: B.ETH_IPV4,
        payload: B.ipv4({ src: '10.0.0.1', dst: `192.168.${i >> 8}.${i & 255}`, protocol: B.PROTO_TCP, payload: B.tcp({ srcPort: 1000, dstPort: 80, flags: B.SYN }) }),
      });
      decodePacket(frame, 0, frame.length, frame.length, 1, s);
      f.process(s);
    }
    return f;
  };
  const a = part(0), b = part(40);
  assert.equal(a.max('addresses'), 80);
  assert.equal(a.overflow('addresses'), 0);
  const merged = new FanOutTable(['addresses'], { contacts: CAP });
  merged.mergeKind('addresses', a.stateOf('addresses'));
  merged.mergeKind('addresses', b.stateOf('addresses'));
  // 120 distinct targets, CAP + 1 fit: the value stays a lower bound and the overflow says so.
  assert.equal(merged.max('addresses'), CAP + 1);
  assert.equal(merged.overflow('addresses'), 120 - (CAP + 1));
  // A part that overflowed passes its overflow on.
  const full = part(0);
  full.mergeKind('addresses', part(80).stateOf('addresses'));
  assert.equal(full.overflow('addresses'), 160 - (CAP + 1));
  const again = new FanOutTable(['addresses'], { contacts: CAP });
  again.mergeKind('addresses', full.stateOf('addresses'));
  assert.equal(again.max('addresses'), CAP + 1);
  assert.equal(again.overflow('addresses'), 160 - (CAP + 1));
});

test('counter state: every packet counter of the registry hands out a state and merges one', async () => {
  const a = await analyzer();
  assert.ok(a.packetCounters.length >= 5, `${a.packetCounters.length} packet counters`);
  // The fan-outs' shared table is counted at a call site of its own; each kind has a state.
  for (const name of ['SRC_MAX_TCP_PORTS', 'SRC_MAX_UDP_PORTS', 'SRC_MAX_DST_ADDRS']) assert.ok(a.packetCounterNames().includes(name), name);
  assert.deepEqual(a.statelessPacketCounters(), []);
});

test('counter state: a state of other counters or another version is refused with a clear error', async () => {
  const a = await analyzer();
  const cfg = await loadConfig({ overrides: [['analyzer.stats', ['R_SYN']]] });
  const other = new Analyzer(cfg, 'test');
  assert.throws(() => a.mergePeriodState(other.periodState()), /does not match this analyzer/);
  assert.throws(() => a.mergePeriodState({ ...a.periodState(), version: 2 as 1 }), /counter state version 2/);
});
