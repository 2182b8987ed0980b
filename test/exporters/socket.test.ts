import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { createServer, type Server } from 'node:net';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, tempDir, waitFor } from '../support/servers.js';
import { readJsonLines } from '../support/json-lines.js';

const bin = fileURLToPath(new URL('../../src/cli/netspot.js', import.meta.url));
const demo = fileURLToPath(new URL('../../../data/demo-syn-flood.pcap.gz', import.meta.url));
const genCapture = fileURLToPath(new URL('../../bench/gen-capture.js', import.meta.url));
const STATS = ['R_SYN', 'TRAFFIC', 'AVG_PKT_SIZE'];

function netspot(args: string[]): Promise<{ status: number | null; stderr: string }> {
  const p = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => p.on('exit', (status) => resolve({ status, stderr })));
}

/** A stream listener (TCP port or unix path) keeping each connection's text. */
async function streamListener(where: { port: number } | { path: string }): Promise<{ connections: string[]; server: Server }> {
  const connections: string[] = [];
  const server = createServer((c) => {
    const i = connections.push('') - 1;
    c.on('data', (d: Buffer) => (connections[i] += d.toString()));
  });
  await new Promise<void>((r) => ('port' in where ? server.listen(where.port, '127.0.0.1', r) : server.listen(where.path, r)));
  return { connections, server };
}

async function udpListener(port: number): Promise<{ datagrams: string[]; close: () => void }> {
  const datagrams: string[] = [];
  const s = createSocket({ type: 'udp4', recvBufferSize: 1 << 22 });
  s.on('message', (m) => datagrams.push(m.toString()));
  await new Promise<void>((r) => s.bind(port, '127.0.0.1', r));
  return { datagrams, close: () => s.close() };
}

/** Runs the demo capture with file output next to the socket exporter; returns what the files hold. */
async function runDemo(dir: string, socketArgs: string[]) {
  const r = await netspot([
    'run', '-d', demo, '-s', STATS.join(','), '-f', join(dir, 'data.json'), '--exporter.file.alarm', join(dir, 'alarms.json'),
    '--exporter.console.alarm', 'false', '--exporter.socket.tag', 'sensor "A", east', ...socketArgs,
  ]);
  assert.equal(r.status, 0, r.stderr);
  return {
    stderr: r.stderr,
    data: readJsonLines(readFileSync(join(dir, 'data.json'), 'utf8')),
    alarms: readJsonLines(readFileSync(join(dir, 'alarms.json'), 'utf8')),
  };
}

/** Splits a stream into lines; the stream must end with a newline (no partial record). */
function lines(text: string): string[] {
  assert.ok(text.endsWith('\n'), 'the stream ends at a line end');
  return text.slice(0, -1).split('\n');
}

test('JSON lines: data over TCP, alarms over a unix socket; every record arrives once, whole, with type, time, series and name', async (t) => {
  const dir = tempDir('socket-json');
  const tcp = await streamListener({ port: await freePort() });
  const unixPath = join(dir, 'alarms.sock');
  const unix = await streamListener({ path: unixPath });
  t.after(() => {
    tcp.server.close();
    unix.server.close();
  });
  const port = (tcp.server.address() as { port: number }).port;
  const run = await runDemo(dir, ['--exporter.socket.data', `tcp://127.0.0.1:${port}`, '--exporter.socket.alarm', `unix://${unixPath}`]);
  assert.match(run.stderr, new RegExp(`exporter socket: ${run.data.length + run.alarms.length} records sent, 0 dropped`));

  assert.equal(tcp.connections.length, 1);
  const data = lines(tcp.connections[0]).map((l) => readJsonLines(l)[0]);
  assert.equal(data.length, run.data.length);
  data.forEach((rec, i) => {
    const { type, series, name, ...values } = rec;
    assert.deepEqual([type, series, name], ['data', 'demo-syn-flood', 'sensor "A", east']);
    assert.deepEqual(values, run.data[i]);
  });
  const alarms = lines(unix.connections[0]).map((l) => readJsonLines(l)[0]);
  assert.equal(alarms.length, run.alarms.length);
  assert.ok(alarms.length > 10);
  alarms.forEach((rec, i) => {
    const { type, series, name, ...values } = rec;
    assert.deepEqual([type, series, name], ['alarm', 'demo-syn-flood', 'sensor "A", east']);
    assert.deepEqual(values, run.alarms[i]);
  });
});

/** RFC 4180 fields of one CSV line. */
function csvFields(line: string): string[] {
  const out: string[] = [];
  const re = /("(?:[^"]|"")*"|[^,]*)(,|$)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(line)) !== null) {
    out.push(m[1].startsWith('"') ? m[1].slice(1, -1).replace(/""/g, '"') : m[1]);
    if (m[2] === '') break;
  }
  return out;
}

test('CSV: a header line, then one row per record in its fixed columns (data over TCP, alarms over UDP)', async (t) => {
  const dir = tempDir('socket-csv');
  const udpPort = await freePort();
  const udp = await udpListener(udpPort);
  const tcp = await streamListener({ port: await freePort() });
  t.after(() => {
    udp.close();
    tcp.server.close();
  });
  const tcpPort = (tcp.server.address() as { port: number }).port;
  const run = await runDemo(dir, [
    '--exporter.socket.format', 'csv', '--exporter.socket.data', `tcp://127.0.0.1:${tcpPort}`, '--exporter.socket.alarm', `udp://127.0.0.1:${udpPort}`,
  ]);
  await new Promise((r) => setTimeout(r, 200)); // the last datagrams

  assert.equal(tcp.connections.length, 1);
  const rows = lines(tcp.connections[0]).map(csvFields);
  const header = rows[0];
  assert.deepEqual(header, ['type', 'time', 'series', 'name', ...STATS.flatMap((s) => [s, `${s}_UP`, `${s}_DOWN`])]);
  assert.equal(rows.length - 1, run.data.length);
  rows.slice(1).forEach((f, i) => {
    assert.equal(f.length, header.length);
    const row = Object.fromEntries(header.map((h, j) => [h, f[j]]));
    assert.deepEqual([row.type, row.series, row.name, row.time], ['data', 'demo-syn-flood', 'sensor "A", east', run.data[i].time]);
    for (const col of header.slice(4)) {
      const want = run.data[i][col];
      assert.equal(row[col], want === undefined || want === null ? '' : String(want), `${col} of record ${i}`);
    }
  });

  // UDP: one record per datagram, the header first.
  assert.ok(run.alarms.length > 10);
  assert.equal(udp.datagrams.length, run.alarms.length + 1);
  for (const d of udp.datagrams) assert.ok(d.endsWith('\n') && !d.slice(0, -1).includes('\n'), 'one line per datagram');
  assert.deepEqual(csvFields(udp.datagrams[0].slice(0, -1)), ['type', 'time', 'series', 'name', 'stat', 'status', 'value', 'code', 'probability', 'threshold']);
  udp.datagrams.slice(1).forEach((d, i) => {
    const a = run.alarms[i];
    assert.deepEqual(csvFields(d.slice(0, -1)), ['alarm', a.time, 'demo-syn-flood', 'sensor "A", east', a.stat, a.status, String(a.value), String(a.code), String(a.probability), String(a.threshold)]);
  });
});

test('a peer that comes up late: the exporter retries, connects, and delivers everything once within flush_timeout', async (t) => {
  const dir = tempDir('socket-late');
  const port = await freePort();
  let tcp: Awaited<ReturnType<typeof streamListener>> | undefined;
  t.after(() => tcp?.server.close());
  // The listener opens once the run wrote its last period (all 1150) to the file: by then
  // every record waits in the exporter's queue and the first attempts have failed.
  const dataFile = join(dir, 'data.json');
  const late = waitFor('the last period in the file', async () =>
    existsSync(dataFile) && readFileSync(dataFile, 'utf8').split('\n').length > 1150 ? true : undefined, 60_000,
  ).then(async () => (tcp = await streamListener({ port })));
  const run = await runDemo(dir, ['--exporter.socket.data', `tcp://127.0.0.1:${port}`, '--exporter.socket.flush_timeout', '20s']);
  await late;
  assert.match(run.stderr, /warning: exporter socket: cannot send to tcp:\/\/127\.0\.0\.1:\d+: connect ECONNREFUSED/);
  assert.match(run.stderr, /warning: exporter socket: sending to tcp:\/\/127\.0\.0\.1:\d+ again after/);
  assert.match(run.stderr, new RegExp(`exporter socket: ${run.data.length} records sent, 0 dropped`));
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(tcp!.connections.length, 1);
  const got = lines(tcp!.connections[0]).map((l) => readJsonLines(l)[0].time);
  assert.deepEqual(got, run.data.map((r) => r.time));
});

test('a bad socket address is refused before the run, naming the key', async () => {
  const r = await netspot(['run', '-d', demo, '-q', '--exporter.socket.alarm', 'tcp://localhost']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /bad value for exporter\.socket\.alarm: "tcp:\/\/localhost" \(expected unix:\/\/\/path, tcp:\/\/host:port, udp:\/\/host:port: host and port needed\)/);
});

test('SIGTERM with the peer down: the run ends within flush_timeout and every record it made is counted as dropped', async () => {
  const dir = tempDir('socket-sigterm');
  const deadPort = await freePort();
  // Three minutes of dense traffic in 5 ms periods (3 M packets: a run of about 3 s on an idle
  // 2-core machine), stopped 300 ms after its first records, while the run is surely on.
  const capture = join(dir, 'long.pcap');
  const gen = spawnSync(process.execPath, [genCapture, '--packets', '3000000', '--duration', '180', '--out', capture], { encoding: 'utf8' });
  assert.equal(gen.status, 0, gen.stderr);
  const p = spawn(process.execPath, [
    bin, 'run', '-d', capture, '-p', '5ms', '-f', join(dir, 'data.json'), '--exporter.console.alarm', 'false',
    '--exporter.socket.data', `tcp://127.0.0.1:${deadPort}`, '--exporter.socket.queue_size', '100', '--exporter.socket.flush_timeout', '1s',
  ], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => p.on('exit', (code) => resolve(code)));
  // Running once the file exporter wrote its first periods; then 300 ms more.
  await waitFor('the first records', async () => (existsSync(join(dir, 'data.json')) && statSync(join(dir, 'data.json')).size > 0 ? true : undefined));
  await new Promise((r) => setTimeout(r, 300));
  const killedAt = performance.now();
  p.kill('SIGTERM');
  assert.equal(await exited, 0, stderr);
  const seconds = (performance.now() - killedAt) / 1000;
  assert.ok(seconds < 3, `exit ${seconds.toFixed(1)} s after SIGTERM (flush_timeout 1 s)`);
  const produced = readFileSync(join(dir, 'data.json'), 'utf8').split('\n').filter((l) => l !== '').length;
  assert.ok(produced > 100 && produced < 36_000, `${produced} records before the stop`);
  assert.match(stderr, new RegExp(`exporter socket: 0 records sent, ${produced} dropped`));
  assert.match(stderr, /warning: exporter socket: dropped \d+ data records: queue full \(queue_size 100\)/);
  // What waited at the end: the full queue (100) and the batch being retried.
  const left = /warning: exporter socket: dropped (\d+) data records: not sent within flush_timeout 1 s \(connect ECONNREFUSED/.exec(stderr);
  assert.ok(left !== null && Number(left[1]) > 100 && Number(left[1]) <= 200, stderr);
});
