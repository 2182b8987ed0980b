import { strict as assert } from 'node:assert';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { openCaptureFile } from '../../src/source/capture-file.js';
import { InputError } from '../../src/util/errors.js';
import { gzip, writePcapng, type CapturedPacket, type PcapngSection } from '../support/capture-writer.js';
import { collectPackets, type ReadPacket } from '../support/collect-packets.js';

const dir = mkdtempSync(join(tmpdir(), 'netspot-pcapng-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, bytes: Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

function packet(i: number, len: number, tsSec: number, tsNsec: number): CapturedPacket {
  return { data: new Uint8Array(len).map((_, j) => (i * 13 + j) & 0xff), tsSec, tsNsec };
}

/** The nanoseconds a reader can recover from a timestamp written with `units` per second. */
function representable(nsec: number, units: bigint): number {
  const ticks = (BigInt(nsec) * units) / 1000000000n;
  return Number((ticks * 1000000000n) / units);
}

/** What the reader should hand out for each packet. */
type Expected = ReadPacket;

/**
 * Two sections (little- then big-endian or the reverse), interfaces with their own link types,
 * resolutions and offsets, every packet block kind and blocks the reader must skip.
 */
function mixedCapture(firstBigEndian: boolean): { bytes: Uint8Array; expected: Expected[] } {
  const expected: Expected[] = [];
  const s1: PcapngSection = {
    bigEndian: firstBigEndian,
    interfaces: [
      { linkType: 1, snaplen: 100 }, // microseconds (no if_tsresol)
      { linkType: 113, tsresol: 9 }, // nanoseconds
      { linkType: 101, tsresol: 0x80 | 20 }, // 2^-20 s
      { linkType: 276, tsresol: 3, tsoffset: 1000000000 }, // milliseconds, offset
      { linkType: 0, tsresol: 12, tsoffset: 1699999990 }, // picoseconds (64 bits hold ~213 days of them)
    ],
    blocks: [],
  };
  const add = (iface: number, p: CapturedPacket, units: bigint, kind: 'epb' | 'pb'): void => {
    s1.blocks.push({ kind, interfaceId: iface, packet: p });
    expected.push({ tsSec: p.tsSec, tsNsec: representable(p.tsNsec, units), caplen: p.data.length, wirelen: p.data.length, linkType: s1.interfaces[iface].linkType, data: p.data });
  };
  s1.blocks.push({ kind: 'raw', type: 4, body: new Uint8Array([0, 0, 0, 0]) }); // name resolution block
  add(0, packet(0, 60, 1700000000, 123456000), 1000000n, 'epb');
  add(1, packet(1, 61, 1700000001, 999999999), 1000000000n, 'epb');
  add(2, packet(2, 62, 1700000002, 500000123), 1n << 20n, 'epb');
  s1.blocks.push({ kind: 'raw', type: 0x00000bad, body: new Uint8Array(10) }); // custom block
  add(3, packet(3, 63, 1700000003, 250000000), 1000n, 'pb');
  add(4, packet(4, 64, 1700000004, 987654321), 1000000000000n, 'epb');
  // SPB: interface 0, no timestamp (gets the previous packet's), clipped to the snaplen (100).
  const spb = packet(5, 150, 0, 0);
  s1.blocks.push({ kind: 'spb', packet: spb });
  const prev = expected[expected.length - 1];
  expected.push({ tsSec: prev.tsSec, tsNsec: prev.tsNsec, caplen: 100, wirelen: 150, linkType: 1, data: spb.data.subarray(0, 100) });
  s1.blocks.push({ kind: 'raw', type: 5, body: new Uint8Array(16) }); // interface statistics

  // A second section with the other byte order: interfaces start over.
  const s2: PcapngSection = { bigEndian: !firstBigEndian, interfaces: [{ linkType: 228 }, { linkType: 1, tsresol: 9 }], blocks: [] };
  const p6 = packet(6, 40, 1700000010, 1000);
  const p7 = packet(7, 200, 1700000011, 42);
  s2.blocks.push({ kind: 'epb', interfaceId: 1, packet: p7 }, { kind: 'epb', interfaceId: 0, packet: p6 });
  expected.push({ tsSec: p7.tsSec, tsNsec: 42, caplen: 200, wirelen: 200, linkType: 1, data: p7.data });
  expected.push({ tsSec: p6.tsSec, tsNsec: 1000, caplen: 40, wirelen: 40, linkType: 228, data: p6.data });
  return { bytes: writePcapng([s1, s2]), expected };
}

function assertSame(actual: Expected[], expected: Expected[]): void {
  assert.equal(actual.length, expected.length);
  expected.forEach((e, i) => {
    const a = actual[i];
    assert.equal(a.linkType, e.linkType, `packet ${i} link type`);
    assert.equal(a.tsSec, e.tsSec, `packet ${i} seconds`);
    assert.equal(a.tsNsec, e.tsNsec, `packet ${i} nanoseconds`);
    assert.equal(a.caplen, e.caplen, `packet ${i} caplen`);
    assert.equal(a.wirelen, e.wirelen, `packet ${i} wirelen`);
    assert.deepEqual(a.data, e.data, `packet ${i} bytes`);
  });
}

describe('pcapng reader', () => {
  for (const firstBigEndian of [false, true]) {
    it(`reads sections of both byte orders (first ${firstBigEndian ? 'big' : 'little'}-endian), per-interface link types and resolutions`, async () => {
      const { bytes, expected } = mixedCapture(firstBigEndian);
      const path = file(`mixed-${firstBigEndian}.pcapng`, bytes);
      for (const chunkSize of [64, 97, undefined]) {
        const r = await collectPackets(path, chunkSize);
        assertSame(r.packets, expected);
        assert.deepEqual(r.warnings, []);
      }
    });
  }

  it('reads a gzip-compressed pcapng', async () => {
    const { bytes, expected } = mixedCapture(false);
    const r = await collectPackets(file('mixed.pcapng.gz', gzip(bytes)), 128);
    assertSame(r.packets, expected);
    assert.equal(r.name, 'mixed');
  });

  it('warns about a truncated last block', async () => {
    const { bytes, expected } = mixedCapture(false);
    const lastBlock = 32 + 40; // EPB of 40 bytes of data
    const path = file('cut.pcapng', bytes.subarray(0, bytes.length - 10));
    const r = await collectPackets(path, 64);
    assertSame(r.packets, expected.slice(0, -1));
    assert.equal(r.warnings.length, 1);
    assert.match(r.warnings[0], new RegExp(`truncated last block at byte offset ${bytes.length - lastBlock}\\b.*1 truncated record`));
  });

  it('rejects a bad block length naming the file and the byte offset', async () => {
    const { bytes } = mixedCapture(false);
    const shbLen = new DataView(bytes.buffer).getUint32(4, true);
    const broken = bytes.slice();
    new DataView(broken.buffer).setUint32(shbLen + 4, 13, true); // first IDB's length
    const path = file('badlen.pcapng', broken);
    await assert.rejects(collectPackets(path), (err: Error) => {
      assert.ok(err instanceof InputError);
      assert.ok(err.message.includes(path));
      assert.match(err.message, new RegExp(`bad pcapng block length 13 .* at byte offset ${shbLen}\\b`));
      return true;
    });
  });

  it('rejects a packet of an undeclared interface and a captured length beyond its block', async () => {
    const p = packet(0, 20, 1, 0);
    const noIface = writePcapng([{ interfaces: [], blocks: [{ kind: 'epb', interfaceId: 0, packet: p }] }]);
    await assert.rejects(collectPackets(file('noiface.pcapng', noIface)), /undeclared interface 0 at byte offset 28\b/);
    const big = writePcapng([{ interfaces: [{ linkType: 1 }], blocks: [{ kind: 'epb', interfaceId: 0, packet: p }] }]);
    const epbAt = 28 + 20;
    new DataView(big.buffer).setUint32(epbAt + 20, 5000, true);
    await assert.rejects(collectPackets(file('bigcap.pcapng', big)), (err: Error) => {
      assert.ok(err instanceof InputError);
      assert.match(err.message, new RegExp(`captured length 5000 exceeds its block .* at byte offset ${epbAt}\\b`));
      return true;
    });
  });

  it('reports progress in bytes', async () => {
    const { bytes } = mixedCapture(true);
    const source = await openCaptureFile(file('progress.pcapng', bytes));
    while ((await source.next()) !== null);
    assert.deepEqual({ ...source.stats() }, { bytesRead: bytes.length, bytesTotal: bytes.length, packets: 8, dropped: 0, received: 0 });
    await source.close();
  });
});
