/**
 * The decoder against tshark, packet by packet: which outer layers are present (IPv4, IPv6,
 * ARP, TCP, UDP, ICMP), TCP flags, ports, addresses and IP lengths, on the real captures of
 * test/data/pcaps (plus extras from ../shared/data when present) and on a generated capture of
 * every frame shape the decoder knows.
 *
 * Where tshark legitimately differs, the test says so instead of comparing:
 * - link types we do not decode (FDDI, PPP, NFLOG, 802.11, radiotap, 802.15.4): tshark finds
 *   IP inside, we count packets only (asserted: no layer at all);
 * - tunnels (GRE, IP-in-IP, Teredo, GENEVE, ERSPAN, ICMP errors quoting a datagram): tshark
 *   decodes the inner headers too; we take the outer header and compare tshark's first
 *   occurrence of each field (which is the outer one) only for the outer layers;
 * - reassembly is turned off in tshark (ip/ipv6.defragment) so a later fragment is a fragment.
 * tshark starts slowly (~0.5 s), so all captures are concatenated by mergecap (same Debian
 * package family) into one pcapng and dissected in one run; each original file is read by
 * our reader on its own and compared with its slice of the rows.
 */
import { strict as assert } from 'node:assert';
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { decodePacket } from '../../src/decode/packet-decoder.js';
import { PacketSummary } from '../../src/decode/packet-summary.js';
import { openCaptureFile } from '../../src/source/capture-file.js';
import { writePcapng } from '../support/capture-writer.js';
import { addressWords } from '../support/packet-builder.js';
import { sampleFrames } from '../support/sample-traffic.js';
import { captureFiles, extrasNote } from '../support/test-data.js';

const haveTshark = spawnSync('tshark', ['-v']).status === 0;

const FIELDS = [
  'frame.protocols',
  'ip.src',
  'ip.dst',
  'ip.len',
  'ip.frag_offset',
  'ipv6.src',
  'ipv6.dst',
  'ipv6.plen',
  'ipv6.fraghdr.offset',
  'tcp.srcport',
  'tcp.dstport',
  'tcp.flags',
  'udp.srcport',
  'udp.dstport',
  'icmp.type',
  'icmp.code',
  'icmpv6.type',
  'icmpv6.code',
  'arp.opcode',
  'arp.src.proto_ipv4',
  'arp.dst.proto_ipv4',
];

/** First protocol names (frame.protocols) of link types we count as packets only. */
const UNDECODED_LINKS = new Set(['fddi', 'ppp', 'nflog', 'wlan', 'radiotap', 'wpan']);
/** First names of link types we decode. */
const DECODED_LINKS = new Set(['eth', 'sll', 'raw', 'null', 'ip', 'ipv6']);

async function tsharkRows(path: string): Promise<string[][]> {
  const args = ['-r', path, '-n', '-o', 'ip.defragment:FALSE', '-o', 'ipv6.defragment:FALSE', '-T', 'fields', '-E', 'separator=/t', '-E', 'occurrence=f'];
  for (const f of FIELDS) args.push('-e', f);
  const { stdout } = await promisify(execFile)('tshark', args, { maxBuffer: 256 * 1024 * 1024 }).catch((err: { stdout?: string }) => {
    // Damaged files: tshark prints the packets it could read, then complains.
    if (typeof err.stdout === 'string') return { stdout: err.stdout };
    throw err;
  });
  return stdout.split('\n').filter((l) => l !== '').map((l) => l.split('\t'));
}

interface Ours {
  layers: number;
  src: number[];
  dst: number[];
  ipBytes: number;
  srcPort: number;
  dstPort: number;
  tcpFlags: number;
  icmpType: number;
  icmpCode: number;
  arpOp: number;
}

async function decodeFile(path: string): Promise<Ours[]> {
  const source = await openCaptureFile(path);
  const s = new PacketSummary();
  const out: Ours[] = [];
  try {
    for (let batch = await source.next(); batch !== null; batch = await source.next()) {
      for (let i = 0; i < batch.count; i++) {
        decodePacket(batch.data, batch.offset[i], batch.caplen[i], batch.wirelen[i], batch.linkType[i], s);
        out.push({ layers: s.layers, src: [...s.src], dst: [...s.dst], ipBytes: s.ipBytes, srcPort: s.srcPort, dstPort: s.dstPort, tcpFlags: s.tcpFlags, icmpType: s.icmpType, icmpCode: s.icmpCode, arpOp: s.arpOp });
      }
    }
  } finally {
    await source.close();
  }
  return out;
}

const LAYER = { arp: 1, ipv4: 2, ipv6: 4, tcp: 8, udp: 16, icmp: 32, fragment: 64, icmpUnreach: 128 };

/** What tshark's dissection says about the outer layers, in our layer bits. */
function expectedLayers(protocols: string, row: Record<string, string>, where: string): number {
  const tokens = protocols.split(':');
  if (UNDECODED_LINKS.has(tokens[0])) return 0;
  assert.ok(DECODED_LINKS.has(tokens[0]), `${where}: unexpected link layer ${tokens[0]} (${protocols})`);
  const i = tokens.findIndex((t) => t === 'ip' || t === 'ipv6' || t === 'arp');
  if (i < 0) return 0;
  if (tokens[i] === 'arp') return LAYER.arp;
  let layers = tokens[i] === 'ip' ? LAYER.ipv4 : LAYER.ipv6;
  const fragOffset = tokens[i] === 'ip' ? row['ip.frag_offset'] : row['ipv6.fraghdr.offset'];
  if (fragOffset !== '' && fragOffset !== undefined && Number(fragOffset) !== 0) return layers | LAYER.fragment;
  let j = i + 1;
  while (j < tokens.length && (tokens[j].startsWith('ipv6.') || (tokens[j] === 'ah' && tokens[i] === 'ipv6'))) j++;
  const next = tokens[j];
  if (next === 'tcp') layers |= LAYER.tcp;
  else if (next === 'udp') layers |= LAYER.udp;
  else if (next === 'icmp') layers |= row['icmp.type'] === '3' ? LAYER.icmp | LAYER.icmpUnreach : LAYER.icmp;
  else if (next === 'icmpv6') layers |= row['icmpv6.type'] === '1' ? LAYER.icmp | LAYER.icmpUnreach : LAYER.icmp;
  return layers;
}

function compare(path: string, ours: Ours[], rows: string[][]): void {
  assert.equal(ours.length, rows.length, `${path}: packet count (ours vs tshark)`);
  rows.forEach((cols, k) => {
    const row: Record<string, string> = {};
    FIELDS.forEach((f, c) => (row[f] = cols[c] ?? ''));
    const where = `${path} packet ${k + 1}`;
    const o = ours[k];
    const layers = expectedLayers(row['frame.protocols'], row, where);
    assert.equal(o.layers, layers, `${where}: layers (${row['frame.protocols']})`);
    if (layers & LAYER.ipv4) {
      assert.deepEqual(o.src, addressWords(row['ip.src']), `${where}: ip.src`);
      assert.deepEqual(o.dst, addressWords(row['ip.dst']), `${where}: ip.dst`);
      assert.equal(o.ipBytes, Number(row['ip.len']), `${where}: ip.len`);
    }
    if (layers & LAYER.ipv6) {
      assert.deepEqual(o.src, addressWords(row['ipv6.src']), `${where}: ipv6.src`);
      assert.deepEqual(o.dst, addressWords(row['ipv6.dst']), `${where}: ipv6.dst`);
      assert.equal(o.ipBytes, Number(row['ipv6.plen']) + 40, `${where}: ipv6.plen`);
    }
    if (layers & LAYER.tcp) {
      assert.equal(o.srcPort, Number(row['tcp.srcport']), `${where}: tcp.srcport`);
      assert.equal(o.dstPort, Number(row['tcp.dstport']), `${where}: tcp.dstport`);
      assert.equal(o.tcpFlags, Number(row['tcp.flags']) & 0xff, `${where}: tcp.flags`);
    }
    if (layers & LAYER.udp) {
      assert.equal(o.srcPort, Number(row['udp.srcport']), `${where}: udp.srcport`);
      assert.equal(o.dstPort, Number(row['udp.dstport']), `${where}: udp.dstport`);
    }
    if (layers & LAYER.icmp) {
      const v = row['icmp.type'] !== '' ? 'icmp' : 'icmpv6';
      assert.equal(o.icmpType, Number(row[`${v}.type`]), `${where}: ${v}.type`);
      assert.equal(o.icmpCode, Number(row[`${v}.code`]), `${where}: ${v}.code`);
    }
    if (layers & LAYER.arp) {
      const ipv4 = row['arp.src.proto_ipv4'] !== '';
      assert.equal(o.arpOp, ipv4 ? Number(row['arp.opcode']) : 0, `${where}: arp.opcode`);
      if (ipv4) {
        assert.deepEqual(o.src, addressWords(row['arp.src.proto_ipv4']), `${where}: arp.src.proto_ipv4`);
        assert.deepEqual(o.dst, addressWords(row['arp.dst.proto_ipv4']), `${where}: arp.dst.proto_ipv4`);
      }
    }
  });
}

describe('decoder agrees with tshark', { skip: haveTshark ? false : 'tshark is not installed (Debian package tshark)' }, () => {
  const files = captureFiles();
  const tmp = mkdtempSync(join(tmpdir(), 'netspot-tshark-'));
  const generated = join(tmp, 'generated.pcapng');
  const inputs = [generated, ...files.map((f) => f.path)];
  const slices = new Map<string, { ours: Ours[]; rows: string[][] }>();

  before(async () => {
    // One interface per link type; each frame on its own link type's interface.
    const frames = sampleFrames();
    const linkTypes = [...new Set(frames.map((f) => f.linkType))];
    writeFileSync(
      generated,
      writePcapng([
        {
          interfaces: linkTypes.map((linkType) => ({ linkType })),
          blocks: frames.map((f, i) => ({ kind: 'epb' as const, interfaceId: linkTypes.indexOf(f.linkType), packet: { data: f.data, tsSec: 1700000000 + i, tsNsec: 0 } })),
        },
      ]),
    );
    const merged = join(tmp, 'merged.pcapng');
    execFileSync('mergecap', ['-F', 'pcapng', '-a', '-w', merged, ...inputs], { stdio: ['ignore', 'ignore', 'pipe'] });
    const rows = await tsharkRows(merged);
    let at = 0;
    for (const path of inputs) {
      const ours = await decodeFile(path);
      slices.set(path, { ours, rows: rows.slice(at, at + ours.length) });
      at += ours.length;
    }
    assert.equal(rows.length, at, 'packets in all files: tshark (merged) vs ours (file by file)');
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  it('on a generated capture of every frame shape (all link types, every outer layer)', (t) => {
    t.diagnostic(extrasNote(files, 'pcaps'));
    const { ours, rows } = slices.get(generated)!;
    compare(generated, ours, rows);
    assert.equal(ours.length, sampleFrames().length);
  });

  for (const f of files) {
    it(f.extra ? `on ${f.name} (extra, from ../shared/data/pcaps)` : `on ${f.name}`, () => {
      const { ours, rows } = slices.get(f.path)!;
      compare(f.path, ours, rows);
    });
  }
});
