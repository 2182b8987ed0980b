import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ContactSet } from '../../src/counters/contact-set.js';
import { SourceIds } from '../../src/counters/source-ids.js';
import { FanOutTable } from '../../src/counters/source-fanout.js';
import { PacketSummary } from '../../src/decode/packet-summary.js';
import { decodePacket } from '../../src/decode/packet-decoder.js';
import * as B from '../support/packet-builder.js';
import { prng } from '../support/prng.js';

/** An address as a Uint32Array of the decoder's four words. */
const words = (addr: string): Uint32Array => Uint32Array.from(B.addressWords(addr));

/** A small id per source string, as SourceIds would give. */
function idOf(ids: Map<string, number>, s: string): number {
  if (!ids.has(s)) ids.set(s, ids.size);
  return ids.get(s) as number;
}

/** Random contacts, IPv4 and IPv6, addresses and ports, with repeats. */
function contacts(n: number, seed: number): Array<{ s: string; t: string; tw: Uint32Array }> {
  const rnd = prng(seed);
  const out = [];
  for (let i = 0; i < n; i++) {
    const v6 = rnd() < 0.3;
    const s = v6 ? `2001:db8::${Math.floor(rnd() * 300).toString(16)}` : `10.0.${Math.floor(rnd() * 4)}.${Math.floor(rnd() * 250)}`;
    const port = rnd() < 0.5;
    const t = port ? `port ${Math.floor(rnd() * 2000)}` : rnd() < 0.5 ? `192.168.0.${Math.floor(rnd() * 200)}` : `2001:db8:1::${Math.floor(rnd() * 200).toString(16)}`;
    const tw = port ? Uint32Array.of(0, 0, 0, Number(t.slice(5))) : words(t);
    out.push({ s, t, tw });
  }
  return out;
}

test('ContactSet: says "new" exactly for the first occurrence of each contact, across growth and periods', () => {
  const set = new ContactSet();
  for (const seed of [1, 2]) {
    const seen = new Set<string>();
    const ids = new Map<string, number>();
    for (const c of contacts(30_000, seed)) {
      const key = `${c.s} ${c.t}`;
      assert.equal(set.add(idOf(ids, c.s), c.tw), !seen.has(key), key);
      seen.add(key);
    }
    assert.equal(set.size, seen.size);
    assert.equal(set.overflow, 0);
    set.clear();
  }
});

test('ContactSet: past its bound new contacts are not recorded but counted as overflow', () => {
  const set = new ContactSet(1000);
  const seen = new Set<string>();
  const ids = new Map<string, number>();
  let news = 0;
  for (const c of contacts(20_000, 3)) {
    if (set.add(idOf(ids, c.s), c.tw)) news++;
    seen.add(`${c.s} ${c.t}`);
  }
  assert.equal(news, 1000);
  assert.equal(set.size, 1000);
  assert.ok(set.overflow >= seen.size - 1000, `overflow ${set.overflow} covers the ${seen.size - 1000} contacts left out`);
});

test('SourceIds: one dense id per distinct source, stable over the period, none past its bound', () => {
  const rnd = prng(4);
  const sources = Array.from({ length: 5000 }, (_, i) => (i % 3 === 0 ? `2001:db8::${i.toString(16)}` : `10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`));
  const ids = new SourceIds();
  for (let period = 0; period < 2; period++) {
    const expected = new Map<string, number>();
    for (let i = 0; i < 40_000; i++) {
      const s = sources[Math.floor(rnd() ** 3 * sources.length)];
      const isNew = !expected.has(s);
      assert.equal(ids.id(words(s)), idOf(expected, s), s);
      assert.equal(ids.fresh, isNew);
    }
    assert.equal(ids.size, expected.size);
    ids.clear();
  }
  const small = new SourceIds(0, 10);
  for (let i = 0; i < 20; i++) assert.equal(small.id(words(`10.0.0.${i}`)), i < 10 ? i : -1);
  assert.equal(small.id(words('10.0.0.3')), 3, 'a source that got an id keeps it');
});

/** Decodes an Ethernet frame into a fresh summary. */
function summary(frame: Uint8Array): PacketSummary {
  const p = new PacketSummary();
  decodePacket(frame, 0, frame.length, frame.length, 1, p);
  return p;
}
const v4 = (src: string, dst: string, protocol: number, payload: Uint8Array): Uint8Array =>
  B.ethernet({ etherType: B.ETH_IPV4, payload: B.ipv4({ src, dst, protocol, payload }) });

test('FanOutTable: only opening packets are contacts, each distinct target counted once', () => {
  const table = new FanOutTable(['tcpPorts', 'udpPorts', 'addresses']);
  const values = (): number[] => [table.max('tcpPorts'), table.max('udpPorts'), table.max('addresses')];
  const feed = (frame: Uint8Array): void => table.process(summary(frame));
  // A server answering 50 clients on 50 ports: replies, never contacts.
  for (let i = 0; i < 50; i++) {
    feed(v4('10.0.0.1', `10.0.1.${i}`, B.PROTO_TCP, B.tcp({ srcPort: 80, dstPort: 40000 + i, flags: B.SYN | B.ACK })));
    feed(v4('10.0.0.1', `10.0.1.${i}`, B.PROTO_TCP, B.tcp({ srcPort: 80, dstPort: 40000 + i, flags: B.RST })));
    feed(v4('10.0.0.1', `10.0.1.${i}`, B.PROTO_UDP, B.udp({ srcPort: 53, dstPort: 40000 + i })));
    feed(v4('10.0.0.1', `10.0.1.${i}`, B.PROTO_ICMP, B.icmp({ type: 0 })));
  }
  assert.deepEqual(values(), [0, 0, 0]);
  // A prober: SYN and FIN probes to 7 ports (twice), UDP requests to 4, pings to 3 hosts, ARP for 2.
  for (let r = 0; r < 2; r++) {
    for (let port = 1; port <= 7; port++) feed(v4('10.9.0.1', '10.0.0.1', B.PROTO_TCP, B.tcp({ srcPort: 50000, dstPort: port, flags: port % 2 ? B.SYN : B.FIN })));
    for (let port = 1; port <= 4; port++) feed(v4('10.9.0.1', '10.0.0.2', B.PROTO_UDP, B.udp({ srcPort: 50000, dstPort: port })));
    for (let h = 3; h <= 5; h++) feed(v4('10.9.0.1', `10.0.0.${h}`, B.PROTO_ICMP, B.icmp({ type: 8 })));
    for (let h = 6; h <= 7; h++) feed(B.ethernet({ etherType: B.ETH_ARP, payload: B.arp({ op: 1, senderIp: '10.9.0.1', targetIp: `10.0.0.${h}` }), pad: true }));
  }
  assert.deepEqual(values(), [7, 4, 7]);
  table.reset();
  assert.deepEqual(values(), [0, 0, 0]);
});

test('decoder: ICMP type and code, destination unreachable bit, ARP operation and addresses', () => {
  const unreach = summary(v4('10.0.0.1', '10.0.0.2', B.PROTO_ICMP, B.icmp({ type: 3, code: 3 })));
  assert.equal(unreach.icmpType, 3);
  assert.equal(unreach.icmpCode, 3);
  assert.notEqual(unreach.layers & 0x80, 0, 'LAYER_ICMP_UNREACH');
  const echo = summary(v4('10.0.0.1', '10.0.0.2', B.PROTO_ICMP, B.icmp({ type: 8 })));
  assert.equal(echo.layers & 0x80, 0);
  const unreach6 = summary(B.ethernet({ etherType: B.ETH_IPV6, payload: B.ipv6({ src: '2001:db8::1', dst: '2001:db8::2', nextHeader: B.PROTO_ICMPV6, payload: B.icmp({ type: 1, code: 4 }) }) }));
  assert.deepEqual([unreach6.icmpType, unreach6.icmpCode, unreach6.layers & 0x80], [1, 4, 0x80]);
  // ICMPv6 type 3 is Time Exceeded, not a rejection.
  const exceeded6 = summary(B.ethernet({ etherType: B.ETH_IPV6, payload: B.ipv6({ src: '2001:db8::1', dst: '2001:db8::2', nextHeader: B.PROTO_ICMPV6, payload: B.icmp({ type: 3 }) }) }));
  assert.equal(exceeded6.layers & 0x80, 0);
  const arp = summary(B.ethernet({ etherType: B.ETH_ARP, payload: B.arp({ op: 1, senderIp: '10.1.2.3', targetIp: '10.1.2.254' }), pad: true }));
  assert.equal(arp.arpOp, 1);
  assert.deepEqual([...arp.src], B.addressWords('10.1.2.3'));
  assert.deepEqual([...arp.dst], B.addressWords('10.1.2.254'));
});

test('FanOutTable: contacts lost past either bound are counted per kind; below the bounds nothing is', () => {
  const table = new FanOutTable(['tcpPorts', 'udpPorts', 'addresses'], { sources: 10, contacts: 20 });
  const syn = (src: string, port: number): void =>
    table.process(summary(v4(src, '10.0.0.1', B.PROTO_TCP, B.tcp({ srcPort: 50000, dstPort: port, flags: B.SYN }))));
  // 10 sources, one of them on 21 ports of one host: 20 contacts beyond each source's first, at both bounds.
  for (let i = 0; i < 10; i++) syn(`10.9.0.${i}`, 1);
  for (let port = 2; port <= 21; port++) syn('10.9.0.0', port);
  assert.deepEqual([table.overflow('tcpPorts'), table.overflow('udpPorts'), table.overflow('addresses')], [0, 0, 0]);
  assert.equal(table.max('tcpPorts'), 21);
  syn('10.9.0.0', 22); // one port too many
  syn('10.9.0.10', 1); // one source too many: its TCP and address contacts are lost
  assert.deepEqual([table.overflow('tcpPorts'), table.overflow('udpPorts'), table.overflow('addresses')], [2, 0, 1]);
  assert.equal(table.max('tcpPorts'), 21, 'a lower bound: the 22nd port is not counted');
  table.reset();
  assert.deepEqual([table.overflow('tcpPorts'), table.overflow('addresses')], [0, 0]);
});

test('topSources names the source holding each maximum, also when it overtakes an earlier one', () => {
  const table = new FanOutTable(['tcpPorts', 'udpPorts', 'addresses']);
  const s = new PacketSummary();
  const send = (src: string, dst: string, dstPort: number, udp = false): void => {
    const l4 = udp ? B.udp({ srcPort: 50000, dstPort, payload: new Uint8Array(8) }) : B.tcp({ srcPort: 50000, dstPort, flags: B.SYN });
    const frame = B.ethernet({ etherType: B.ETH_IPV4, payload: B.ipv4({ src, dst, protocol: udp ? B.PROTO_UDP : B.PROTO_TCP, payload: l4 }) });
    decodePacket(frame, 0, frame.length, frame.length, 1, s);
    table.process(s);
  };
  // 10.0.0.1 leads first (2 ports, 2 addresses), then 10.0.0.2 overtakes on ports (3), and
  // 10.0.0.3 on addresses (3) and UDP ports (1 is enough: the only UDP source).
  send('10.0.0.1', '192.0.2.1', 80);
  send('10.0.0.1', '192.0.2.2', 81);
  for (const p of [22, 23, 24]) send('10.0.0.2', '192.0.2.9', p);
  for (const d of ['198.51.100.1', '198.51.100.2', '198.51.100.3']) send('10.0.0.3', d, 53, true);
  assert.deepEqual(table.topSources(), [
    { kind: 'tcpPorts', addr: '10.0.0.2', targets: 3 },
    { kind: 'udpPorts', addr: '10.0.0.3', targets: 1 },
    { kind: 'addresses', addr: '10.0.0.3', targets: 3 },
  ]);
  table.reset();
  assert.deepEqual(table.topSources(), []);
  // A tie goes to the lowest address, whichever reached the count first (merged parts of a
  // period arrive in any order).
  for (const p of [1, 2]) send('10.0.0.9', '192.0.2.1', p);
  for (const p of [1, 2]) send('10.0.0.4', '192.0.2.1', p);
  for (const p of [1, 2]) send('10.0.0.200', '192.0.2.1', p);
  assert.deepEqual(table.topSources(), [
    { kind: 'tcpPorts', addr: '10.0.0.4', targets: 2 },
    { kind: 'addresses', addr: '10.0.0.4', targets: 1 },
  ]);
});
