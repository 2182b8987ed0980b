/**
 * A counting thread walks a plain pcap file's records itself (job-counter.ts): it counts the
 * packets the main thread found, in pieces read through the main thread's descriptor, and a job
 * that does not match the file (the file shrank or changed under the run) is an error naming
 * the byte offset, never a wrong count.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, openSync, statSync } from 'node:fs';
import { loadConfig } from '../../src/config/load.js';
import { JobCounter } from '../../src/pipeline/job-counter.js';
import { createJobSlot, type JobWalk } from '../../src/pipeline/count-job.js';
import { tempFile } from '../support/run-capture.js';
import { writePcap, type CapturedPacket } from '../support/capture-writer.js';
import { ETH_IPV4, ethernet, ipv4, PROTO_UDP, udp } from '../support/packet-builder.js';

const SOURCES = 40;
const PER_SOURCE = 3;

/** SOURCES hosts sending PER_SOURCE datagrams each, with payloads of growing size (records of many lengths). */
function packets(): CapturedPacket[] {
  const out: CapturedPacket[] = [];
  for (let i = 0; i < SOURCES * PER_SOURCE; i++) {
    const src = `10.0.${Math.floor(i / PER_SOURCE)}.1`;
    const ip = ipv4({ src, dst: '192.0.2.1', protocol: PROTO_UDP, payload: udp({ srcPort: 1000 + i, dstPort: 53, payload: new Uint8Array(i * 37) }) });
    out.push({ data: ethernet({ etherType: ETH_IPV4, payload: ip }), tsSec: 1_700_000_000, tsNsec: i * 1000 });
  }
  return out;
}

async function setup(bigEndian: boolean): Promise<{ counter: JobCounter; path: string; size: number; count: number }> {
  const cfg = await loadConfig({ overrides: [['analyzer.stats', ['R_IP']]] });
  const list = packets();
  const path = tempFile('walk.pcap', writePcap(list, { linkType: 1, bigEndian }));
  return { counter: new JobCounter({ cfg, series: 'walk', counters: ['NB_UNIQ_SRC_ADDR'] }), path, size: statSync(path).size, count: list.length };
}

function countJob(counter: JobCounter, path: string, count: number, start: number, end: number, bigEndian = false) {
  const slot = createJobSlot(1 << 20, 4096);
  slot.ends[0] = count;
  const fd = openSync(path, 'r');
  try {
    const walk: JobWalk = { fd, littleEndian: !bigEndian, recordHeader: 16, linkType: 1, start, end };
    return { slot, segments: counter.count(slot, 1, new Uint8Array([1]), walk) };
  } finally {
    closeSync(fd);
  }
}

test('a walked job counts every record of its range, in either byte order', async () => {
  for (const bigEndian of [false, true]) {
    const { counter, path, size, count } = await setup(bigEndian);
    const { slot, segments } = countJob(counter, path, count, 24, size, bigEndian);
    assert.equal(segments.length, 1);
    assert.equal(segments[0].malformed, 0);
    // The generator's truth: every packet is IP, from SOURCES hosts, PER_SOURCE packets each.
    assert.deepEqual([...slot.ip.subarray(0, count)], new Array(count).fill(1));
    const talkers = segments[0].talkers!;
    assert.equal(talkers.src.total, count);
    assert.equal(talkers.src.keys.length, SOURCES);
    for (const k of talkers.src.keys) assert.equal(k.count, PER_SOURCE);
    assert.deepEqual([...slot.caplen.subarray(0, 3)], packets().slice(0, 3).map((p) => p.data.length));
  }
});

test('a job that does not match the file is an error naming the byte offset, not a count', async () => {
  const { counter, path, size, count } = await setup(false);
  // The file ends before the job does (it shrank under the run).
  assert.throws(() => countJob(counter, path, count + 1, 24, size + 100), /the capture file ended at byte offset \d+ while counting \(did it shrink\?\)|a record of the job runs past its end/);
  // The job ends inside a record.
  assert.throws(() => countJob(counter, path, count, 24, size - 10), /a record of the job runs past its end \(byte offset \d+ of the capture file\)/);
  // Fewer records than the job's range holds (the file changed).
  assert.throws(() => countJob(counter, path, count - 1, 24, size), new RegExp(`the job's ${count - 1} records end at byte offset \\d+ of the capture file, expected ${size}`));
});

test('parts of periods walked in the file are copied into the slot for the main thread\'s top talkers, the first and the last part alike', async () => {
  const { counter, path, size, count } = await setup(false);
  const list = packets();
  const slot = createJobSlot(1 << 20, 4096);
  // Three segments: the end of one period, a whole one, the start of the next.
  const cuts = [30, 80, count];
  cuts.forEach((e, k) => (slot.ends[k] = e));
  const fd = openSync(path, 'r');
  try {
    const segments = counter.count(slot, 3, new Uint8Array([0, 1, 0]), { fd, littleEndian: true, recordHeader: 16, linkType: 1, start: 24, end: size });
    assert.ok(segments[0].state !== undefined && segments[2].state !== undefined && segments[1].values !== undefined);
  } finally {
    closeSync(fd);
  }
  // Every packet of the two parts is in the slot at its offset, as the generator made it.
  for (const i of [...Array(30).keys(), ...Array.from({ length: count - 80 }, (_, k) => 80 + k)]) {
    assert.deepEqual(slot.data.subarray(slot.offset[i], slot.offset[i] + slot.caplen[i]), list[i].data, `packet ${i}`);
  }
});
