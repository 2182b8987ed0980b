/**
 * Counter states on the wire: two sensors' analyzers count their own packets; their states go
 * through the v1 message (encode, JSON text, decode) and are merged by the aggregator's
 * analyzer. Expected distinct counts are the generator's sets: exact while each sensor's set is
 * small, within the sketch's bound once one is larger than WIRE_EXACT_MAX.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../../src/config/load.js';
import { Analyzer } from '../../src/analyzer/analyzer.js';
import { statDef, type StatDef } from '../../src/stats/index.js';
import { PacketSummary, LAYER_IPV4, LAYER_TCP } from '../../src/decode/packet-summary.js';
import { decodeSnapshot, encodeSnapshot, SnapshotFormatError } from '../../src/scale-out/snapshot-message.js';
import { measureMerged } from '../../src/scale-out/merged-period.js';
import { WIRE_EXACT_MAX } from '../../src/scale-out/wire-state.js';

const P = 1_000_000_000n;
const STATS = ['R_DST_SRC', 'R_DST_SRC_PORT', 'ADDR_FANOUT'];

async function analyzer(): Promise<{ a: Analyzer; stats: StatDef[] }> {
  const cfg = await loadConfig({ overrides: [['analyzer.stats', STATS]] });
  return { a: new Analyzer(cfg, 't', { counters: ['NB_UNIQ_SRC_ADDR', 'NB_UNIQ_DST_ADDR'] }), stats: STATS.map((n) => statDef(n)!) };
}

/** Counts TCP packets src -> dst:port in `a` (addresses as IPv4 numbers). */
function count(a: Analyzer, packets: Array<[number, number, number]>): void {
  const p = new PacketSummary();
  for (const [src, dst, port] of packets) {
    p.layers = LAYER_IPV4 | LAYER_TCP;
    p.src.set([0, 0, 0xffff, src]);
    p.dst.set([0, 0, 0xffff, dst]);
    p.srcPort = 40000;
    p.dstPort = port;
    p.ipBytes = 40;
    a.countPacket(p);
  }
}

/** A sensor's message for the period it counted (then reset, as at a period end). */
async function sensorMessage(name: string, packets: Array<[number, number, number]>): Promise<string> {
  const { a } = await analyzer();
  count(a, packets);
  const text = encodeSnapshot({ sensor: name, start: 0n, period: P, covered: P, partial: false, real: 0.001, dropped: 0, received: 0 }, a.periodState());
  return text;
}

async function merged(messages: string[]): Promise<Record<string, number>> {
  const { a, stats } = await analyzer();
  const m = measureMerged(a, stats, messages.map((t) => decodeSnapshot(t)), P, false);
  return m.counters;
}

const ip = (x: number): number => (10 << 24) + x;

test('small sets travel exactly: the union of two sensors is the generator\'s', async () => {
  // Sensor 1: sources 1..50 to servers 1000..1009; sensor 2: sources 30..80 (overlapping) to servers 1005..1014.
  const p1: Array<[number, number, number]> = [];
  const p2: Array<[number, number, number]> = [];
  for (let s = 1; s <= 50; s++) p1.push([ip(s), ip(1000 + (s % 10)), 80 + (s % 3)]);
  for (let s = 30; s <= 80; s++) p2.push([ip(s), ip(1005 + (s % 10)), 443]);
  const c = await merged([await sensorMessage('s1', p1), await sensorMessage('s2', p2)]);
  assert.equal(c.NB_UNIQ_SRC_ADDR, 80);
  assert.equal(c.NB_UNIQ_DST_ADDR, 15);
  assert.equal(c.NB_UNIQ_DST_PORT, 4);
  // Every source contacts one server, whichever sensor saw it: 30..50 contacted two, one on each.
  assert.equal(c.SRC_MAX_DST_ADDRS, 2);
});

test(`a set above ${WIRE_EXACT_MAX} members travels as a sketch: the merged count is within 3 standard errors (2.5 %)`, async () => {
  const n1 = 3 * WIRE_EXACT_MAX, n2 = WIRE_EXACT_MAX / 2, overlap = WIRE_EXACT_MAX / 4;
  const p1: Array<[number, number, number]> = [];
  const p2: Array<[number, number, number]> = [];
  for (let s = 0; s < n1; s++) p1.push([ip(s), ip(1 << 20), 80]);
  for (let s = n1 - overlap; s < n1 - overlap + n2; s++) p2.push([ip(s), ip(1 << 20), 80]);
  const m1 = await sensorMessage('s1', p1);
  assert.match(m1, /"kind":"hll","of":"addresses"/);
  assert.doesNotMatch(await sensorMessage('s2', p2), /"kind":"hll"/);
  const truth = n1 + n2 - overlap;
  const c = await merged([m1, await sensorMessage('s2', p2)]);
  assert.ok(Math.abs(c.NB_UNIQ_SRC_ADDR - truth) <= 0.025 * truth, `${c.NB_UNIQ_SRC_ADDR} distinct sources estimated, ${truth} sent`);
  assert.equal(c.NB_UNIQ_DST_ADDR, 1, 'small sets stay exact beside a sketch');
});

test('a message of another version, or with damaged counters, is refused with the reason', async () => {
  const good = JSON.parse(await sensorMessage('s1', [[ip(1), ip(2), 80]])) as Record<string, unknown>;
  assert.throws(() => decodeSnapshot(JSON.stringify({ ...good, v: 2 })), (e: Error) => e instanceof SnapshotFormatError && /version 2, this aggregator reads version 1/.test(e.message));
  const counters = (good.counters as Array<Record<string, unknown>>).map((e) => (e.kind === 'addresses' ? { ...e, v4: 'AAA' } : e));
  assert.throws(() => decodeSnapshot(JSON.stringify({ ...good, counters })), /NB_UNIQ_\w+_ADDR v4: 2 bytes is no whole number of 4-byte values/);
  assert.throws(() => decodeSnapshot(JSON.stringify({ ...good, start: 12.5 })), /"start" is not decimal nanoseconds/);
});
