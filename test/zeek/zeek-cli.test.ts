/**
 * `netspot zeek` as a user runs it: features of real logs to files, a bro-spotd profile on
 * stats.log with spot-anomaly.log, usage errors, and the D-Bus daemon ended by Kill.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readDataText } from '../support/test-data.js';
import { dbusClient, startPrivateBus } from '../support/dbus-daemon.js';
import { writeStatsLog, zeekData } from './zeek-support.js';

const bin = fileURLToPath(new URL('../../src/cli/netspot.js', import.meta.url));
const netspot = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 60_000 });
const lines = (path: string) => readFileSync(path, 'utf8').trim().split('\n');

test('netspot zeek: per-period feature records of a real dns.log equal a recount of its lines', () => {
  const dir = mkdtempSync(join(tmpdir(), 'netspot-zeek-cli-'));
  try {
    const out = join(dir, '%s.data.json');
    const r = netspot('zeek', '--feature', 'dns.count', '--feature', 'dns.ratio(rcode_name=NXDOMAIN)', '-p', '10s', '--lateness', '1h',
      '-f', out, zeekData('wrccdc2018__dns.log.gz'));
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /4000 records read .*0 bad lines skipped, 0 late records not used/);
    const recs = lines(join(dir, 'zeek.data.json')).map((l) => JSON.parse(l) as Record<string, number>);
    const rows = readDataText(zeekData('wrccdc2018__dns.log.gz')).split('\n').filter((l) => l !== '' && !l.startsWith('#')).map((l) => l.split('\t'));
    const count = new Map<number, number>();
    const nx = new Map<number, number>();
    for (const c of rows) {
      const k = Math.floor(Number(c[0]) / 10);
      count.set(k, (count.get(k) ?? 0) + 1);
      if (c[15] === 'NXDOMAIN') nx.set(k, (nx.get(k) ?? 0) + 1);
    }
    const first = Math.min(...count.keys());
    assert.equal(recs.length, Math.max(...count.keys()) - first + 1);
    recs.forEach((rec, i) => {
      const k = first + i;
      const raw = readFileSync(join(dir, 'zeek.data.json'), 'utf8').trim().split('\n')[i];
      assert.match(raw, new RegExp(`^\\{"time":${k + 1}0000000000,`));
      assert.equal(rec['dns.count'], count.get(k) ?? 0);
      assert.equal(rec['dns.ratio(rcode_name=NXDOMAIN)'], count.has(k) ? (nx.get(k) ?? 0) / (count.get(k) as number) : null);
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('netspot zeek: a bro-spotd profile on stats.log gives alarms in the alarm file and in spot-anomaly.log', () => {
  const dir = mkdtempSync(join(tmpdir(), 'netspot-zeek-cli-'));
  try {
    const log = join(dir, 'stats.log');
    writeStatsLog(log, 400, 350, 370);
    const ini = join(dir, 'p.ini');
    writeFileSync(ini, '[default]\nbro_type = 5\nq = 1e-3\nn_init = 200\nlevel = 0.9\n\n[pkts_proc]\n\n[active_tcp_conns]\nup = false\ndown = true\n');
    const r = netspot('zeek', '-q', '--profile', ini, '--exporter.file.alarm', join(dir, 'alarms.json'), '--exporter.console.alarm', 'false',
      '--zeek.anomaly_log', join(dir, 'zeek-out'), log);
    assert.equal(r.status, 0, r.stderr);
    const alarms = lines(join(dir, 'alarms.json')).map((l) => JSON.parse(l) as { stat: string; status: string; time: number });
    assert.deepEqual(alarms.map((a) => `${a.stat}:${a.status}`), ['pkts_proc:UP_ALERT', 'active_tcp_conns:DOWN_ALERT']);
    const anomaly = lines(join(dir, 'zeek-out', 'spot-anomaly.log'));
    assert.equal(anomaly[4], '#path\tspot-anomaly');
    const data = anomaly.filter((l) => !l.startsWith('#')).map((l) => l.split('\t'));
    assert.deepEqual(data.map((c) => [c[0], c[1], c[2], c[4]]), [
      [(1_700_000_000 + 300 * 350).toFixed(0) + '.250000', '1', 'pkts_proc', 'UP_ALERT'],
      [(1_700_000_000 + 300 * 370).toFixed(0) + '.250000', '2', 'active_tcp_conns', 'DOWN_ALERT'],
    ]);
    assert.match(anomaly[anomaly.length - 1], /^#close\t\d{4}-\d\d-\d\d-\d\d-\d\d-\d\d$/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('netspot zeek: bad features and bad profiles are usage errors (exit 2) naming the problem', () => {
  const dir = mkdtempSync(join(tmpdir(), 'netspot-zeek-cli-'));
  try {
    let r = netspot('zeek', '--feature', 'conn.median(duration)', zeekData('wrccdc2018__dns.log.gz'));
    assert.equal(r.status, 2);
    assert.match(r.stderr, /bad feature "conn.median\(duration\)": unknown operation "median"/);
    const ini = join(dir, 'bad.ini');
    writeFileSync(ini, '[default]\nq = 1e-4\nmax_exces = 10\n');
    r = netspot('zeek', '--profile', ini, zeekData('wrccdc2018__stats.log.gz'));
    assert.equal(r.status, 2);
    assert.match(r.stderr, /bad\.ini:3: unknown key "max_exces" \(value "10"\) in \[default\]/);
    r = netspot('zeek', '--feature', 'dns.count');
    assert.equal(r.status, 2);
    assert.match(r.stderr, /no Zeek log given/);
    r = netspot('zeek', '--feature', 'dns.count', join(dir, 'missing.log'));
    assert.equal(r.status, 1);
    assert.match(r.stderr, /cannot open zeek\.logs .*missing\.log: no such file or directory \(ENOENT\)/);
    r = netspot('zeek', '--feature', 'dns.count', '-f', zeekData('wrccdc2018__dns.log.gz'), zeekData('wrccdc2018__dns.log.gz'));
    assert.equal(r.status, 2, 'an output that is an input log is refused before anything is written');
    assert.match(r.stderr, /zeek\.logs/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('netspot zeek --follow --dbus session: answers on the bus, and Kill ends it with exit 0, outputs flushed', { timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'netspot-zeek-cli-'));
  const bus = await startPrivateBus();
  try {
    const log = join(dir, 'stats.log');
    writeStatsLog(log, 50, -1, -1);
    const toml = join(dir, 'netspot.toml');
    writeFileSync(toml, '[spot]\ndepth = 0\n\n[spot.pkts_proc]\nn_init = 20\nlevel = 0.8\n');
    const child = spawn(process.execPath, [bin, 'zeek', '-F', '--dbus', 'session', '--zeek.poll', '50ms', '-c', toml, '-f', join(dir, 'data.json'), log], {
      env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: bus.address }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const A = `--address=${bus.address}`;
    let features = '';
    const until = Date.now() + 20_000;
    while (Date.now() < until) {
      try {
        features = (await dbusClient('busctl', [A, 'call', 'bro.spot', '/', 'bro.spot.Common', 'Features'])).trim();
        if (features.includes('pkts_proc')) break;
      } catch {
        // not on the bus yet
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.match(features, /^as \d+ "mem" "pkts_proc" "bytes_recv" "active_tcp_conns"$/);
    const status = (await dbusClient('busctl', [A, 'call', 'bro.spot', '/', 'bro.spot.Spot', 'Status', 's', 'pkts_proc'])).trim().split(' ');
    assert.equal(Number(status[1]) + Number(status[6]), 50, 'calibrated on 20: n counts every value but the alarms');
    assert.equal((await dbusClient('busctl', [A, 'call', 'bro.spot', '/', 'bro.spot.Spot', 'Config', 's', 'pkts_proc'])).trim(), 'dbibbbid 0.0001 true 200 true true false 20 0.8');
    assert.equal((await dbusClient('busctl', [A, 'call', 'bro.spot', '/', 'bro.spot.Spot', 'Config', 's', 'mem'])).trim(), 'dbibbbid 0.0001 true 200 true true false 1000 0.98');
    const mem = (await dbusClient('busctl', [A, 'call', 'bro.spot', '/', 'bro.spot.Spot', 'Status', 's', 'mem'])).trim().split(' ');
    assert.equal(mem[1], '50', 'mem: calibrating, n = values seen');
    assert.equal((await dbusClient('busctl', [A, 'call', 'bro.spot', '/', 'bro.spot.Common', 'Kill'])).trim(), 's "NetSpot stops"');
    assert.equal(await exited, 0, stderr);
    assert.equal(lines(join(dir, 'data.json')).length, 50, 'every observation flushed');
  } finally {
    await bus.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
