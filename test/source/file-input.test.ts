/**
 * A plain capture file is read on the parsing thread (FileInput: readSync), so a run of reads
 * never leaves the event loop by itself; the input must give it a turn every YIELD_MS, or
 * timers, signals, exporters and the server would wait for the whole file.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { open } from 'node:fs/promises';
import { FileInput, YIELD_MS } from '../../src/source/byte-input.js';
import { tempFile } from '../support/run-capture.js';

test('reads on the calling thread return the file, and give the event loop a turn at least every YIELD_MS', async () => {
  const bytes = new Uint8Array(64 * 4096);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7 + (i >> 12)) & 0xff;
  const path = tempFile('input.bin', bytes);
  const input = new FileInput(await open(path, 'r'), path);
  assert.equal(input.synchronous, true);
  let turns = 0;
  let immediate = setImmediate(function tick() {
    turns++;
    immediate = setImmediate(tick);
  });
  const started = turns;
  const out = new Uint8Array(bytes.length + 4096);
  let pos = 0;
  let reads = 0;
  try {
    for (;;) {
      const n = await input.read(out, pos, 4096);
      if (n === 0) break;
      pos += n;
      reads++;
      // The parsing between reads: 1 ms of work that never yields.
      const until = performance.now() + 1;
      while (performance.now() < until);
    }
  } finally {
    clearImmediate(immediate);
    await input.close();
  }
  assert.equal(pos, bytes.length);
  assert.deepEqual(out.subarray(0, pos), bytes);
  assert.equal(input.fileBytesRead(), bytes.length);
  // 64 ms of work in 64 reads: at least one turn per YIELD_MS + 1 ms of it.
  assert.ok(turns - started >= Math.floor(reads / (YIELD_MS + 1)), `${turns - started} turns of the event loop in ${reads} reads`);
});
