/**
 * The input/output abuses of a real `netspot serve` (a child process on loopback): FIFOs as
 * device or outputs, periods out of bounds, tiny periods over long gaps, huge BPF filters, a
 * private file as the device, outputs that are the input or each other, a full disk. After
 * each, the server answers /api/status within 1 s; at the end SIGTERM ends it and its memory
 * and descriptors stayed bounded.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseEndpoint } from '../../src/server/endpoint.js';
import { TestClient, type Reply } from './support/http.js';
import { SMALL_FLOOD, writeFloodCapture } from './support/flood-capture.js';
import { writeGapCapture } from '../support/gap-capture.js';

const netspot = join(import.meta.dirname, '../../src/cli/netspot.js');
let dir: string;
let capture: string;
let gaps: string;
let proc: ChildProcess;
let api: TestClient;
let stderr = '';

function rssMiB(): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${proc.pid}/status`, 'utf8'));
  return Number(m![1]) / 1024;
}
function fdCount(): number {
  return readdirSync(`/proc/${proc.pid}/fd`).length;
}

/** /api/status answers within 1 s (the event loop is free). */
async function assertResponsive(after: string): Promise<void> {
  const t = performance.now();
  const r = await Promise.race([api.get('/api/status'), new Promise<null>((res) => setTimeout(() => res(null), 1000))]);
  assert.ok(r !== null, `/api/status did not answer within 1 s after ${after}`);
  assert.equal(r.status, 200);
  assert.ok(performance.now() - t < 1000);
}

async function configure(patch: unknown): Promise<Reply> {
  return api.post('/api/config', patch);
}

/** Starts with the current config; resolves with the reply (409 expected for the abuses). */
async function start(): Promise<Reply> {
  return api.post('/api/run', { action: 'start' });
}

/** Waits for the run to end (state ended), at most `ms`. */
async function ended(ms = 10_000): Promise<any> {
  const deadline = Date.now() + ms;
  for (;;) {
    const s = (await api.get('/api/status')).json;
    if (s.state === 'ended' || s.state === 'idle') return s;
    assert.ok(Date.now() < deadline, `run still ${s.state}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Every test is bounded: a server that hangs fails the test instead of the whole run. */
const BOUNDED = { timeout: 20_000 };

const base = (): Record<string, unknown> => ({
  miner: { device: capture, filter: '' },
  analyzer: { period: '1s' },
  exporter: { file: { data: '', alarm: '' } },
});

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'netspot-abuse-io-'));
  capture = writeFloodCapture(SMALL_FLOOD);
  gaps = join(dir, 'gaps.pcap');
  writeFileSync(gaps, writeGapCapture({ bursts: 60, packetsPerBurst: 2, gapSeconds: 99 }));
  proc = spawn(process.execPath, [netspot, 'serve', '-e', 'tcp://127.0.0.1:0', '--log-level', 'warn', '--exporter.console.alarm', 'false'], { stdio: ['ignore', 'ignore', 'pipe'] });
  const endpoint = await new Promise<string>((resolve, reject) => {
    proc.stderr!.setEncoding('utf8');
    proc.stderr!.on('data', (chunk: string) => {
      stderr += chunk;
      const m = /serving the API on (\S+)/.exec(stderr);
      if (m !== null) resolve(m[1]);
    });
    proc.on('exit', (code) => reject(new Error(`netspot serve exited (${code}): ${stderr}`)));
  });
  api = new TestClient(parseEndpoint(endpoint));
});

after(async () => {
  await api?.close();
  if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

test('FIFO as exporter.file.data or exporter.file.alarm: refused at start, the server stays responsive', BOUNDED, async () => {
  for (const key of ['data', 'alarm']) {
    const fifo = join(dir, `${key}.fifo`);
    execFileSync('mkfifo', [fifo]);
    assert.equal((await configure({ ...base(), exporter: { file: { data: '', alarm: '', [key]: fifo } } })).status, 200);
    const r = await start();
    assert.equal(r.status, 409, r.text);
    assert.match(r.json.error, new RegExp(`exporter\\.file\\.${key} ${fifo} is a FIFO`));
    await assertResponsive(`a FIFO as exporter.file.${key}`);
  }
});

test('FIFO as miner.device: refused at start at once; stop and status answer', BOUNDED, async () => {
  const fifo = join(dir, 'device.fifo');
  execFileSync('mkfifo', [fifo]);
  assert.equal((await configure({ ...base(), miner: { device: fifo } })).status, 200);
  const t = performance.now();
  const r = await start();
  assert.equal(r.status, 409, r.text);
  assert.match(r.json.error, /miner\.device .*device\.fifo is a FIFO/);
  assert.ok(performance.now() - t < 1000);
  assert.equal((await api.post('/api/run', { action: 'stop' })).status, 200);
  await assertResponsive('a FIFO as miner.device');
});

test('periods out of bounds are refused by /api/config (400) with the bounds', BOUNDED, async () => {
  for (const period of ['50us', '600h', '9'.repeat(400) + 'h']) {
    const r = await configure({ analyzer: { period } });
    assert.equal(r.status, 400, r.text);
    assert.match(r.json.error, /^bad value for analyzer\.period: .*\(expected a duration from 1ms to 24h\)$/);
    await assertResponsive(`period ${period.slice(0, 10)}`);
  }
  assert.equal((await api.get('/api/config')).json.analyzer.period, '1s', 'the refused values were not applied');
});

test('1 ms periods over long capture gaps: status answers while running, stop within 1 s', { timeout: 30_000 }, async () => {
  assert.equal((await configure({ ...base(), miner: { device: gaps }, analyzer: { period: '1ms' } })).status, 200);
  assert.equal((await start()).status, 200);
  for (let k = 0; k < 5; k++) {
    await assertResponsive('1 ms periods running');
    await new Promise((r) => setTimeout(r, 100));
  }
  const running = (await api.get('/api/status')).json;
  assert.equal(running.state, 'running');
  assert.ok(running.periods > 0);
  const t = performance.now();
  const r = await api.post('/api/run', { action: 'stop' });
  assert.equal(r.status, 200);
  assert.equal(r.json.end, 'stopped');
  assert.ok(performance.now() - t < 1000, `stop took ${(performance.now() - t).toFixed(0)} ms`);
  await assertResponsive('stopping a 1 ms run');
});

test('a 41 KB BPF filter is refused at once (400), without compiling it', BOUNDED, async () => {
  const filter = Array.from({ length: 2300 }, (_, i) => `host 10.${(i >> 8) & 255}.${i & 255}.1`).join(' or ');
  assert.ok(filter.length > 40_000);
  const rss = rssMiB();
  const t = performance.now();
  const r = await configure({ miner: { filter } });
  assert.ok(performance.now() - t < 1000);
  assert.equal(r.status, 400, r.text);
  assert.match(r.json.error, /bad value for miner\.filter: .*\(expected a BPF expression of at most 512 characters\)/);
  assert.ok(r.text.length < 2000, `the filter is echoed back whole: ${r.text.slice(0, 300)}`);
  assert.ok(rssMiB() - rss < 50, `RSS grew ${(rssMiB() - rss).toFixed(0)} MiB`);
  await assertResponsive('a huge filter');
});

test('a private file as miner.device: the error does not quote its content', BOUNDED, async () => {
  const secret = join(dir, 'shadow');
  writeFileSync(secret, 'root:$6$SECRETSALT$hash:19000:0:99999:7:::\n', { mode: 0o600 });
  assert.equal((await configure({ ...base(), miner: { device: secret } })).status, 200);
  const r = await start();
  assert.equal(r.status, 409, r.text);
  assert.match(r.json.error, /not a pcap or pcapng capture: unknown magic number/);
  const hex = Buffer.from('root').toString('hex');
  for (const leak of ['root', 'SECRET', hex, hex.match(/../g)!.join(' ')]) assert.ok(!r.text.includes(leak), `${leak} in ${r.text}`);
  await assertResponsive('a private file as device');
});

test('outputs that are the input or each other: refused (409) naming both keys, nothing truncated', BOUNDED, async () => {
  const copy = join(dir, 'input.pcap');
  writeFileSync(copy, readFileSync(capture));
  const before = readFileSync(copy);
  const same = join(dir, 'same.json');
  for (const [file, pattern] of [
    [{ data: same, alarm: same }, /exporter\.file\.data and exporter\.file\.alarm are the same file/],
    [{ data: copy, alarm: '' }, /miner\.device and exporter\.file\.data are the same file/],
    [{ data: '', alarm: join(dir, '%s.pcap') }, /miner\.device and exporter\.file\.alarm are the same file/],
  ] as const) {
    assert.equal((await configure({ ...base(), miner: { device: copy }, exporter: { file: file } })).status, 200);
    const r = await start();
    assert.equal(r.status, 409, r.text);
    assert.match(r.json.error, pattern);
    assert.deepEqual(readFileSync(copy), before);
    await assertResponsive('shared output files');
  }
});

const isRoot = process.getuid?.() === 0;
test('a full disk fails each run naming the file, and leaks no descriptor', { ...BOUNDED, skip: isRoot ? false : 'needs root to mount a small tmpfs' }, async (t) => {
  const mnt = join(dir, 'full');
  mkdirSync(mnt);
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4k', 'tmpfs', mnt]);
  t.after(() => execFileSync('umount', ['-l', mnt]));
  const out = join(mnt, 'data.json');
  assert.equal((await configure({ ...base(), exporter: { file: { data: out, alarm: join(mnt, 'alarms.json') } } })).status, 200);
  const fds = fdCount();
  for (let k = 0; k < 4; k++) {
    assert.equal((await start()).status, 200);
    const s = await ended();
    assert.equal(s.end, 'failed');
    assert.match(s.error, new RegExp(`cannot write exporter\\.file\\.data ${out}: no space left on device \\(ENOSPC\\)`));
  }
  assert.equal(fdCount(), fds, 'descriptors leaked by failed runs');
  await assertResponsive('runs failing on a full disk');
});

test('after all that: memory bounded, SIGTERM ends the server', { timeout: 15_000 }, async () => {
  assert.ok(rssMiB() < 300, `RSS ${rssMiB().toFixed(0)} MiB`);
  const exit = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
  proc.kill('SIGTERM');
  const code = await Promise.race([exit, new Promise((r) => setTimeout(() => r('hung'), 5000))]);
  assert.equal(code, 0, stderr);
});
