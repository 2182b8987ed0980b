/**
 * analyzer.state_file: a `netspot run` killed with SIGKILL mid-way leaves its detectors on disk,
 * and the restarted run judges from its first period (an anomaly there raises an alarm) instead
 * of recalibrating; a state saved with other parameters is refused with a warning.
 *
 * Traffic: one UDP packet per 10 ms period whose IP size is drawn uniformly from 48..347 bytes
 * (AVG_PKT_SIZE), so the expected outcome follows from the generator: a 1400-byte packet is far
 * above anything the detector learnt, and a fresh detector judges nothing for depth + n_init periods.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writePcap, type CapturedPacket } from '../support/capture-writer.js';
import { ethernet, ETH_IPV4, ipv4, PROTO_UDP, udp } from '../support/packet-builder.js';
import { prng } from '../support/prng.js';

const PERIOD_MS = 10;
const DEPTH = 10;
const N_INIT = 300;
const CLI = 'dist/src/cli/netspot.js';
const dir = mkdtempSync(join(tmpdir(), 'netspot-state-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

/** `periods` periods from `startSec`, one packet each; `big` periods (indexes) carry 1400 bytes. */
function capture(name: string, seed: number, startSec: number, periods: number, big: ReadonlySet<number> = new Set()): string {
  const rand = prng(seed);
  const packets: CapturedPacket[] = [];
  for (let i = 0; i < periods; i++) {
    const ipSize = big.has(i) ? 1400 : 48 + Math.floor(rand() * 300);
    const payload = new Uint8Array(ipSize - 28);
    const frame = ethernet({ etherType: ETH_IPV4, payload: ipv4({ src: '198.18.0.1', dst: '198.18.0.2', protocol: PROTO_UDP, payload: udp({ srcPort: 5000, dstPort: 6000, payload }) }) });
    const ns = i * PERIOD_MS * 1e6 + 1e6; // 1 ms into the period
    packets.push({ data: frame, tsSec: startSec + Math.floor(ns / 1e9), tsNsec: ns % 1e9 });
  }
  const path = join(dir, name);
  writeFileSync(path, writePcap(packets, { linkType: 1, nanos: true }));
  return path;
}

const state = join(dir, 'detectors.state.json');
const args = (device: string, extra: string[] = []): string[] => [
  CLI, 'run', '-q', '-d', device, '-s', 'AVG_PKT_SIZE', '-p', `${PERIOD_MS}ms`,
  '--spot.depth', String(DEPTH), '--spot.n_init', String(N_INIT), '--analyzer.state_file', state, '--analyzer.state_every', '100', ...extra,
];
interface Alarm { time: number; stat: string; value: number }
const alarmsOf = (stdout: string): Alarm[] => stdout.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Alarm);

// After the kill: an anomaly in the first period of the restarted run, at 2000 s.
const RESTART_SEC = 2000;
const anomaly = capture('restart.pcap', 2, RESTART_SEC, 50, new Set([0]));

test('a run killed with SIGKILL mid-way leaves a whole state file, and the restarted run alarms at once', async () => {
  // Long enough that the run is still going when the first calibrated state lands.
  const long = capture('long.pcap', 1, 1000, 40_000);
  const child = spawn(process.execPath, args(long), { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  const deadline = Date.now() + 60_000;
  let saved: { periods: number; detectors: Record<string, { phase: string }> } | undefined;
  while (Date.now() < deadline && child.exitCode === null) {
    if (existsSync(state)) {
      saved = JSON.parse(readFileSync(state, 'utf8')) as typeof saved;
      if (saved?.detectors.AVG_PKT_SIZE.phase === 'stream') break;
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  child.kill('SIGKILL');
  assert.equal(await exited, 'SIGKILL', `the run ended before it could be killed: ${stderr}`);
  assert.ok(saved !== undefined && saved.detectors.AVG_PKT_SIZE.phase === 'stream', 'no calibrated state was saved');
  assert.ok(saved.periods >= DEPTH + N_INIT && saved.periods < 40_000, `killed after ${saved.periods} periods`);
  // Whatever instant the kill fell on, the file is a whole state (written aside, then renamed).
  const afterKill = JSON.parse(readFileSync(state, 'utf8')) as { format: string };
  assert.equal(afterKill.format, 'netspot-analyzer-state');

  const restarted = spawnSync(process.execPath, args(anomaly), { encoding: 'utf8' });
  assert.equal(restarted.status, 0, restarted.stderr);
  assert.equal(restarted.stderr, '', 'no warning: the state matched');
  const alarms = alarmsOf(restarted.stdout);
  assert.equal(alarms.length, 1, restarted.stdout);
  assert.equal(alarms[0].stat, 'AVG_PKT_SIZE');
  assert.equal(alarms[0].value, 1400);
  // Periods start at the first packet (1 ms into the capture): the first one ends 10 ms later.
  assert.equal(alarms[0].time, RESTART_SEC * 1e9 + 1e6 + PERIOD_MS * 1e6, 'the alarm is for the first period');

  // Without the state, the same capture raises nothing: the detector is still calibrating.
  const fresh = spawnSync(process.execPath, args(anomaly, ['--analyzer.state_file', '']), { encoding: 'utf8' });
  assert.equal(fresh.status, 0, fresh.stderr);
  assert.deepEqual(alarmsOf(fresh.stdout), []);
});

test('a state saved with other SPOT parameters is refused with a warning and the detectors calibrate afresh', () => {
  assert.ok(existsSync(state), 'the first test leaves a state');
  const r = spawnSync(process.execPath, args(anomaly, ['--spot.q', '1e-3']), { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /analyzer\.state_file .* not restored: AVG_PKT_SIZE's SPOT parameters changed \(q: 0\.0001 -> 0\.001\); calibrating afresh/);
  assert.deepEqual(alarmsOf(r.stdout), []);
});

test('a damaged state file is a warning, not a failure, and is replaced by a good one', () => {
  writeFileSync(state, '{"format":"netspot-analyzer-state","version":1,"period":"10ms","periods":3,"detec');
  // What a run killed mid-write leaves: a temporary file named after a process that is gone.
  const gone = spawnSync(process.execPath, ['-e', '0']).pid;
  writeFileSync(join(dir, `.detectors.state.json.tmp-${gone}`), '{"format":"netspot-analyzer-st');
  const r = spawnSync(process.execPath, args(anomaly), { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /analyzer\.state_file .* not restored: not valid JSON/);
  const replaced = JSON.parse(readFileSync(state, 'utf8')) as { periods: number; detectors: Record<string, unknown> };
  assert.deepEqual(Object.keys(replaced.detectors), ['AVG_PKT_SIZE']);
  assert.equal(replaced.periods, 49, 'the 49 whole periods (the last, partial one is not judged)');
  assert.deepEqual(readdirSync(dir).filter((f) => f.includes('.tmp-')), [], 'no temporary file left');
});

test('a FIFO at the state path is refused at once (not waited on) and replaced by the saved state', () => {
  const fifo = join(dir, 'fifo.state.json');
  execFileSync('mkfifo', [fifo]);
  const r = spawnSync(process.execPath, args(anomaly, ['--analyzer.state_file', fifo]), { encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.signal, null, 'netspot hung on the FIFO');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /analyzer\.state_file .*fifo\.state\.json is a FIFO: only a regular file is accepted.*; calibrating afresh/);
  assert.ok(statSync(fifo).isFile(), 'the state replaced the FIFO');
});
