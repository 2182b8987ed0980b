import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writePcap } from '../support/capture-writer.js';
import * as B from '../support/packet-builder.js';
import { materialize, prng, type ExpectedCounters, type PacketSpec } from '../fixtures/scenario.js';
import { runCapture, tempFile } from '../support/run-capture.js';

const ALL_STATS = 'AVG_PKT_SIZE,PERF,R_ACK,R_ARP,R_DST_SRC,R_DST_SRC_PORT,R_ICMP,R_IP,R_SYN,TRAFFIC';

/** Mixed traffic over 6 s with two empty periods (2 s .. 3.5 s) and an out-of-order packet. */
function scenario(): PacketSpec[] {
  const rnd = prng(7);
  const specs: PacketSpec[] = [];
  const flagsChoices = [B.SYN, B.SYN | B.ACK, B.ACK, B.ACK | B.PSH, B.FIN | B.ACK, B.RST, B.URG | B.ACK, B.RST | B.ACK];
  let t = 0.25;
  while (t < 6) {
    if (t >= 2 && t < 3.5) {
      t = 3.51;
      continue;
    }
    const r = rnd();
    const v6 = rnd() < 0.3;
    const host = (n: number) => (v6 ? `2001:db8::${n.toString(16)}` : `10.0.${n >> 8}.${n & 255}`);
    const spec: PacketSpec = { t, kind: 'tcp', v6, src: host(1 + Math.floor(rnd() * 20)), dst: host(100 + Math.floor(rnd() * 5)) };
    if (r < 0.5) {
      spec.kind = 'tcp';
      spec.flags = flagsChoices[Math.floor(rnd() * flagsChoices.length)];
      spec.sport = 1024 + Math.floor(rnd() * 40);
      spec.dport = [80, 443, 22][Math.floor(rnd() * 3)];
      spec.payload = Math.floor(rnd() * 300);
    } else if (r < 0.65) {
      spec.kind = 'udp';
      spec.payload = Math.floor(rnd() * 100);
    } else if (r < 0.75) spec.kind = 'icmp';
    else if (r < 0.87) {
      // Not IP: no addresses.
      Object.assign(spec, { kind: r < 0.83 ? 'arp' : 'other', v6: false, src: undefined, dst: undefined });
    }
    else if (r < 0.92) {
      spec.kind = 'tcp';
      spec.flags = B.SYN;
      spec.vlans = 1 + Math.floor(rnd() * 2);
    } else if (r < 0.96) {
      spec.kind = 'tcp';
      spec.v6 = false;
      spec.src = '10.9.9.9';
      spec.dst = '10.9.9.10';
      spec.laterFragment = true;
      spec.payload = 64;
    } else {
      spec.kind = 'tcp';
      spec.flags = B.SYN;
      spec.cutTransportTo = 12;
    }
    specs.push(spec);
    t += 0.005 + rnd() * 0.03;
  }
  // A packet stamped before the period it arrives in (merged captures): counts where it arrives.
  specs.splice(Math.floor(specs.length * 0.8), 0, { t: 0.5, kind: 'udp', src: '10.7.7.7', dst: '10.7.7.8' });
  return specs;
}

function expectedCounterValues(c: ExpectedCounters): Record<string, number> {
  return {
    PKTS: c.PKTS, IP: c.IP, IP_BYTES: c.IP_BYTES, ARP: c.ARP, ICMP: c.ICMP, UDP: c.UDP,
    SYN: c.SYN, ACK: c.ACK, FIN: c.FIN, RST: c.RST, URG: c.URG,
    NB_UNIQ_SRC_ADDR: c.srcAddr.size, NB_UNIQ_DST_ADDR: c.dstAddr.size,
    NB_UNIQ_SRC_PORT: c.srcPort.size, NB_UNIQ_DST_PORT: c.dstPort.size, MALFORMED: c.MALFORMED,
  };
}

/** NetSpot's rule, written again here as the reference. */
function r(n: number, d: number): number | null {
  return n === 0 ? 0 : d === 0 ? null : n / d;
}

test('counters and statistics of every period match the generated traffic', async () => {
  const origin = 1_700_000_000.125;
  const period = 0.5;
  const specs = scenario();
  const { packets, periods } = materialize(specs, origin, period);
  const path = tempFile('mixed.pcap', writePcap(packets, { linkType: 1, nanos: true }));
  const { collector, status } = await runCapture(path, [['analyzer.stats', ALL_STATS], ['analyzer.period', '500ms']], [
    'UDP', 'FIN', 'RST', 'URG', 'MALFORMED',
  ]);

  assert.equal(collector.records.length, periods.length, 'one record per period, empty ones included');
  assert.equal(status.packets, specs.length);
  assert.equal(status.malformed, periods.reduce((a, p) => a + p.MALFORMED, 0));
  // Nanoseconds since the first packet, from the generated timestamps. The last period ends
  // with the capture: it covers [its start, the latest packet] and is not judged.
  const t0 = BigInt(packets[0].tsSec) * 1_000_000_000n + BigInt(packets[0].tsNsec);
  const rel = packets.map((p) => BigInt(p.tsSec) * 1_000_000_000n + BigInt(p.tsNsec) - t0);
  const lastNs = rel.reduce((a, b) => (b > a ? b : a));
  const last = periods.length - 1;
  const lastCovered = Number(lastNs - BigInt(last) * 500_000_000n) / 1e9;
  assert.ok(lastCovered > 0 && lastCovered < 0.5, 'the scenario ends inside a period');
  for (let k = 0; k < periods.length; k++) {
    const rec = collector.records[k];
    const want = expectedCounterValues(periods[k]);
    for (const [name, v] of Object.entries(want)) assert.equal(rec.counters[name], v, `period ${k}: ${name}`);
    const covered = k === last ? lastCovered : 0.5;
    assert.equal(rec.counters.SOURCE_TIME, covered, `period ${k}: SOURCE_TIME`);
    const c = periods[k];
    const stats = Object.fromEntries(rec.stats.map((s) => [s.name, s.value]));
    assert.deepEqual(stats, {
      AVG_PKT_SIZE: r(c.IP_BYTES, c.IP),
      PERF: stats.PERF, // wall-clock dependent; checked below
      R_ACK: r(c.ACK, c.IP),
      R_ARP: r(c.ARP, c.PKTS),
      R_DST_SRC: r(c.dstAddr.size, c.srcAddr.size),
      R_DST_SRC_PORT: r(c.dstPort.size, c.srcPort.size),
      R_ICMP: r(c.ICMP, c.IP),
      R_IP: r(c.IP, c.PKTS),
      R_SYN: r(c.SYN, c.IP),
      TRAFFIC: r(c.IP, covered),
    }, `period ${k}`);
    if (c.PKTS === 0) assert.equal(stats.PERF, 0);
    else assert.ok(stats.PERF === null || (stats.PERF as number) > 0);
  }
  // Period ends are t0 + (k+1)·p in Unix nanoseconds, exactly; the last one ends at the last packet.
  collector.records.forEach((rec, k) => assert.equal(rec.timeNs, k === last ? t0 + lastNs : t0 + BigInt(k + 1) * 500_000_000n));
  // PERF is recorded but never judged; nor is any statistic of the last, partial period.
  for (const [k, rec] of collector.records.entries()) {
    for (const s of rec.stats) {
      if (s.name === 'PERF' || k === last) {
        assert.equal(s.status, 'NOT_JUDGED', `period ${k}: ${s.name}`);
        assert.ok(Number.isNaN(s.up) && Number.isNaN(s.down));
      } else assert.notEqual(s.status, 'NOT_JUDGED', `period ${k}: ${s.name}`);
    }
  }
  // The gap 2 s .. 3.5 s gives two empty periods.
  const empty = periods.map((p, k) => (p.PKTS === 0 ? k : -1)).filter((k) => k >= 0);
  assert.ok(empty.length >= 2, 'the scenario has empty periods');
  for (const k of empty) assert.equal(collector.records[k].counters.PKTS, 0);
});

test('a SYN-ACK counts as SYN and as ACK; a cut TCP header counts as IP only', async () => {
  const specs: PacketSpec[] = [
    { t: 0, kind: 'tcp', flags: B.SYN | B.ACK },
    { t: 0.1, kind: 'tcp', flags: B.SYN, cutTransportTo: 19 },
  ];
  const { packets } = materialize(specs, 1_600_000_000, 1);
  const path = tempFile('synack.pcap', writePcap(packets, { linkType: 1 }));
  const { collector, status } = await runCapture(path, [['analyzer.stats', 'R_SYN,R_ACK']]);
  assert.equal(collector.records.length, 1);
  assert.deepEqual(
    { SYN: collector.records[0].counters.SYN, ACK: collector.records[0].counters.ACK, IP: collector.records[0].counters.IP },
    { SYN: 1, ACK: 1, IP: 2 },
  );
  assert.equal(status.malformed, 1);
});

test('only the counters the loaded statistics need are computed', async () => {
  const { packets } = materialize([{ t: 0, kind: 'arp' }], 1_600_000_000, 1);
  const path = tempFile('arp.pcap', writePcap(packets, { linkType: 1 }));
  const { collector } = await runCapture(path, [['analyzer.stats', 'R_ARP']]);
  assert.deepEqual(Object.keys(collector.records[0].counters).sort(), ['ARP', 'PKTS']);
  assert.deepEqual(collector.records[0].stats.map((s) => [s.name, s.value]), [['R_ARP', 1]]);
});
