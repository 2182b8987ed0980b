/**
 * Nothing crashes or hangs: every real capture (test/data/pcaps, plus extras from ../shared/data
 * when present), and seeded damaged variants of them and of generated captures (bit flips,
 * cuts at random offsets, both in plain and gzip files), go through openCaptureFile +
 * decodePacket. The only error allowed is an InputError that names the file; a cut file must
 * read without error (a warning at most).
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { decodePacket } from '../../src/decode/packet-decoder.js';
import { LAYER_ICMP, LAYER_IP, LAYER_TCP, LAYER_UDP, PacketSummary } from '../../src/decode/packet-summary.js';
import { openCaptureFile } from '../../src/source/capture-file.js';
import { InputError } from '../../src/util/errors.js';
import { gzip, writePcap, writePcapng } from '../support/capture-writer.js';
import { sampleFrames } from '../support/sample-traffic.js';
import { prng } from '../support/prng.js';
import { captureFiles, extrasNote } from '../support/test-data.js';

const tmp = mkdtempSync(join(tmpdir(), 'netspot-fuzz-'));
after(() => rmSync(tmp, { recursive: true, force: true }));


const summary = new PacketSummary();

/** Reads and decodes everything; returns the outcome for assertions. */
async function run(path: string, chunkSize?: number): Promise<{ packets: number; error?: Error; warnings: readonly string[] }> {
  let packets = 0;
  let source;
  try {
    source = await openCaptureFile(path, chunkSize === undefined ? {} : { chunkSize });
    for (let b = await source.next(); b !== null; b = await source.next()) {
      for (let i = 0; i < b.count; i++) {
        decodePacket(b.data, b.offset[i], b.caplen[i], b.wirelen[i], b.linkType[i], summary);
        // Transport layers never come without IP, and never two at once.
        const t = summary.layers & (LAYER_TCP | LAYER_UDP | LAYER_ICMP);
        if (t !== 0) assert.ok((summary.layers & LAYER_IP) !== 0 && (t & (t - 1)) === 0, `${path}: layers ${summary.layers}`);
        packets++;
      }
    }
    return { packets, warnings: source.warnings() };
  } catch (err) {
    return { packets, error: err as Error, warnings: source?.warnings() ?? [] };
  } finally {
    await source?.close();
  }
}

function assertCleanError(path: string, error: Error | undefined): void {
  if (error === undefined) return;
  assert.ok(error instanceof InputError, `${path}: unexpected ${error.name}: ${error.stack}`);
  assert.ok(error.message.startsWith(path + ':'), `${path}: error does not name the file: ${error.message}`);
  assert.match(error.message, /byte offset \d+|gzip/, `${path}: error does not say where: ${error.message}`);
}

function flipBits(bytes: Uint8Array, random: () => number, flips: number, within: number): Uint8Array {
  const out = bytes.slice();
  for (let i = 0; i < flips; i++) {
    const at = Math.floor(random() * Math.min(within, out.length));
    out[at] ^= 1 << Math.floor(random() * 8);
  }
  return out;
}

function generatedCaptures(): [string, Uint8Array][] {
  const frames = sampleFrames();
  const linkTypes = [...new Set(frames.map((f) => f.linkType))];
  const eth = frames.filter((f) => f.linkType === 1).map((f, i) => ({ data: f.data, tsSec: 1700000000 + i, tsNsec: i * 1000 }));
  const png = writePcapng([
    {
      interfaces: linkTypes.map((linkType, i) => ({ linkType, tsresol: i % 2 ? 9 : 6, snaplen: 0 })),
      blocks: frames.map((f, i) => ({ kind: i % 5 === 4 ? ('pb' as const) : ('epb' as const), interfaceId: linkTypes.indexOf(f.linkType), packet: { data: f.data, tsSec: 1700000000 + i, tsNsec: 0 } })),
    },
    { bigEndian: true, interfaces: [{ linkType: 1 }], blocks: eth.map((p) => ({ kind: 'spb' as const, packet: p })) },
  ]);
  return [
    ['gen-le.pcap', writePcap(eth, { linkType: 1 })],
    ['gen-be-ns.pcap', writePcap(eth, { linkType: 1, nanos: true, bigEndian: true })],
    ['gen.pcapng', png],
    ['gen.pcapng.gz', gzip(png)],
  ];
}

describe('robustness', () => {
  const captures = captureFiles();

  it('reads and decodes every real capture', { timeout: 20000 }, async (t) => {
    t.diagnostic(extrasNote(captures, 'pcaps'));
    for (const { path } of captures) {
      const r = await run(path);
      assertCleanError(path, r.error);
      // The same packets whatever the window size (records spanning windows).
      const small = await run(path, 1000);
      assert.equal(small.packets, r.packets, `${path}: packets with a 1000-byte window`);
    }
  });

  it('survives bit flips and cuts in real and generated captures (seeded)', { timeout: 30000 }, async () => {
    const random = prng(20240607);
    const originals: [string, Uint8Array][] = [
      ...captures.map((f): [string, Uint8Array] => [f.name, new Uint8Array(readFileSync(f.path))]),
      ...generatedCaptures(),
    ];
    let variants = 0;
    let errors = 0;
    for (const [name, bytes] of originals) {
      const big = bytes.length > 100000;
      const mutations: [string, Uint8Array][] = [
        ['flip-head', flipBits(bytes, random, 1 + Math.floor(random() * 4), 64)],
        ['flip-any', flipBits(bytes, random, 1 + Math.floor(random() * 30), bytes.length)],
        ['cut', bytes.subarray(0, Math.floor(random() * bytes.length))],
      ];
      if (!big) {
        mutations.push(['flip-many', flipBits(bytes, random, 1 + Math.floor(bytes.length / 50), bytes.length)]);
        mutations.push(['cut-flip', flipBits(bytes.subarray(0, Math.floor(random() * bytes.length)), random, 3, bytes.length)]);
      }
      for (const [kind, mutated] of mutations) {
        const path = join(tmp, `${kind}-${variants++}-${name}`);
        writeFileSync(path, mutated);
        const r = await run(path, 512 + Math.floor(random() * 8192));
        assertCleanError(path, r.error);
        if (r.error) errors++;
        if (process.env.FUZZ_VERBOSE) console.log(r.error?.message ?? `${r.packets} packets ${r.warnings.join("; ")}`);
        // A cut plain file is never an error past its headers: the reader just stops early.
        if (kind === 'cut' && !name.endsWith('.gz') && mutated.length >= 64 && r.error) {
          assert.doesNotMatch(r.error.message, /length|caplen|captured/, `${path}: a cut file read as corrupt: ${r.error.message}`);
        }
      }
    }
    if (process.env.FUZZ_VERBOSE) console.log({ variants, errors });
    assert.ok(variants > 200 && errors > 0 && errors < variants, `variants ${variants}, errors ${errors}`);
  });

  it('decodePacket never throws on random bytes, any link type, any length', () => {
    const random = prng(7);
    const buf = new Uint8Array(256);
    const frames = sampleFrames();
    for (let i = 0; i < 200000; i++) {
      const f = frames[i % frames.length];
      if (i % 2 === 0) {
        // A real frame with a few bytes changed, cut anywhere.
        buf.set(f.data.subarray(0, 256));
        for (let k = 0; k < 3; k++) buf[Math.floor(random() * f.data.length)] = Math.floor(random() * 256);
        decodePacket(buf, 0, Math.floor(random() * (f.data.length + 1)), f.data.length, f.linkType, summary);
      } else {
        for (let k = 0; k < 64; k++) buf[k] = Math.floor(random() * 256);
        const lt = [0, 1, 12, 14, 101, 108, 113, 228, 229, 276, 9][i % 11];
        // Even a caplen past the end of the buffer stays inside it.
        decodePacket(buf, Math.floor(random() * 64), Math.floor(random() * 400), 400, lt, summary);
      }
    }
  });
});
