import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SpaceSaving } from '../../src/context/space-saving.js';
import { EXACT_PACKETS, STRIDE, TopTalkers } from '../../src/context/top-talkers.js';
import { addressText } from '../../src/context/address-text.js';
import { PacketSummary } from '../../src/decode/packet-summary.js';
import { decodePacket } from '../../src/decode/packet-decoder.js';
import { writePcap } from '../support/capture-writer.js';
import { collectPackets } from '../support/collect-packets.js';
import { tempFile } from '../support/run-capture.js';
import { addressWords } from '../support/packet-builder.js';
import { materialize, prng, type PacketSpec } from '../fixtures/scenario.js';

/** The exact counts of a stream of keys, by an independent Map. */
function exactCounts(keys: number[]): Map<number, number> {
  const m = new Map<number, number>();
  for (const k of keys) m.set(k, (m.get(k) ?? 0) + 1);
  return m;
}

/** A skewed stream: key i drawn with weight 1 / (i + 1) (Zipf), over `distinct` keys. */
function zipfStream(n: number, distinct: number, seed: number): number[] {
  const rnd = prng(seed);
  const weights = Array.from({ length: distinct }, (_, i) => 1 / (i + 1));
  const sum = weights.reduce((a, b) => a + b, 0);
  const cdf: number[] = [];
  let acc = 0;
  for (const w of weights) cdf.push((acc += w / sum));
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const u = rnd();
    let lo = 0, hi = distinct - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid] < u) lo = mid + 1;
      else hi = mid;
    }
    out.push((Math.imul(lo, 2654435761) ^ 0x5bd1e995) >>> 0);
  }
  return out;
}

test('Space-Saving counts exactly when there are no more keys than slots', () => {
  const keys = zipfStream(20_000, 50, 1);
  const ss = new SpaceSaving(64);
  for (const k of keys) ss.add(0, 0, 0xffff, k);
  const exact = exactCounts(keys);
  const top = ss.top(100);
  assert.equal(top.length, exact.size);
  for (const t of top) {
    assert.equal(t.error, 0);
    assert.equal(t.min, exact.get(t.words[3]));
  }
  const expectedOrder = [...exact.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, 5).map((e) => e[0]);
  assert.deepEqual(ss.top(5).map((t) => t.words[3]), expectedOrder);
});

test('Space-Saving keeps its error bound on a long skewed stream with many more keys than slots', () => {
  for (const seed of [2, 3, 4]) {
    const n = 200_000, k = 64;
    const keys = zipfStream(n, 20_000, seed);
    const ss = new SpaceSaving(k);
    for (const key of keys) ss.add(1, 2, 3, key);
    const exact = exactCounts(keys);
    const monitored = new Map(ss.top(k).map((t) => [t.words[3], t]));
    assert.equal(ss.total, n);
    for (const t of monitored.values()) {
      const truth = exact.get(t.words[3]) ?? 0;
      assert.ok(t.min <= truth && truth <= t.count, `key ${t.words[3]}: true ${truth} outside [${t.min}, ${t.count}]`);
      assert.ok(t.error <= n / k, `error ${t.error} above N/k = ${n / k}`);
    }
    for (const [key, c] of exact) if (c > n / k) assert.ok(monitored.has(key), `key ${key} with ${c} > N/k occurrences is not monitored`);
    // The five heaviest are well separated in a Zipf stream: found in order.
    const truthTop = [...exact.entries()].sort((a, b) => b[1] - a[1]).slice(0, 5).map((e) => e[0]);
    assert.deepEqual(ss.top(5).map((t) => t.words[3]), truthTop);
  }
});

test('Space-Saving keeps its bounds with weights (1 and the sampling stride) over periods reused after reset', () => {
  const k = 64;
  const ss = new SpaceSaving(k);
  for (const seed of [5, 6, 7, 8]) {
    // A period: a skewed stream over many more keys than slots, the later part weighted as sampled packets are.
    ss.reset();
    const keys = zipfStream(30_000, 50_000, seed);
    const exact = new Map<number, number>();
    let n = 0;
    keys.forEach((key, i) => {
      const w = i < 1024 ? 1 : STRIDE;
      ss.add(0, 0, 0, key, w);
      exact.set(key, (exact.get(key) ?? 0) + w);
      n += w;
    });
    assert.equal(ss.total, n);
    const all = ss.top(k);
    assert.equal(all.length, k);
    // Every occurrence is in some count: a full Space-Saving's counts sum to the weight seen.
    assert.equal(all.reduce((sum, t) => sum + t.count, 0), n);
    for (const t of all) {
      const truth = exact.get(t.words[3]) ?? 0;
      assert.ok(t.min <= truth && truth <= t.count, `seed ${seed}, key ${t.words[3]}: true ${truth} outside [${t.min}, ${t.count}]`);
      assert.ok(t.error <= n / k, `error ${t.error} above N/k = ${n / k}`);
    }
    for (const [key, c] of exact) if (c > n / k) assert.ok(all.some((t) => t.words[3] === key), `key ${key} with ${c} > N/k is not monitored`);
  }
});

test('Space-Saving tells keys apart by every word and starts empty after reset', () => {
  const ss = new SpaceSaving(8);
  ss.add(1, 0, 0, 7);
  ss.add(0, 1, 0, 7);
  ss.add(0, 0, 1, 7);
  ss.add(0, 0, 0, 7);
  ss.add(0, 0, 0, 7);
  const top = ss.top(10);
  assert.equal(top.length, 4);
  assert.deepEqual(top[0].words, [0, 0, 0, 7]);
  assert.equal(top[0].min, 2);
  ss.reset();
  assert.equal(ss.total, 0);
  assert.deepEqual(ss.top(10), []);
  ss.add(9, 9, 9, 9);
  assert.deepEqual(ss.top(10).map((t) => [t.words[0], t.min]), [[9, 1]]);
});

test('addresses are written as dotted quads and RFC 5952 IPv6 text', () => {
  const cases = ['198.51.100.7', '0.0.0.0', '255.255.255.255', '2001:db8::1', '::1', '::', 'fe80::1:0:0:2', '2001:db8:0:1:1:1:1:1', '2001:0:0:1::1'];
  const expected = ['198.51.100.7', '0.0.0.0', '255.255.255.255', '2001:db8::1', '::1', '::', 'fe80::1:0:0:2', '2001:db8:0:1:1:1:1:1', '2001:0:0:1::1'];
  cases.forEach((a, i) => {
    const [w0, w1, w2, w3] = addressWords(a);
    assert.equal(addressText(w0, w1, w2, w3), expected[i]);
  });
});

/** A period of generated traffic: a busy client, a spoofed SYN flood on one server, IPv6, ARP. */
function periodSpecs(seed: number, n: number): PacketSpec[] {
  const rnd = prng(seed);
  const specs: PacketSpec[] = [];
  for (let i = 0; i < n; i++) {
    const t = rnd() * 0.99;
    const r = rnd();
    if (r < 0.3) specs.push({ t, kind: 'tcp', src: '192.168.1.10', dst: `10.0.0.${1 + Math.floor(rnd() * 20)}`, sport: 40000, dport: 443 });
    else if (r < 0.5) specs.push({ t, kind: 'udp', src: `192.168.1.${20 + Math.floor(rnd() * 30)}`, dst: '10.0.0.53', sport: 5353, dport: 53 });
    else if (r < 0.6) specs.push({ t, kind: 'tcp', v6: true, src: '2001:db8::a', dst: `2001:db8::${(1 + Math.floor(rnd() * 5)).toString(16)}`, sport: 1234, dport: 22 });
    else if (r < 0.65) specs.push({ t, kind: 'arp', src: '192.168.1.30', dst: '192.168.1.1' });
    else if (r < 0.7) specs.push({ t, kind: 'icmp', src: '192.168.1.11', dst: '10.0.0.1' });
    else {
      const spoofed = `${1 + Math.floor(rnd() * 223)}.${Math.floor(rnd() * 256)}.${Math.floor(rnd() * 256)}.${1 + Math.floor(rnd() * 254)}`;
      specs.push({ t, kind: 'tcp', flags: 0x02, src: spoofed, dst: '10.0.0.80', sport: 1024 + Math.floor(rnd() * 60000), dport: 80 });
    }
  }
  return specs.sort((a, b) => a.t - b.t);
}

/** A generated period through the real reader and decoder into TopTalkers, and the counts the generator meant. */
async function talkersOf(n: number): Promise<{ talkers: TopTalkers; src: Map<string, number>; dst: Map<string, number>; port: Map<string, number>; ip: number }> {
  const specs = periodSpecs(7, n);
  const { packets } = materialize(specs, 1_700_000_000, 1);
  const path = tempFile('talkers.pcap', writePcap(packets, { linkType: 1, nanos: true }));
  const read = await collectPackets(path);
  const talkers = new TopTalkers(5);
  const summary = new PacketSummary();
  for (const p of read.packets) {
    decodePacket(p.data, 0, p.caplen, p.wirelen, p.linkType, summary);
    talkers.process(summary);
  }
  // Expected, from the specs alone (the default addresses are the scenario's).
  const src = new Map<string, number>(), dst = new Map<string, number>(), port = new Map<string, number>();
  let ip = 0;
  const inc = (m: Map<string, number>, k: string): void => void m.set(k, (m.get(k) ?? 0) + 1);
  for (const s of specs) {
    if (s.kind === 'arp') continue;
    ip++;
    inc(src, s.src as string);
    inc(dst, s.dst as string);
    if (s.kind === 'tcp' || s.kind === 'udp') inc(port, `${s.kind}/${s.dport}`);
  }
  return { talkers, src, dst, port, ip };
}

test('top talkers of a generated period (all packets counted) match an independent count of the generator specs', async () => {
  const { talkers, src, dst, port, ip } = await talkersOf(EXACT_PACKETS); // a little under EXACT_PACKETS IP packets (ARP aside)
  assert.ok(ip <= EXACT_PACKETS, `${ip} IP packets`);
  const ctx = talkers.context();
  const heaviest = (m: Map<string, number>) => [...m.entries()].sort((a, b) => b[1] - a[1])[0];
  // Destinations and ports have few distinct keys: exact counts and shares.
  for (const d of ctx.top_dst) {
    assert.equal(d.pkts, dst.get(d.addr), `dst ${d.addr}`);
    assert.equal(d.share, Math.round((d.pkts / ip) * 1e4) / 1e4);
  }
  assert.equal(ctx.top_dst[0].addr, '10.0.0.80');
  assert.equal(ctx.top_dst[0].addr, heaviest(dst)[0]);
  assert.deepEqual(
    ctx.top_dst_port.map((p) => [`${p.proto}/${p.port}`, p.pkts]),
    [...port.entries()].sort((a, b) => b[1] - a[1]).slice(0, 5),
  );
  // Sources: the spoofed flood brings hundreds of addresses (more than the 64 slots); the
  // busy client is still first with its exact count, and every reported count is a lower
  // bound within N/k of the truth.
  assert.ok(src.size > 64);
  assert.equal(ctx.top_src[0].addr, '192.168.1.10');
  assert.equal(ctx.top_src[0].pkts, src.get('192.168.1.10'));
  for (const a of ctx.top_src) {
    const truth = src.get(a.addr) ?? 0;
    assert.ok(a.pkts <= truth && truth - a.pkts <= ip / 64, `src ${a.addr}: ${a.pkts} vs true ${truth}`);
  }
  assert.ok(ctx.top_src.some((a) => a.addr === '2001:db8::a'));
});

test('in a large period the sampled top talkers estimate the generator counts closely and keep the order', async () => {
  const { talkers, src, dst, port, ip } = await talkersOf(40_000);
  const ctx = talkers.context();
  const sorted = (m: Map<string, number>) => [...m.entries()].sort((a, b) => b[1] - a[1]);
  // The flood target and port, and the busy client, are first; estimates within 10% (sampling
  // error about sqrt(STRIDE / n)), shares within 2 points.
  assert.equal(ctx.top_dst[0].addr, sorted(dst)[0][0]);
  // tcp/443 and tcp/80 carry 30% each: near a tie, so only the pair is asserted, not its order.
  assert.deepEqual(ctx.top_dst_port.slice(0, 2).map((p) => `${p.proto}/${p.port}`).sort(), sorted(port).slice(0, 2).map((e) => e[0]).sort());
  assert.equal(ctx.top_src[0].addr, '192.168.1.10');
  for (const [est, truth] of [[ctx.top_dst[0].pkts, sorted(dst)[0][1]], [ctx.top_src[0].pkts, src.get('192.168.1.10')!], [ctx.top_dst_port[0].pkts, port.get(`${ctx.top_dst_port[0].proto}/${ctx.top_dst_port[0].port}`)!]]) {
    assert.ok(Math.abs(est - truth) / truth < 0.1, `estimate ${est} for a true ${truth}`);
  }
  assert.ok(Math.abs(ctx.top_dst[0].share - sorted(dst)[0][1] / ip) < 0.02);
  assert.ok(ctx.top_dst[0].pkts - EXACT_PACKETS > STRIDE, 'sampled beyond the exact start');
});

test('a spoofed flood shows as a tiny top-source share with a dominant destination and port', () => {
  const talkers = new TopTalkers(5);
  const p = new PacketSummary();
  const rnd = prng(11);
  p.layers = 2 | 8; // IPv4 + TCP
  p.src.set([0, 0, 0xffff, 0]);
  p.dst.set(addressWords('10.0.0.80'));
  p.dstPort = 80;
  for (let i = 0; i < 50_000; i++) {
    p.src[3] = Math.floor(rnd() * 0xffffffff) >>> 0;
    talkers.process(p);
  }
  const ctx = talkers.context();
  assert.ok(ctx.top_src[0].share < 0.001, `top source share ${ctx.top_src[0].share}`);
  assert.equal(ctx.top_dst[0].share, 1);
  assert.deepEqual([ctx.top_dst_port[0].port, ctx.top_dst_port[0].proto, ctx.top_dst_port[0].share], [80, 'tcp', 1]);
  assert.ok(Math.abs(ctx.top_dst_port[0].pkts - 50_000) < 2500, `estimate ${ctx.top_dst_port[0].pkts}`);
  talkers.reset();
  assert.deepEqual(talkers.context(), { top_src: [], top_dst: [], top_dst_port: [] });
});
