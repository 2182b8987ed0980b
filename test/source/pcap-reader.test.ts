import { strict as assert } from 'node:assert';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { openCaptureFile } from '../../src/source/capture-file.js';
import { InputError } from '../../src/util/errors.js';
import { writePcap, gzip, type CapturedPacket } from '../support/capture-writer.js';
import { collectPackets } from '../support/collect-packets.js';

const dir = mkdtempSync(join(tmpdir(), 'netspot-pcap-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, bytes: Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

/** Packets of varied sizes (1..300 bytes) and timestamps, each filled with a recognisable pattern. */
function samplePackets(n: number, nanos: boolean): CapturedPacket[] {
  const out: CapturedPacket[] = [];
  for (let i = 0; i < n; i++) {
    const len = 1 + ((i * 37) % 300);
    const data = new Uint8Array(len).map((_, j) => (i * 7 + j) & 0xff);
    const nsec = (i * 123456789) % 1000000000;
    out.push({ data, tsSec: 1700000000 + i * 3, tsNsec: nanos ? nsec : Math.floor(nsec / 1000) * 1000, wirelen: len + (i % 3) * 10 });
  }
  return out;
}

function assertSame(actual: Awaited<ReturnType<typeof collectPackets>>['packets'], expected: CapturedPacket[], linkType: number): void {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i];
    const e = expected[i];
    assert.equal(a.tsSec, e.tsSec, `packet ${i} seconds`);
    assert.equal(a.tsNsec, e.tsNsec, `packet ${i} nanoseconds`);
    assert.equal(a.caplen, e.data.length, `packet ${i} caplen`);
    assert.equal(a.wirelen, e.wirelen ?? e.data.length, `packet ${i} wirelen`);
    assert.equal(a.linkType, linkType);
    assert.deepEqual(a.data, e.data, `packet ${i} bytes`);
  }
}

describe('classic pcap reader', () => {
  for (const bigEndian of [false, true]) {
    for (const nanos of [false, true]) {
      const variant = `${bigEndian ? 'big' : 'little'}-endian, ${nanos ? 'nanosecond' : 'microsecond'}`;
      it(`reads every record of a ${variant} file`, async () => {
        const packets = samplePackets(50, nanos);
        const path = file(`v-${bigEndian}-${nanos}.pcap`, writePcap(packets, { linkType: 1, bigEndian, nanos }));
        const r = await collectPackets(path);
        assertSame(r.packets, packets, 1);
        assert.deepEqual(r.warnings, []);
      });
    }
  }

  it('keeps the link type of the file', async () => {
    const packets = samplePackets(3, false);
    const r = await collectPackets(file('sll2.pcap', writePcap(packets, { linkType: 276 })));
    assertSame(r.packets, packets, 276);
  });

  it('handles records spanning read chunks with a tiny window (and grows it for big records)', async () => {
    const packets = samplePackets(200, true);
    const path = file('chunks.pcap', writePcap(packets, { linkType: 1, nanos: true }));
    for (const chunkSize of [64, 100, 333, 4096]) {
      const r = await collectPackets(path, chunkSize);
      assertSame(r.packets, packets, 1);
    }
  });

  it('hands out more packets than one batch holds', async () => {
    const packets: CapturedPacket[] = [];
    for (let i = 0; i < 70000; i++) packets.push({ data: new Uint8Array([i & 0xff, i >>> 8]), tsSec: i, tsNsec: 0 });
    const path = file('many.pcap', writePcap(packets, { linkType: 1 }));
    const source = await openCaptureFile(path);
    let count = 0;
    let batches = 0;
    for (let b = await source.next(); b !== null; b = await source.next()) {
      batches++;
      for (let i = 0; i < b.count; i++) {
        assert.equal(b.data[b.offset[i]] | (b.data[b.offset[i] + 1] << 8), count & 0xffff);
        assert.equal(b.tsSec[i], count);
        count++;
      }
    }
    assert.equal(count, 70000);
    assert.ok(batches >= 2);
    const stats = source.stats();
    assert.equal(stats.packets, 70000);
    assert.equal(stats.bytesRead, stats.bytesTotal);
    await source.close();
  });

  it('reads a gzip-compressed file, named by its base name without extensions', async () => {
    const packets = samplePackets(100, false);
    const path = file('traffic.pcap.gz', gzip(writePcap(packets, { linkType: 1 })));
    const r = await collectPackets(path, 256);
    assertSame(r.packets, packets, 1);
    assert.equal(r.name, 'traffic');
  });

  it('recognises gzip by its magic number whatever the name', async () => {
    const packets = samplePackets(10, false);
    const r = await collectPackets(file('noext', gzip(writePcap(packets, { linkType: 1 }))));
    assertSame(r.packets, packets, 1);
    assert.equal(r.name, 'noext');
  });

  it('warns about a truncated last record and keeps the whole ones', async () => {
    const packets = samplePackets(20, false);
    const bytes = writePcap(packets, { linkType: 1 });
    const lastLen = packets[19].data.length;
    for (const cut of [5, 16 + Math.floor(lastLen / 2)]) {
      const path = file(`cut-${cut}.pcap`, bytes.subarray(0, bytes.length - (16 + lastLen) + cut));
      for (const chunkSize of [64, undefined]) {
        const r = await collectPackets(path, chunkSize);
        assertSame(r.packets, packets.slice(0, 19), 1);
        assert.equal(r.warnings.length, 1);
        assert.match(r.warnings[0], /truncated/);
        assert.match(r.warnings[0], /1 truncated record/);
        assert.match(r.warnings[0], new RegExp(`byte offset ${bytes.length - (16 + lastLen)}\\b`));
        assert.ok(r.warnings[0].includes(path));
      }
    }
  });

  it('warns about a truncated gzip stream', async () => {
    const packets = samplePackets(300, false);
    const gz = gzip(writePcap(packets, { linkType: 1 }));
    const r = await collectPackets(file('cut.pcap.gz', gz.subarray(0, Math.floor(gz.length * 0.6))));
    assert.ok(r.packets.length > 0 && r.packets.length < 300);
    assertSame(r.packets, packets.slice(0, r.packets.length), 1);
    assert.ok(r.warnings.some((w) => /gzip stream truncated/.test(w)));
  });

  it('rejects an absurd captured length with the file and the byte offset', async () => {
    const bytes = writePcap(samplePackets(3, false), { linkType: 1 });
    const second = 24 + 16 + 1; // first packet is 1 byte long
    new DataView(bytes.buffer).setUint32(second + 8, 0x7fffffff, true);
    const path = file('absurd.pcap', bytes);
    await assert.rejects(collectPackets(path), (err: Error) => {
      assert.ok(err instanceof InputError);
      assert.ok(err.message.includes(path));
      assert.match(err.message, new RegExp(`byte offset ${second}\\b`));
      return true;
    });
  });

  it('rejects a file that is not a capture, an empty file and a missing file', async () => {
    const cases: [string, RegExp][] = [
      [file('text.pcap', new TextEncoder().encode('hello, this is not a capture')), /not a pcap or pcapng capture: unknown magic number at byte offset 0$/],
      [file('empty.pcap', new Uint8Array(0)), /empty/],
      [file('short.pcap', writePcap([], { linkType: 1 }).subarray(0, 10)), /truncated pcap global header at byte offset 0/],
      [join(dir, 'missing.pcap'), /cannot open capture file/],
    ];
    for (const [path, message] of cases) {
      await assert.rejects(openCaptureFile(path), (err: Error) => {
        assert.ok(err instanceof InputError, `${path}: ${err}`);
        assert.ok(err.message.includes(path));
        assert.match(err.message, message);
        // The file's bytes are never quoted, in any form.
        assert.doesNotMatch(err.message, /hell|68 65 6c 6c|68656c6c/i);
        return true;
      });
    }
  });

  it('returns null after close', async () => {
    const source = await openCaptureFile(file('closed.pcap', writePcap(samplePackets(5, false), { linkType: 1 })));
    await source.close();
    assert.equal(await source.next(), null);
  });
});
