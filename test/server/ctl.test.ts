/**
 * netspotctl end to end against a running `netspot serve` (real processes): load a config for
 * a capture, start, follow alarms, stop; errors and exit codes; TCP with a token.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SMALL_FLOOD, T0, lastPeriod, writeFloodCapture } from './support/flood-capture.js';

const netspot = fileURLToPath(new URL('../../src/cli/netspot.js', import.meta.url));
const netspotctl = fileURLToPath(new URL('../../src/cli/netspotctl.js', import.meta.url));

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

function ctl(args: string[]): Promise<Result> {
  return new Promise((resolve) => {
    execFile(process.execPath, [netspotctl, ...args], { encoding: 'utf8' }, (err, stdout, stderr) => {
      resolve({ code: err === null ? 0 : Number((err as { code?: number }).code ?? 1), stdout, stderr });
    });
  });
}

/** Starts `netspot serve`; resolves with the endpoint it reports once listening. */
function serve(args: string[]): Promise<{ proc: ChildProcess; endpoint: string; stderr: () => string }> {
  const proc = spawn(process.execPath, [netspot, 'serve', '--log-level', 'warn', '--exporter.console.alarm', 'false', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  return new Promise((resolve, reject) => {
    proc.stderr!.setEncoding('utf8');
    proc.stderr!.on('data', (chunk: string) => {
      err += chunk;
      const m = /serving the API on (\S+)/.exec(err);
      if (m !== null) resolve({ proc, endpoint: m[1], stderr: () => err });
    });
    proc.on('exit', (code) => reject(new Error(`netspot serve exited (${code}): ${err}`)));
  });
}

function exited(proc: ChildProcess): Promise<number | null> {
  return proc.exitCode !== null ? Promise.resolve(proc.exitCode) : new Promise((r) => proc.once('exit', (code) => r(code)));
}

let dir: string;
let capture: string;

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'netspot-ctl-'));
  capture = writeFloodCapture(SMALL_FLOOD);
});

test('unreachable server: a clear message naming the endpoint, exit 1', async () => {
  const sock = join(dir, 'nobody.sock');
  const [r, t, bad] = await Promise.all([
    ctl(['-e', `unix://${sock}`, 'status']),
    ctl(['-e', 'tcp://127.0.0.1:1', 'status']),
    ctl(['-e', 'http://x', 'status']),
  ]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, new RegExp(`cannot reach NetSpot at unix://${sock}`));
  assert.equal(t.code, 1);
  assert.match(t.stderr, /cannot reach NetSpot at tcp:\/\/127\.0\.0\.1:1 \(ECONNREFUSED\)/);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /bad endpoint/);
});

test('load a config for a capture, start, follow alarms, stop (unix socket)', async () => {
  const sock = join(dir, 'api.sock');
  const server = await serve(['-e', `unix://${sock}`]);
  const E = ['-e', server.endpoint];
  let follower: ChildProcess | undefined;
  try {
    assert.equal(server.endpoint, `unix://${sock}`);
    const idle = await ctl([...E, 'status']);
    assert.equal(idle.code, 0, idle.stderr);
    assert.match(idle.stdout, /state\s+idle/);

    const toml = join(dir, 'flood.toml');
    writeFileSync(toml, `[miner]\ndevice = "${capture}"\n\n[analyzer]\nperiod = "1s"\nstats = ["R_SYN", "TRAFFIC"]\n\n[spot]\nn_init = 40\ndepth = 5\n`);
    const load = await ctl([...E, 'config', 'load', toml]);
    assert.equal(load.code, 0, load.stderr);
    // Independent calls run side by side (each is a process start).
    const [nInit, stats, whole, badSet, unknown] = await Promise.all([
      ctl([...E, 'config', 'get', 'spot.n_init']),
      ctl([...E, 'config', 'get', 'analyzer.stats']),
      ctl([...E, 'config', 'get']),
      ctl([...E, 'config', 'set', 'spot.q', '2']),
      ctl([...E, 'config', 'set', 'spot.nope', '1']),
    ]);
    assert.equal(nInit.stdout.trim(), '40');
    assert.equal(stats.stdout.trim(), 'R_SYN,TRAFFIC');
    assert.match(whole.stdout, /\[miner\][\s\S]*device = ".*flood\.pcap"/);
    assert.equal(badSet.code, 2);
    assert.match(badSet.stderr, /bad value for spot\.q: 2 \(expected a number in \(0, 1\)\)/);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown config key "spot\.nope"/);
    const set = await ctl([...E, 'config', 'set', 'spot.q', '1e-3']);
    assert.equal(set.code, 0, set.stderr);
    assert.match(set.stdout, /spot\.q = 0\.001/);

    // Follow alarms (JSON lines) from before the start.
    follower = spawn(process.execPath, [netspotctl, ...E, '--json', 'alarms', '--follow'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let followed = '';
    follower.stdout!.setEncoding('utf8');
    follower.stdout!.on('data', (c: string) => (followed += c));

    const start = await ctl([...E, 'start']);
    assert.equal(start.code, 0, start.stderr);
    assert.match(start.stdout, /device\s+.*flood\.pcap/);
    const flooded = SMALL_FLOOD.floodTo - SMALL_FLOOD.floodFrom;
    // Each flooded period raises an R_SYN and a TRAFFIC alarm: wait for all of them.
    const deadline = Date.now() + 15_000;
    while (followed.trim().split('\n').filter((l) => l !== '').length < 2 * flooded) {
      assert.ok(Date.now() < deadline, `alarms followed so far: ${followed}`);
      await new Promise((r) => setTimeout(r, 25));
    }
    const alarms = followed.trim().split('\n').map((l) => ({ line: l, a: JSON.parse(l) }));
    assert.deepEqual(alarms.map(({ a }) => a.id), Array.from({ length: 2 * flooded }, (_, i) => i + 1));
    for (const { line, a } of alarms) {
      assert.equal(a.status, 'UP_ALERT');
      // Exact period end in Unix ns: one of the flooded periods.
      const sec = Number(/"time":(\d+)000000000,/.exec(line)?.[1]);
      assert.ok(sec > T0 + SMALL_FLOOD.floodFrom && sec <= T0 + SMALL_FLOOD.floodTo, line);
    }
    assert.deepEqual([...new Set(alarms.map(({ a }) => a.stat))].sort(), ['R_SYN', 'TRAFFIC']);

    const stop = await ctl([...E, 'stop']);
    assert.equal(stop.code, 0, stop.stderr);
    assert.match(stop.stdout, /state\s+ended \((completed|stopped)\)/);
    const [json, table, since, series, catalog] = await Promise.all([
      ctl([...E, '--json', 'status']),
      ctl([...E, 'alarms']),
      ctl([...E, '--json', 'alarms', '--since', String(2 * flooded - 1)]),
      ctl([...E, 'series']),
      ctl([...E, 'stats']),
    ]);
    const status = JSON.parse(json.stdout);
    assert.equal(status.device, capture);
    assert.equal(status.alarms, 2 * flooded);
    assert.match(table.stdout, /^ID\s+TIME\s+STAT/m);
    assert.match(table.stdout, new RegExp(`^${2 * flooded}\\s+\\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z\\s+(R_SYN|TRAFFIC)\\s+UP_ALERT`, 'm'));
    assert.deepEqual(JSON.parse(since.stdout).alarms.map((a: { id: number }) => a.id), [2 * flooded]);
    // The run's last period is partial: it ends at the last packet and is not judged.
    const last = lastPeriod(SMALL_FLOOD);
    assert.match(series.stdout, new RegExp(`^flood: period ending ${new Date(Number(last.endNs / 1_000_000n)).toISOString().slice(0, 19)}`, 'm'));
    assert.match(series.stdout, /^R_SYN\s+0\.1\s.*NOT_JUDGED$/m);
    assert.match(series.stdout, new RegExp(`^TRAFFIC\\s+${(SMALL_FLOOD.packetsPerPeriod / last.seconds).toPrecision(6)}\\s`, 'm'));
    assert.match(catalog.stdout, /^R_SYN\s+yes\s+SYN \/ IP/m);
    assert.match(catalog.stdout, /^R_ACK\s{2,}ACK \/ IP/m);

    follower.kill('SIGINT');
    assert.equal(await exited(follower), 0);
    follower = undefined;
  } finally {
    follower?.kill('SIGKILL');
    server.proc.kill('SIGTERM');
  }
  assert.equal(await exited(server.proc), 0, server.stderr());
  assert.match(server.stderr(), /server stopped/);
  assert.equal(existsSync(sock), false, 'socket removed at exit');
});

test('TCP with a token: netspotctl needs the token file', async () => {
  const tokenFile = join(dir, 'token');
  writeFileSync(tokenFile, 'ctl-test-token-0123456789\n');
  const server = await serve(['-e', 'tcp://127.0.0.1:0', '--api.token-file', tokenFile]);
  try {
    assert.match(server.endpoint, /^tcp:\/\/127\.0\.0\.1:\d+$/);
    const [anon, ok, noStats] = await Promise.all([
      ctl(['-e', server.endpoint, 'status']),
      ctl(['-e', server.endpoint, '--token-file', tokenFile, '--json', 'status']),
      ctl(['-e', server.endpoint, '--token-file', tokenFile, 'start']),
    ]);
    assert.equal(anon.code, 1);
    assert.match(anon.stderr, /missing or wrong token/);
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(JSON.parse(ok.stdout).state, 'idle');
    assert.equal(noStats.code, 1);
    assert.match(noStats.stderr, /cannot start: no device/);
  } finally {
    server.proc.kill('SIGINT');
  }
  assert.equal(await exited(server.proc), 0);
});

