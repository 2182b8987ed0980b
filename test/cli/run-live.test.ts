/**
 * `netspot run` on a real interface (loopback), checked from outside by tcpdump. Needs root
 * (or CAP_NET_RAW), tcpdump and the native binding: skipped with the reason otherwise.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer, connect, type AddressInfo } from 'node:net';
import { mkdtempSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { once } from 'node:events';

const bin = fileURLToPath(new URL('../../src/cli/netspot.js', import.meta.url));
const addon = fileURLToPath(new URL('../../../native/build/Release/netspot_pcap.node', import.meta.url));
const skip =
  process.getuid?.() !== 0 ? 'needs root to capture on lo'
  : spawnSync('tcpdump', ['--version']).status !== 0 ? 'tcpdump is not installed'
  : !existsSync(addon) ? 'the native binding was not built' : false;

/** Resolves with the first stdout line, collecting the rest. */
function collectLines(p: ChildProcess): { lines: string[]; first: Promise<void> } {
  const lines: string[] = [];
  let buf = '';
  let resolveFirst!: () => void;
  const first = new Promise<void>((r) => (resolveFirst = r));
  p.stdout!.on('data', (d: Buffer) => {
    buf += d.toString();
    const parts = buf.split('\n');
    buf = parts.pop()!;
    lines.push(...parts);
    if (lines.length > 0) resolveFirst();
  });
  return { lines, first };
}

async function tcpExchanges(port: number, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    const s = connect(port, '127.0.0.1');
    await once(s, 'connect');
    s.end('hello netspot\n');
    await once(s, 'close');
  }
}

test('on lo with a BPF filter, TRAFFIC x period summed over periods equals what tcpdump saw; Ctrl-C loses nothing', { skip }, async () => {
  const server = createServer((c) => c.on('data', () => c.end()).on('error', () => {}));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  const filter = `tcp port ${port}`;
  const dir = mkdtempSync(join(tmpdir(), 'netspot-live-'));

  const tcpdump = spawn('tcpdump', ['-i', 'lo', '-n', '--immediate-mode', '-B', '32768', '-w', join(dir, 'ref.pcap'), filter], { stdio: ['ignore', 'ignore', 'pipe'] });
  const tcpdumpExit = once(tcpdump, 'close');
  let tcpdumpErr = '';
  tcpdump.stderr!.on('data', (d: Buffer) => (tcpdumpErr += d.toString()));
  const netspot = spawn(process.execPath, [bin, 'run', '-d', 'lo', '-p', '200ms', '-v', '-s', 'TRAFFIC', '--miner.filter', filter], { stdio: ['ignore', 'pipe', 'pipe'] });
  const netspotExit = once(netspot, 'close');
  let netspotErr = '';
  netspot.stderr!.on('data', (d: Buffer) => (netspotErr += d.toString()));
  const out = collectLines(netspot);
  try {
    await out.first; // netspot is capturing: its first (empty) period went by
    while (!tcpdumpErr.includes('listening on')) await new Promise((r) => setTimeout(r, 20));
    // tcpdump announces itself a little before its capture is live: give it time.
    await new Promise((r) => setTimeout(r, 500));
    await tcpExchanges(port, 20);
    await new Promise((r) => setTimeout(r, 500));
  } finally {
    netspot.kill('SIGINT');
    tcpdump.kill('SIGINT');
    server.close();
  }
  const [code] = (await netspotExit) as [number];
  await tcpdumpExit;
  assert.equal(code, 0, netspotErr);
  const captured = Number(/(\d+) packets? captured/.exec(tcpdumpErr)?.[1]);
  assert.ok(captured >= 20 * 6, `tcpdump saw ${captured} packets`);
  const records = out.lines.map((l) => JSON.parse(l) as { TRAFFIC: number });
  const total = records.reduce((a, r) => a + Math.round(r.TRAFFIC * 0.2), 0);
  assert.equal(total, captured, `packets counted by netspot = packets seen by tcpdump (${tcpdumpErr.trim()})`);
  assert.match(netspotErr, new RegExp(`lo: ${captured} packets, ${records.length} periods`));
});

test('a bad BPF filter is a usage error quoting libpcap', { skip }, () => {
  const r = spawnSync(process.execPath, [bin, 'run', '-d', 'lo', '--miner.filter', 'tcp port banana'], { encoding: 'utf8' });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /tcp port banana/);
  assert.match(r.stderr, /banana/);
});

test('a capture filter on a file is refused rather than ignored', () => {
  const demo = fileURLToPath(new URL('../../../data/demo-syn-flood.pcap.gz', import.meta.url));
  const r = spawnSync(process.execPath, [bin, 'run', '-d', demo, '--miner.filter', 'tcp'], { encoding: 'utf8' });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /miner\.filter applies to live capture only/);
});

test('an unknown interface is a runtime error naming it', { skip }, () => {
  const r = spawnSync(process.execPath, [bin, 'run', '-d', 'nosuchif0'], { encoding: 'utf8' });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /nosuchif0/);
});

test('live, the period cut by Ctrl-C is emitted over the time it covers: it ends at the stop', { skip }, async () => {
  const netspot = spawn(process.execPath, [bin, 'run', '-d', 'lo', '-p', '1s', '-v', '-s', 'TRAFFIC', '--miner.filter', 'tcp port 9'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const netspotExit = once(netspot, 'close');
  let netspotErr = '';
  netspot.stderr!.on('data', (d: Buffer) => (netspotErr += d.toString()));
  const out = collectLines(netspot);
  await out.first; // a full period went by
  await new Promise((r) => setTimeout(r, 1400)); // another one, and 0.4 s into the next
  const stopNs = BigInt(Date.now()) * 1_000_000n;
  netspot.kill('SIGINT');
  const [code] = (await netspotExit) as [number];
  assert.equal(code, 0, netspotErr);
  const times = out.lines.map((l) => BigInt(/^\{"time":(\d+)/.exec(l)![1]));
  assert.ok(times.length >= 3, out.lines.join('\n'));
  const [prev, last] = times.slice(-2);
  assert.equal(times[times.length - 2] - times[times.length - 3], 1_000_000_000n, 'full periods are 1 s long');
  assert.ok(last - prev > 0n && last - prev < 900_000_000n, `the last period covers ${last - prev} ns, less than a period`);
  const offMs = Number(last - stopNs) / 1e6;
  assert.ok(Math.abs(offMs) < 300, `the last period ends at the stop (${offMs} ms from it)`);
});

test('live with analyzer.align = "epoch": periods end on multiples of the period since 1970, the first one too', { skip }, async () => {
  const startNs = BigInt(Date.now()) * 1_000_000n;
  const netspot = spawn(process.execPath, [bin, 'run', '-d', 'lo', '-p', '300ms', '--align', 'epoch', '-v', '-s', 'TRAFFIC', '--miner.filter', 'tcp port 9'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const netspotExit = once(netspot, 'close');
  let netspotErr = '';
  netspot.stderr!.on('data', (d: Buffer) => (netspotErr += d.toString()));
  const out = collectLines(netspot);
  await out.first;
  const firstSeenNs = BigInt(Date.now()) * 1_000_000n;
  await new Promise((r) => setTimeout(r, 1000));
  netspot.kill('SIGINT');
  const [code] = (await netspotExit) as [number];
  assert.equal(code, 0, netspotErr);
  const times = out.lines.map((l) => BigInt(/^\{"time":(\d+)/.exec(l)![1]));
  assert.ok(times.length >= 4, out.lines.join('\n'));
  const p = 300_000_000n;
  // Every period but the last (cut by the stop) ends on the grid, one period after the other.
  for (const t of times.slice(0, -1)) assert.equal(t % p, 0n, `period end ${t} is a multiple of 300 ms`);
  for (let i = 1; i < times.length - 1; i++) assert.equal(times[i] - times[i - 1], p);
  // Periods close on the wall clock at their grid end: the first record came out right after it.
  assert.ok(times[0] > startNs, 'the first period ends after the start');
  const lateMs = Number(firstSeenNs - times[0]) / 1e6;
  assert.ok(lateMs >= 0 && lateMs < 1000, `the first record came ${lateMs} ms after its period's end`);
});
