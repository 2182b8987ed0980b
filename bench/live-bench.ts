/**
 * Live capture throughput: replays a capture with tcpreplay onto a veth pair at increasing
 * rates and captures it on the other end with LiveSource doing a minimal per-packet walk.
 * Reports, per rate: packets sent, captured, libpcap's received/dropped, CPU used; then the
 * highest rate with zero drops.
 *
 * Both veth ends live in network namespaces this benchmark creates (sender and capturer),
 * so the replayed packets, whatever their addresses, never leave them. Needs root,
 * iproute2, tcpreplay and the native binding.
 *
 *   npm run bench:live [-- --rates 100000,500000,0 --seconds 3 --senders 2 --buffer-mib 32
 *                        --busy-ns 0 --pcap FILE --netspot --workers 1,2]   (rate 0 = tcpreplay --topspeed)
 *
 * --netspot measures the whole `netspot run -d IFACE` (all statistics, 1 s periods, file
 * output) instead of the minimal walk, one run per rate. --workers N,M (implies --netspot)
 * does so for each `-w N` (live capture threads in a PACKET_FANOUT group; the alarm context
 * off for every N, as workers need) and reports each N's highest rate with zero drops.
 */
import { execFileSync, spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdirSync, openSync, writeSync, closeSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { openLiveSource } from '../src/source/live-source.js';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = join(here, '..', '..');
const dataDir = join(repoRoot, 'bench', 'data');

interface Mark {
  packets: number;
  ipv4: number;
  /** Wire bytes of the captured packets. */
  bytes: number;
  received: number;
  dropped: number;
  cpuUs: number;
  wallMs: number;
}

// ---------------------------------------------------------------- capture side (child)

/** Runs inside the capture namespace: captures, answers "mark" with counters, "quit" ends. */
async function captureChild(device: string, bufferMiB: number, busyNsPerPacket: number): Promise<void> {
  const workPerNs = busyNsPerPacket > 0 ? calibrateWork() : 0;
  let sink = 0;
  const source = await openLiveSource({ device, bufferSize: bufferMiB * 1024 * 1024, promiscuous: true });
  let packets = 0;
  let ipv4 = 0;
  let bytes = 0;
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const mark = (): Mark => {
    const s = source.stats();
    const cpu = process.cpuUsage(cpu0);
    return { packets, ipv4, bytes, received: s.received, dropped: s.dropped, cpuUs: cpu.user + cpu.system, wallMs: performance.now() - t0 };
  };
  createInterface({ input: process.stdin }).on('line', (line) => {
    if (line === 'mark') process.stdout.write(JSON.stringify(mark()) + '\n');
    if (line === 'quit') void source.close();
  });
  process.stdout.write('ready\n');
  for (;;) {
    const batch = await source.next();
    if (batch === null) break;
    // The minimal walk: read each packet's EtherType and count IPv4 (no allocation).
    const d = batch.data;
    for (let i = 0; i < batch.count; i++) {
      const at = batch.offset[i];
      if (d[at + 12] === 0x08 && d[at + 13] === 0x00) ipv4++;
      bytes += batch.wirelen[i];
    }
    packets += batch.count;
    // Optional stand-in for heavier per-packet work (decoding, counters): CPU work, not
    // wall-clock spinning, which would count time the thread spends descheduled.
    if (busyNsPerPacket > 0) sink ^= work(Math.round(batch.count * busyNsPerPacket * workPerNs));
  }
  if (sink === 0.5) console.error(sink); // keeps the work observable
  process.exit(0);
}

/** A CPU-bound loop of `n` steps (xorshift). */
function work(n: number): number {
  let x = 2463534242;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
  }
  return x;
}

/** Steps of work() per nanosecond of CPU on this machine. */
function calibrateWork(): number {
  work(1e6);
  const c0 = process.cpuUsage();
  let sink = 0;
  const steps = 5e7;
  sink ^= work(steps);
  const c = process.cpuUsage(c0);
  return sink === 0.5 ? 1 : steps / ((c.user + c.system) * 1000);
}

// ---------------------------------------------------------------- set-up

function sh(cmd: string, args: string[], quiet = false): string {
  return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', quiet ? 'ignore' : 'pipe'] });
}

function tryQuiet(fn: () => void): void {
  try {
    fn();
  } catch {
    // nothing to remove
  }
}

/** Writes a small mixed capture (Ethernet/IPv4 TCP, UDP, ICMP) when no bench capture exists. */
function generateCapture(path: string, packets: number): void {
  const fd = openSync(path, 'w');
  const header = Buffer.alloc(24);
  header.writeUInt32LE(0xa1b2c3d4, 0);
  header.writeUInt16LE(2, 4);
  header.writeUInt16LE(4, 6);
  header.writeUInt32LE(65535, 16);
  header.writeUInt32LE(1, 20);
  writeSync(fd, header);
  const chunk: Buffer[] = [];
  for (let i = 0; i < packets; i++) {
    const kind = i % 10; // 6 TCP, 3 UDP, 1 ICMP
    const proto = kind < 6 ? 6 : kind < 9 ? 17 : 1;
    const l4 = proto === 6 ? 20 : 8;
    const payload = (i * 37) % 400;
    const len = 14 + 20 + l4 + payload;
    const p = Buffer.alloc(16 + len);
    p.writeUInt32LE(1700000000 + Math.floor(i / 100000), 0);
    p.writeUInt32LE((i % 100000) * 10, 4);
    p.writeUInt32LE(len, 8);
    p.writeUInt32LE(len, 12);
    const e = 16;
    p.set([0x02, 0, 0, 0, 0, 2, 0x02, 0, 0, 0, 0, 1, 0x08, 0x00], e);
    const ip = e + 14;
    p[ip] = 0x45;
    p.writeUInt16BE(20 + l4 + payload, ip + 2);
    p[ip + 8] = 64;
    p[ip + 9] = proto;
    p.writeUInt32BE(0xc6120000 + (i % 250) + 1, ip + 12); // 198.18.0.x
    p.writeUInt32BE(0xc6130000 + ((i * 7) % 250) + 1, ip + 16); // 198.19.0.x
    const t = ip + 20;
    if (proto === 6) {
      p.writeUInt16BE(1024 + (i % 5000), t);
      p.writeUInt16BE(80, t + 2);
      p[t + 12] = 0x50;
      p[t + 13] = i % 50 === 0 ? 0x02 : 0x10;
    } else if (proto === 17) {
      p.writeUInt16BE(1024 + (i % 5000), t);
      p.writeUInt16BE(53, t + 2);
      p.writeUInt16BE(8 + payload, t + 4);
    } else {
      p[t] = 8;
    }
    chunk.push(p);
    if (chunk.length === 10000) writeSync(fd, Buffer.concat(chunk.splice(0)));
  }
  if (chunk.length) writeSync(fd, Buffer.concat(chunk));
  closeSync(fd);
}

/** The replayed capture: a 1M-packet slice of the offline benchmark capture, or a generated one. */
function benchCapture(explicit: string | undefined): string {
  if (explicit) return explicit;
  mkdirSync(dataDir, { recursive: true });
  const slice = join(dataDir, 'live-replay.pcap');
  if (existsSync(slice)) return slice;
  const big = join(dataDir, 'mixed-5m.pcap');
  if (existsSync(big) && spawnSync('tcpdump', ['--version']).status === 0) {
    console.error(`slicing the first 1M packets of ${big} into ${slice}`);
    sh('tcpdump', ['-r', big, '-c', '1000000', '-w', slice], true);
  } else {
    console.error(`no bench capture (npm run bench:gen makes one); generating ${slice}`);
    generateCapture(slice, 1_000_000);
  }
  return slice;
}

interface Link {
  sendNs: string;
  capNs: string;
  sendIf: string;
  capIf: string;
  destroy(): void;
}

function createLink(): Link {
  const id = process.pid % 10000;
  const sendNs = `netspot-lbs${id}`;
  const capNs = `netspot-lbc${id}`;
  const sendIf = `lbs${id}`;
  const capIf = `lbc${id}`;
  const destroy = (): void => {
    tryQuiet(() => sh('ip', ['netns', 'del', sendNs], true));
    tryQuiet(() => sh('ip', ['netns', 'del', capNs], true));
  };
  destroy();
  sh('ip', ['netns', 'add', sendNs]);
  sh('ip', ['netns', 'add', capNs]);
  sh('ip', ['link', 'add', sendIf, 'netns', sendNs, 'type', 'veth', 'peer', 'name', capIf, 'netns', capNs]);
  for (const [ns, ifc] of [[sendNs, sendIf], [capNs, capIf]]) {
    sh('ip', ['netns', 'exec', ns, 'sh', '-c', `echo 1 > /proc/sys/net/ipv6/conf/${ifc}/disable_ipv6 || true`]);
    sh('ip', ['-n', ns, 'link', 'set', ifc, 'mtu', '9000', 'up']);
  }
  return { sendNs, capNs, sendIf, capIf, destroy };
}

// ---------------------------------------------------------------- driver (parent)

class CaptureProcess {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly lines: string[] = [];
  private waiters: Array<(line: string) => void> = [];

  constructor(link: Link, bufferMiB: number, busyNs: number) {
    this.child = spawn('ip', [
      'netns', 'exec', link.capNs, process.execPath, fileURLToPath(import.meta.url),
      '--capture', link.capIf, '--buffer-mib', String(bufferMiB), '--busy-ns', String(busyNs),
    ]);
    this.child.stderr.pipe(process.stderr);
    createInterface({ input: this.child.stdout }).on('line', (line) => {
      const w = this.waiters.shift();
      if (w) w(line);
      else this.lines.push(line);
    });
  }

  line(): Promise<string> {
    const l = this.lines.shift();
    if (l !== undefined) return Promise.resolve(l);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  async mark(): Promise<Mark> {
    this.child.stdin.write('mark\n');
    return JSON.parse(await this.line()) as Mark;
  }

  async quit(): Promise<void> {
    this.child.stdin.write('quit\n');
    await new Promise((resolve) => this.child.on('close', resolve));
  }
}

interface Row {
  rate: number;
  sent: number;
  achievedPps: number;
  captured: number;
  received: number;
  dropped: number;
  cpuPercent: number;
}

/** One tcpreplay run; resolves with the packets it sent and its own rate. */
function replayOnce(link: Link, pcap: string, rate: number, count: number): Promise<{ sent: number; pps: number }> {
  const args = ['netns', 'exec', link.sendNs, 'tcpreplay', '-i', link.sendIf, '--preload-pcap', '--limit', String(count), '--loop', '0'];
  if (rate > 0) args.push(`--pps=${rate}`);
  else args.push('--topspeed');
  args.push(pcap);
  return new Promise((resolve, reject) => {
    const child = spawn('ip', args);
    let text = '';
    child.stdout.on('data', (b: Buffer) => (text += b.toString()));
    child.stderr.on('data', (b: Buffer) => (text += b.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`tcpreplay failed: ${text}`));
      const sent = Number(text.match(/Actual: (\d+) packets/)?.[1] ?? NaN);
      const pps = Number(text.match(/Rated: [\d.]+ Bps, [\d.]+ Mbps, ([\d.]+) pps/)?.[1] ?? NaN);
      const failed = Number(text.match(/Failed packets:\s+(\d+)/)?.[1] ?? 0);
      resolve({ sent: sent - failed, pps });
    });
  });
}

/**
 * Replays `count` packets at `rate` (0: as fast as possible) split over `senders` parallel
 * tcpreplay processes: one tcpreplay tops out near 400k pkt/s on this machine.
 */
async function replay(link: Link, pcap: string, rate: number, count: number, senders: number): Promise<{ sent: number; pps: number }> {
  const runs = await Promise.all(
    Array.from({ length: senders }, () => replayOnce(link, pcap, rate / senders, Math.round(count / senders))),
  );
  return runs.reduce((a, r) => ({ sent: a.sent + r.sent, pps: a.pps + r.pps }), { sent: 0, pps: 0 });
}

async function settle(cap: CaptureProcess, before: Mark, sent: number): Promise<Mark> {
  let last = await cap.mark();
  for (let stable = 0; stable < 3; ) {
    await new Promise((r) => setTimeout(r, 100));
    const now = await cap.mark();
    if (now.packets - before.packets + (now.dropped - before.dropped) >= sent) return now;
    stable = now.packets === last.packets ? stable + 1 : 0;
    last = now;
  }
  return last;
}

/** The highest rate a run reached with zero drops and every packet captured. */
function bestClean(rows: readonly Row[]): number {
  return rows.filter((r) => r.dropped === 0 && r.captured === r.sent).reduce((m, r) => Math.max(m, r.achievedPps), 0);
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
}

const ALL_STATS = 'AVG_PKT_SIZE,PERF,R_ACK,R_ARP,R_DST_SRC,R_DST_SRC_PORT,R_ICMP,R_IP,R_SYN,TRAFFIC';

/** utime + stime of a process, in seconds. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // USER_HZ is 100 on Linux
}

/**
 * The whole analysis instead of the minimal walk: one `netspot run -d IFACE` per rate with
 * all ten statistics, 1 s periods and file output; packets and drops from its summary.
 */
async function netspotRow(link: Link, pcap: string, rate: number, count: number, senders: number, bufferMiB: number, workers?: number): Promise<Row> {
  const cli = join(repoRoot, 'dist', 'src', 'cli', 'netspot.js');
  const out = join(tmpdir(), `netspot-live-bench-${process.pid}-%s.json`);
  const child = spawn('ip', [
    'netns', 'exec', link.capNs, process.execPath, cli, 'run', '-d', link.capIf, '-p', '1s', '-s', ALL_STATS,
    '-f', out, '--miner.buffer_size', String(bufferMiB * 1024 * 1024),
    ...(workers === undefined ? [] : ['-w', String(workers)]),
  ], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  const exited = new Promise((resolve) => child.on('close', resolve));
  await new Promise((r) => setTimeout(r, workers === undefined ? 1000 : 2000)); // start-up and capture(s) opened
  const pid = child.pid!;
  const cpu0 = cpuSeconds(pid);
  const t0 = performance.now();
  const { sent, pps } = await replay(link, pcap, rate, count, senders);
  await new Promise((r) => setTimeout(r, 300));
  const cpu1 = cpuSeconds(pid);
  const t1 = performance.now();
  child.kill('SIGINT');
  await exited;
  rmSync(out.replace('%s', link.capIf), { force: true });
  const packets = Number(stderr.match(/: (\d+) packets/)?.[1] ?? NaN);
  const dropped = Number(stderr.match(/(\d+) dropped by the capture/)?.[1] ?? 0);
  if (Number.isNaN(packets)) throw new Error(`netspot printed no summary:\n${stderr}`);
  return {
    rate,
    sent,
    achievedPps: pps,
    captured: packets,
    received: packets + dropped,
    dropped,
    cpuPercent: (100 * (cpu1 - cpu0)) / ((t1 - t0) / 1000),
  };
}

async function main(): Promise<void> {
  const capDev = arg('--capture');
  const bufferMiB = Number(arg('--buffer-mib') ?? 32);
  const busyNs = Number(arg('--busy-ns') ?? 0);
  if (capDev) return captureChild(capDev, bufferMiB, busyNs);

  if (process.getuid?.() !== 0) throw new Error('the live benchmark needs root (network namespaces, raw capture)');
  for (const tool of ['ip', 'tcpreplay']) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) throw new Error(`${tool} is required`);
  }
  const seconds = Number(arg('--seconds') ?? 3);
  const senders = Number(arg('--senders') ?? 2);
  const rates = (arg('--rates') ?? '100000,250000,500000,750000,1000000,1500000,0').split(',').map(Number);
  const pcap = benchCapture(arg('--pcap'));
  const link = createLink();
  const rows: Row[] = [];
  const perWorkers: Array<{ workers: number; best: number }> = [];
  const workerList = arg('--workers')?.split(',').map(Number);
  const netspot = process.argv.includes('--netspot') || workerList !== undefined;
  const report = (row: Row): void => {
    rows.push(row);
    console.log(
      `${row.rate ? `${row.rate} pkt/s` : 'top speed'}: sent ${row.sent} (tcpreplay ${Math.round(row.achievedPps)} pkt/s), ` +
        `captured ${row.captured}, received ${row.received}, dropped ${row.dropped}, CPU ${row.cpuPercent.toFixed(0)}% of a core`,
    );
  };
  try {
    if (workerList !== undefined) {
      for (const n of workerList) {
        console.log(`-- netspot run -w ${n}`);
        const from = rows.length;
        for (const rate of rates) {
          const count = Math.max(100_000, Math.round((rate || 1_500_000) * seconds));
          report(await netspotRow(link, pcap, rate, count, senders, bufferMiB, n));
        }
        perWorkers.push({ workers: n, best: bestClean(rows.slice(from)) });
      }
    } else if (netspot) {
      for (const rate of rates) {
        const count = Math.max(100_000, Math.round((rate || 1_500_000) * seconds));
        report(await netspotRow(link, pcap, rate, count, senders, bufferMiB));
      }
    } else {
      const cap = new CaptureProcess(link, bufferMiB, busyNs);
      if ((await cap.line()) !== 'ready') throw new Error('the capture process did not start');
      for (const rate of rates) {
        const count = Math.max(100_000, Math.round((rate || 1_500_000) * seconds));
        const before = await cap.mark();
        const { sent, pps } = await replay(link, pcap, rate, count, senders);
        const after = await settle(cap, before, sent);
        report({
          rate,
          sent,
          achievedPps: pps,
          captured: after.packets - before.packets,
          received: after.received - before.received,
          dropped: after.dropped - before.dropped,
          cpuPercent: (100 * (after.cpuUs - before.cpuUs)) / 1000 / (after.wallMs - before.wallMs),
        });
      }
      await cap.quit();
    }
  } finally {
    link.destroy();
  }
  for (const { workers, best } of perWorkers) {
    console.log(`\n-w ${workers}: highest replay rate with zero drops and every packet captured: ${Math.round(best)} pkt/s`);
  }
  if (workerList === undefined) console.log(`\nhighest replay rate with zero drops and every packet captured: ${Math.round(bestClean(rows))} pkt/s`);
  console.log(`load average (1, 5, 15 min) at the end: ${loadavg().map((l) => l.toFixed(2)).join(', ')}`);
  console.log(JSON.stringify({ pcap, mode: netspot ? 'netspot run' : 'minimal walk', bufferMiB, senders, seconds, busyNsPerPacket: busyNs, perWorkers, rows }, null, 1));
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
