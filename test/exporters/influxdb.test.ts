import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createServer, type IncomingMessage } from 'node:http';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NETSPOT_STATS } from '../../src/stats/index.js';
import { INFLUXD, Influxd, influxRows, missingBinary, tempDir, waitFor } from '../support/servers.js';
import { readJsonLines } from '../support/json-lines.js';

const bin = fileURLToPath(new URL('../../src/cli/netspot.js', import.meta.url));
const genCapture = fileURLToPath(new URL('../../bench/gen-capture.js', import.meta.url));
// Preloaded into a run: prints its CPU time (user + system) at exit.
const reportUsage = fileURLToPath(new URL('../../bench/report-rss.js', import.meta.url));
const demo = fileURLToPath(new URL('../../../data/demo-syn-flood.pcap.gz', import.meta.url));
// NetSpot's statistics: the outage test's queue is sized for their alarm rate on this capture.
const STATS = NETSPOT_STATS.filter((s) => s !== 'PERF').join(',');

function netspot(args: string[]): { status: number | null; stderr: string } {
  return spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });
}

/** netspot run in the background; resolves with its exit code, stderr, wall time and CPU time. */
function netspotAsync(args: string[]): Promise<{ status: number | null; stderr: string; seconds: number; cpu: number; startedAtMs: number }> {
  const start = performance.now();
  const startedAtMs = Date.now();
  const p = spawn(process.execPath, ['--import', reportUsage, bin, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) =>
    p.on('exit', (status) => resolve({ status, stderr, seconds: (performance.now() - start) / 1000, cpu: Number(/cpu ([\d.]+) s/.exec(stderr)?.[1]), startedAtMs })),
  );
}

function exporterLine(stderr: string): { sent: number; dropped: number; alarms: number } {
  const m = /exporter influxdb: (\d+) records sent, (\d+) dropped(?: \((\d+) alarms\))?/.exec(stderr);
  assert.ok(m !== null, `no influxdb line in the summary: ${stderr}`);
  return { sent: Number(m[1]), dropped: Number(m[2]), alarms: Number(m[3] ?? 0) };
}

function influxArgs(db: Influxd, database: string): string[] {
  return [
    '--exporter.influxdb.data', 'true', '--exporter.influxdb.alarm', 'true', '--exporter.influxdb.address', db.url,
    '--exporter.influxdb.database', database, '--exporter.influxdb.agent_name', 'sensor-1',
  ];
}

/** Data records that have at least one value (a period with none has no InfluxDB point). */
function withValues(records: Array<Record<string, unknown>>): Array<Record<string, unknown>> {
  return records.filter((r) => Object.entries(r).some(([k, v]) => k !== 'time' && v !== null));
}

test('the demo capture in InfluxDB: one point per data record and per alarm, with the same values', async (t) => {
  const missing = missingBinary(INFLUXD, 'influxdb');
  if (missing !== null) return t.skip(missing);
  const db = await Influxd.start();
  t.after(() => db.cleanup());
  const out = tempDir('influx-demo');
  const r = netspot([
    'run', '-d', demo, '-s', STATS, '-f', join(out, 'data.json'), '--exporter.file.alarm', join(out, 'alarms.json'),
    '--exporter.console.alarm', 'false', ...influxArgs(db, 'demo'),
  ]);
  assert.equal(r.status, 0, r.stderr);
  const data = withValues(readJsonLines(readFileSync(join(out, 'data.json'), 'utf8')));
  const alarms = readJsonLines(readFileSync(join(out, 'alarms.json'), 'utf8'));
  assert.ok(data.length > 1000 && alarms.length > 20, `${data.length} data records, ${alarms.length} alarms`);
  assert.deepEqual(exporterLine(r.stderr), { sent: data.length + alarms.length, dropped: 0, alarms: 0 });

  // The database was created by the exporter; everything is in measurement demo-syn-flood.
  const dataRows = await influxRows(db, 'demo', `SELECT * FROM "demo-syn-flood" WHERE "type" = 'data'`);
  const alarmRows = await influxRows(db, 'demo', `SELECT * FROM "demo-syn-flood" WHERE "type" = 'alarm'`);
  assert.equal(dataRows.length, data.length);
  assert.equal(alarmRows.length, alarms.length, 'alarms of one period do not overwrite each other');

  const byTime = new Map(dataRows.map((row) => [row.time, row]));
  for (const rec of data) {
    const row = byTime.get(rec.time);
    assert.ok(row !== undefined, `no point at ${String(rec.time)}`);
    assert.equal(row.agent, 'sensor-1');
    for (const [k, v] of Object.entries(rec)) if (k !== 'time' && v !== null) assert.equal(row[k], v, `${k} at ${String(rec.time)}`);
  }
  const alarmKey = (time: unknown, stat: unknown): string => `${String(time)} ${String(stat)}`;
  const alarmByKey = new Map(alarmRows.map((row) => [alarmKey(row.time, row.stat), row]));
  for (const a of alarms) {
    const row = alarmByKey.get(alarmKey(a.time, a.stat));
    assert.ok(row !== undefined, `no alarm point ${alarmKey(a.time, a.stat)}`);
    for (const k of ['status', 'value', 'code', 'probability', 'threshold']) assert.equal(row[k], a[k], `${k} of ${alarmKey(a.time, a.stat)}`);
  }
});

test('InfluxDB stopped in the middle of a long run and restarted: the analysis goes on meanwhile and every point is stored or counted as dropped', async (t) => {
  const missing = missingBinary(INFLUXD, 'influxdb');
  if (missing !== null) return t.skip(missing);
  // Two runs of the same capture at the same time, each with its own influxd: the control's
  // stays up, the other is stopped early in the run and restarted seconds later (same port,
  // same data). Side by side, both runs see the same load on this shared machine.
  const control = await Influxd.start();
  const flaky = await Influxd.start();
  t.after(() => Promise.all([control.cleanup(), flaky.cleanup()]));
  const dir = tempDir('influx-outage');
  const capture = join(dir, 'long.pcap');
  // Three minutes of capture time in 5 ms periods: 36 000 periods; 3 M packets make the run last
  // several times the outage even on an idle machine, so the restarted peer has time to catch
  // up before the run ends (else the end-of-run flush waits for it, and the wall time with it).
  const gen = spawnSync(process.execPath, [genCapture, '--packets', '3000000', '--duration', '180', '--out', capture], { encoding: 'utf8' });
  assert.equal(gen.status, 0, gen.stderr);
  const run = (db: Influxd, tag: string, extra: string[] = []) =>
    netspotAsync([
      'run', '-d', capture, '-s', STATS, '-p', '5ms', '-f', join(dir, `${tag}.data.json`), '--exporter.file.alarm', join(dir, `${tag}.alarms.json`),
      '--exporter.console.alarm', 'false', ...influxArgs(db, tag), '--exporter.influxdb.batch_size', '5000', '--exporter.influxdb.flush_timeout', '10s', ...extra,
    ]);

  const attempt = async (n: number) => {
    const normalRun = run(control, `normal${n}`);
    // A queue far shorter than the outage (the run makes over 1000 records a second even on a
    // loaded machine, 2.5 s of outage): some data must be dropped, and counted.
    const outageRun = run(flaky, `outage${n}`, ['--exporter.influxdb.queue_size', '500']);
    // Stopped half a second after the first periods were written, restarted 2.5 s later.
    const file = join(dir, `outage${n}.data.json`);
    await waitFor('the first periods', async () => (existsSync(file) && statSync(file).size > 0 ? true : undefined));
    await new Promise((r) => setTimeout(r, 500));
    await flaky.stop();
    const stoppedAt = performance.now();
    const writtenAtStop = statSync(file).size;
    await new Promise((r) => setTimeout(r, 2500));
    const writtenBeforeRestart = statSync(file).size;
    await flaky.restart();
    const stoppedFor = (performance.now() - stoppedAt) / 1000;
    const [normal, ended] = await Promise.all([normalRun, outageRun]);
    assert.equal(normal.status, 0, normal.stderr);
    assert.equal(exporterLine(normal.stderr).dropped, 0, normal.stderr);
    assert.equal(ended.status, 0, ended.stderr);
    assert.match(ended.stderr, /warning: exporter influxdb: cannot send to/, 'the outage is reported');
    assert.match(ended.stderr, /warning: exporter influxdb: sending to \S+ again after/, 'the exporter came back by itself');

    const data = withValues(readJsonLines(readFileSync(join(dir, `outage${n}.data.json`), 'utf8')));
    const alarms = readJsonLines(readFileSync(join(dir, `outage${n}.alarms.json`), 'utf8'));
    const counts = exporterLine(ended.stderr);
    const storedData = (await influxRows(flaky, `outage${n}`, `SELECT * FROM "long" WHERE "type" = 'data'`)).length;
    const storedAlarms = (await influxRows(flaky, `outage${n}`, `SELECT * FROM "long" WHERE "type" = 'alarm'`)).length;
    t.diagnostic(`influxd up: ${normal.seconds.toFixed(2)} s (cpu ${normal.cpu} s); influxd down for ${stoppedFor.toFixed(1)} s: ` +
      `${ended.seconds.toFixed(2)} s (cpu ${ended.cpu} s); ` +
      `${data.length} data records and ${alarms.length} alarms produced, ${storedData} + ${storedAlarms} stored, ${counts.dropped} dropped`);
    assert.equal(storedData + storedAlarms + counts.dropped, data.length + alarms.length, 'stored + dropped = produced');
    assert.equal(counts.sent, storedData + storedAlarms, 'sent = stored');
    assert.equal(storedAlarms, alarms.length, 'alarms are kept in preference to data');
    assert.ok(counts.dropped > 0 && counts.alarms === 0, 'data were dropped, no alarm');
    assert.match(ended.stderr, /warning: exporter influxdb: dropped \d+ data records: queue full \(queue_size 500\)/);
    // The analysis never waits for the peer: periods kept being written while it was down
    // (its speed is a benchmark's business: npm run bench:run -- --influxdb).
    const during = readFileSync(file, 'utf8').slice(writtenAtStop, writtenBeforeRestart).split('\n').length - 1;
    assert.ok(during > 100, `${during} periods written while influxd was down`);
    // The analysis' own duration: from the start to the last period written by the file exporter
    // (the process itself then waits up to flush_timeout for a peer that may still be restarting).
    const analysis = (tag: string, r: { startedAtMs: number }): number => (statSync(join(dir, `${tag}.data.json`)).mtimeMs - r.startedAtMs) / 1000;
    return { normal: analysis(`normal${n}`, normal), ended: analysis(`outage${n}`, ended) };
  };
  const { normal, ended } = await attempt(1);
  t.diagnostic(`analysis: ${ended.toFixed(2)} s with the outage, ${normal.toFixed(2)} s without`);
});

/** A local HTTP listener standing for InfluxDB 2 (Debian has no InfluxDB 2 to test against). */
async function recordingServer(status: number): Promise<{ url: string; requests: Array<{ req: IncomingMessage; body: string }>; close: () => Promise<void> }> {
  const requests: Array<{ req: IncomingMessage; body: string }> = [];
  const srv = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      requests.push({ req, body });
      res.statusCode = status;
      res.setHeader('content-type', 'application/json');
      res.end(status === 204 ? '' : JSON.stringify({ code: 'invalid', message: 'no such bucket' }));
    });
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  return { url: `http://127.0.0.1:${port}`, requests, close: () => new Promise((r) => srv.close(() => r())) };
}

test('the v2 API: POST /api/v2/write with org, bucket, ns precision and the token from token_file', async (t) => {
  const srv = await recordingServer(204);
  t.after(() => srv.close());
  const dir = tempDir('influx-v2');
  writeFileSync(join(dir, 'token'), 's3cr3t-token\n');
  // Asynchronous: the listener lives in this process.
  const r = await netspotAsync([
    'run', '-d', demo, '-s', 'R_SYN', '-f', join(dir, 'data.json'), '--exporter.file.alarm', join(dir, 'alarms.json'), '--exporter.console.alarm', 'false',
    '--exporter.influxdb.data', 'true', '--exporter.influxdb.alarm', 'true', '--exporter.influxdb.address', srv.url,
    '--exporter.influxdb.api', 'v2', '--exporter.influxdb.org', 'my org', '--exporter.influxdb.bucket', 'net&spot',
    '--exporter.influxdb.token_file', join(dir, 'token'), '--exporter.influxdb.batch_size', '100',
  ]);
  assert.equal(r.status, 0, r.stderr);
  assert.ok(srv.requests.length > 0);
  let lines: string[] = [];
  for (const { req, body } of srv.requests) {
    assert.equal(req.method, 'POST');
    const url = new URL(req.url!, srv.url);
    assert.equal(url.pathname, '/api/v2/write');
    assert.deepEqual(Object.fromEntries(url.searchParams), { org: 'my org', bucket: 'net&spot', precision: 'ns' });
    assert.equal(req.headers.authorization, 'Token s3cr3t-token');
    assert.match(req.headers['content-type'] ?? '', /^text\/plain/);
    lines = lines.concat(body.split('\n').filter((l) => l !== ''));
  }
  const data = withValues(readJsonLines(readFileSync(join(dir, 'data.json'), 'utf8')));
  const alarms = readJsonLines(readFileSync(join(dir, 'alarms.json'), 'utf8'));
  assert.equal(lines.filter((l) => l.includes(',type=data ')).length, data.length);
  assert.equal(lines.filter((l) => l.includes(',type=alarm ')).length, alarms.length);
  assert.match(lines[0], /^demo-syn-flood,agent=local,type=data R_SYN=[\d.e+-]+ \d{19}$/);
  assert.ok(lines.every((l) => l.startsWith('demo-syn-flood,agent=local,')));
});

test('v1 with a user: CREATE DATABASE first, then /write with db and ns precision, basic authentication from password_file', async (t) => {
  const srv = await recordingServer(204);
  t.after(() => srv.close());
  const dir = tempDir('influx-v1-auth');
  writeFileSync(join(dir, 'pw'), 'pa:ss word\nignored second line\n');
  const r = await netspotAsync([
    'run', '-d', demo, '-s', 'R_SYN', '--exporter.console.alarm', 'false', '--exporter.influxdb.alarm', 'true', '--exporter.influxdb.address', `${srv.url}/influx/`,
    '--exporter.influxdb.database', 'my "db"', '--exporter.influxdb.username', 'netspot', '--exporter.influxdb.password_file', join(dir, 'pw'),
  ]);
  assert.equal(r.status, 0, r.stderr);
  const basic = `Basic ${Buffer.from('netspot:pa:ss word').toString('base64')}`;
  const [create, ...writes] = srv.requests;
  assert.equal(new URL(create.req.url!, srv.url).pathname, '/influx/query');
  assert.equal(new URLSearchParams(create.body).get('q'), 'CREATE DATABASE "my \\"db\\""');
  assert.equal(create.req.headers.authorization, basic);
  assert.ok(writes.length > 0);
  for (const { req } of writes) {
    const url = new URL(req.url!, srv.url);
    assert.equal(url.pathname, '/influx/write');
    assert.deepEqual(Object.fromEntries(url.searchParams), { db: 'my "db"', precision: 'ns' });
    assert.equal(req.headers.authorization, basic);
  }
});

test('a peer that rejects the points: every record counted as dropped and reported, the run unharmed', async (t) => {
  const srv = await recordingServer(400);
  t.after(() => srv.close());
  const dir = tempDir('influx-reject');
  const r = await netspotAsync([
    'run', '-d', demo, '-s', 'R_SYN', '-f', join(dir, 'data.json'), '--exporter.console.alarm', 'false',
    '--exporter.influxdb.data', 'true', '--exporter.influxdb.address', srv.url, '--exporter.influxdb.batch_size', '100',
  ]);
  assert.equal(r.status, 0, r.stderr);
  const data = withValues(readJsonLines(readFileSync(join(dir, 'data.json'), 'utf8')));
  assert.deepEqual(exporterLine(r.stderr), { sent: 0, dropped: data.length, alarms: 0 });
  assert.match(r.stderr, /warning: exporter influxdb: dropped \d+ data records: rejected by http:\/\/127\.0\.0\.1:\d+: HTTP 400: no such bucket/);
});

test('config mistakes name the key: v2 without a token, an unreadable password_file, a bad address', () => {
  const base = ['run', '-d', demo, '-q', '--exporter.influxdb.data', 'true'];
  let r = netspot([...base, '--exporter.influxdb.api', 'v2', '--exporter.influxdb.org', 'o', '--exporter.influxdb.bucket', 'b']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /exporter\.influxdb\.token \(or token_file\) is needed with api = "v2"/);
  r = netspot([...base, '--exporter.influxdb.password_file', '/nonexistent/pw']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /cannot read exporter\.influxdb\.password_file \/nonexistent\/pw/);
  r = netspot([...base, '--exporter.influxdb.address', 'localhost:8086']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /bad value for exporter\.influxdb\.address: "localhost:8086"/);
});
