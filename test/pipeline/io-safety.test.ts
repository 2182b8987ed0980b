/**
 * Files a run reads and writes: only regular files are opened (a FIFO or a device never blocks
 * the process), no output may be the input or another output, and a write error names the
 * file and leaks no descriptor.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, execFileSync } from 'node:child_process';
import { constants, linkSync, mkdirSync, mkdtempSync, openSync, closeSync, readSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync, existsSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/load.js';
import { Session } from '../../src/pipeline/session.js';
import { OutputError, UsageError } from '../../src/util/errors.js';
import { writeFloodCapture, SMALL_FLOOD } from '../server/support/flood-capture.js';

const dir = mkdtempSync(join(tmpdir(), 'netspot-io-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const capture = writeFloodCapture(SMALL_FLOOD);
const netspot = join(import.meta.dirname, '../../src/cli/netspot.js');

function fifo(name: string): string {
  const path = join(dir, name);
  execFileSync('mkfifo', [path]);
  return path;
}

function openFds(): number {
  return readdirSync('/proc/self/fd').length;
}

async function open(overrides: Array<[string, unknown]>): Promise<Session> {
  const cfg = await loadConfig({ overrides: [['miner.device', capture], ['exporter.console.alarm', false], ...overrides] });
  return Session.open(cfg);
}

/** Rejects with what `p` rejects with, or fails when `p` takes longer than `ms` (a hang). */
async function within<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`still pending after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

test('a FIFO as miner.device is refused at once, without opening it', { timeout: 10_000 }, async () => {
  const path = fifo('in.fifo');
  const fds = openFds();
  await assert.rejects(within(open([['miner.device', path]]), 2000), (err: Error) => {
    assert.ok(err instanceof UsageError, String(err));
    assert.match(err.message, /^miner\.device .*in\.fifo is a FIFO: only a regular file is accepted/);
    return true;
  });
  assert.equal(openFds(), fds);
});

test('a character device as miner.device is refused', async () => {
  await assert.rejects(open([['miner.device', '/dev/zero']]), /miner\.device \/dev\/zero is a character device/);
});

test('a FIFO as an output is refused, with or without a reader, and gets no byte', { timeout: 10_000 }, async () => {
  for (const key of ['exporter.file.data', 'exporter.file.alarm']) {
    const path = fifo(`${key}.fifo`);
    await assert.rejects(within(open([[key, path]]), 2000), new RegExp(`: ${key.replaceAll('.', '\\.')} .* is a FIFO`));
    // With a reader waiting, open() would succeed: the type check on the handle refuses it.
    const reader = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
    try {
      await assert.rejects(within(open([[key, path]]), 2000), /is a FIFO/);
      // No byte came, and no writer holds the FIFO open (a read at end-of-file gives 0).
      assert.equal(readSync(reader, Buffer.alloc(16), 0, 16, null), 0);
    } finally {
      closeSync(reader);
    }
  }
});

test('/dev/stdout and /dev/null are refused as outputs', async () => {
  await assert.rejects(open([['exporter.file.data', '/dev/null']]), /exporter\.file\.data \/dev\/null is a character device/);
  await assert.rejects(open([['exporter.file.alarm', '/dev/stdout']]), /exporter\.file\.alarm \/dev\/stdout is (a character device|a FIFO|a socket|not a regular file)/);
});

test('an output may be a new path (folders created) or a regular file, which starts afresh', async () => {
  const fresh = join(dir, 'new/sub/data.json');
  const old = join(dir, 'old.json');
  writeFileSync(old, 'previous run\n');
  const s = await open([['exporter.file.data', fresh], ['exporter.file.alarm', old]]);
  await s.run();
  assert.equal(readFileSync(fresh, 'utf8').trim().split('\n').length, SMALL_FLOOD.periods);
  assert.doesNotMatch(readFileSync(old, 'utf8'), /previous run/);
});

test('data and alarm outputs naming one file are refused, whatever the spelling', async () => {
  const a = join(dir, 'same.json');
  writeFileSync(a, 'keep me\n');
  symlinkSync(a, join(dir, 'same-link.json'));
  linkSync(a, join(dir, 'same-hard.json'));
  const spellings = [a, join(dir, 'sub/../same.json'), join(dir, 'same-link.json'), join(dir, 'same-hard.json')];
  mkdirSync(join(dir, 'sub'), { recursive: true });
  for (const other of spellings) {
    await assert.rejects(open([['exporter.file.data', a], ['exporter.file.alarm', other]]), (err: Error) => {
      assert.ok(err instanceof UsageError, String(err));
      assert.match(err.message, /^exporter\.file\.data and exporter\.file\.alarm are the same file/);
      return true;
    });
  }
  // Refused before anything was truncated.
  assert.equal(readFileSync(a, 'utf8'), 'keep me\n');
  // Not there yet, same path after %s expansion: refused as well.
  await assert.rejects(open([['exporter.file.data', join(dir, 'x/%s.json')], ['exporter.file.alarm', join(dir, 'x/flood.json')]]), /same file/);
});

test('an output that is the capture being read is refused and the capture is left intact', async () => {
  const copy = join(dir, 'input.pcap');
  writeFileSync(copy, readFileSync(capture));
  const before = readFileSync(copy);
  symlinkSync(copy, join(dir, 'input-link.pcap'));
  for (const [key, path] of [['exporter.file.data', copy], ['exporter.file.alarm', join(dir, 'input-link.pcap')], ['exporter.file.data', join(dir, '%s.pcap')]]) {
    await assert.rejects(open([['miner.device', copy], [key, path]]), (err: Error) => {
      assert.ok(err instanceof UsageError, String(err));
      assert.match(err.message, new RegExp(`^miner\\.device and ${key.replaceAll('.', '\\.')} are the same file`));
      return true;
    });
  }
  assert.deepEqual(readFileSync(copy), before);
  // The CLI says so and exits 2.
  const r = spawnSync(process.execPath, [netspot, 'run', '-q', '-d', copy, '-f', copy], { encoding: 'utf8' });
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /miner\.device and exporter\.file\.data are the same file/);
  assert.deepEqual(readFileSync(copy), before);
});

// A real full file system: a one-page tmpfs (root only).
const isRoot = process.getuid?.() === 0;
test('a write error names the key and the file, fails the run with exit 1 and leaks no descriptor', { skip: isRoot ? false : 'needs root to mount a small tmpfs' }, async (t) => {
  const mnt = join(dir, 'full');
  mkdirSync(mnt);
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4k', 'tmpfs', mnt]);
  t.after(() => execFileSync('umount', [mnt]));
  const out = join(mnt, 'data.json');
  const fds = openFds();
  for (let k = 0; k < 3; k++) {
    const s = await open([['exporter.file.data', out], ['exporter.file.alarm', join(mnt, 'alarms.json')]]);
    await assert.rejects(s.run(), (err: Error) => {
      assert.ok(err instanceof OutputError, String(err));
      assert.match(err.message, new RegExp(`^cannot write exporter\\.file\\.data ${out}: .*\\(ENOSPC\\)`));
      return true;
    });
    assert.equal(openFds(), fds, `run ${k}: descriptors leaked`);
  }
  assert.ok(statSync(out).size > 0 && existsSync(join(mnt, 'alarms.json')));
  const r = spawnSync(process.execPath, [netspot, 'run', '-q', '-d', capture, '-f', out], { encoding: 'utf8' });
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, new RegExp(`cannot write exporter\\.file\\.data ${out}: no space left on device \\(ENOSPC\\)`));
});

test('after a failed reopen (SIGHUP), records are not dropped silently: the next flush fails naming the file', async () => {
  const { fileExporter } = await import('../../src/exporters/file-exporter.js');
  const cfg = await loadConfig({ overrides: [['exporter.file.data', join(dir, 'rotated.json')]] });
  const e = fileExporter.create(cfg);
  await e.start('s');
  // logrotate moved the file away and something put a FIFO in its place.
  rmSync(join(dir, 'rotated.json'));
  execFileSync('mkfifo', [join(dir, 'rotated.json')]);
  await assert.rejects(e.reopen(), /exporter\.file\.data .*rotated\.json is a FIFO/);
  const record = { timeNs: 1n, series: 's', stats: [], counters: {} } as never;
  e.data(record);
  assert.throws(() => e.flush(), (err: Error) => {
    assert.ok(err instanceof OutputError, String(err));
    assert.match(err.message, /^cannot write exporter\.file\.data .*rotated\.json: the file could not be reopened/);
    return true;
  });
  await e.close();
});
