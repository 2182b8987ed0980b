/**
 * Responsiveness of the API while the pipeline works at full speed, and what serving costs:
 *   npm run bench:server [-- --seconds 15 --connections 10 --capture bench/data/mixed-5m.pcap]
 *
 * The server runs in this process, like `netspot serve`; autocannon runs in a child process
 * (its own core) and hammers GET /api/status. Three phases of `seconds` each:
 *   1. idle server under load: latency baseline;
 *   2. pipeline alone: the capture analysed again and again (all ten statistics, 1s periods,
 *      file output), packets per second;
 *   3. both at once, autocannon as fast as it can: latency and packets per second (worst case);
 *   4. both at once, a paced client at 100 requests per second: latency and the usual cost.
 * The capture is bench/data/mixed-5m.pcap (made by bench/gen-capture.ts when missing).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { defaultConfig } from '../src/config/load.js';
import { NETSPOT_STATS } from '../src/stats/index.js';
import { parseEndpoint, startServer, type RunningServer } from '../src/server/index.js';

interface Args {
  seconds: number;
  connections: number;
  capture: string;
}

const root = fileURLToPath(new URL('../../', import.meta.url));

function parseArgs(argv: string[]): Args {
  const a: Args = { seconds: 15, connections: 10, capture: join(root, 'bench/data/mixed-5m.pcap') };
  for (let i = 0; i < argv.length; i += 2) {
    const k = argv[i].replace(/^--/, '');
    if (k === 'capture') a.capture = argv[i + 1];
    else if (k === 'seconds' || k === 'connections') a[k] = Number(argv[i + 1]);
    else throw new Error(`unknown option ${argv[i]} (expected --seconds, --connections, --capture)`);
  }
  return a;
}

interface Load {
  p50: number;
  p90: number;
  p99: number;
  max: number;
  requests: number;
  rps: number;
  errors: number;
  non2xx: number;
}

/** Runs autocannon against `url` for `seconds` in a child process. */
function loadFor(url: string, seconds: number, connections: number): Promise<Load> {
  const bin = createRequire(import.meta.url).resolve('autocannon/autocannon.js');
  const child = spawn(process.execPath, [bin, '-c', String(connections), '-d', String(seconds), '-j', '-n', url], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (c: string) => (out += c));
  return new Promise((resolve, reject) => {
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`autocannon exited with ${code}`));
      const r = JSON.parse(out);
      resolve({
        p50: r.latency.p50, p90: r.latency.p90, p99: r.latency.p99, max: r.latency.max,
        requests: r.requests.total, rps: r.requests.average, errors: r.errors, non2xx: r.non2xx,
      });
    });
  });
}

/**
 * A paced client in a child process: one GET every 10 ms on its own schedule (100 req/s, like
 * a few dashboards and scrapers), each request's latency recorded (no coordinated omission:
 * requests are sent on time even while earlier ones wait).
 */
const PACED_CLIENT = `
const [url, seconds] = process.argv.slice(1);
const lat = []; let errors = 0; const t0 = performance.now(); let n = 0;
const pending = [];
const tick = () => {
  const due = t0 + n * 10; n++;
  const start = performance.now();
  pending.push(fetch(url).then(async (r) => { await r.arrayBuffer(); if (!r.ok) errors++; lat.push(performance.now() - Math.min(start, due)); }, () => errors++));
  if (performance.now() - t0 < seconds * 1000) setTimeout(tick, Math.max(0, t0 + n * 10 - performance.now()));
  else Promise.all(pending).then(() => {
    lat.sort((a, b) => a - b);
    const q = (p) => lat[Math.min(lat.length - 1, Math.floor(p * lat.length))];
    process.stdout.write(JSON.stringify({ p50: q(0.5), p90: q(0.9), p99: q(0.99), max: lat[lat.length - 1], requests: lat.length, rps: lat.length / seconds, errors, non2xx: 0 }));
  });
};
tick();
`;

function pacedFor(url: string, seconds: number): Promise<Load> {
  const child = spawn(process.execPath, ['-e', PACED_CLIENT, url, String(seconds)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (c: string) => (out += c));
  return new Promise((resolve, reject) => {
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as Load) : reject(new Error(`paced client exited with ${code}`))));
  });
}

/** Analyses the capture again and again for `seconds` (the last run is stopped on time). */
async function pipelineFor(server: RunningServer, seconds: number): Promise<{ pps: number; runs: number; packets: number }> {
  const ctl = server.controller;
  const until = performance.now() + seconds * 1000;
  const timer = setTimeout(() => void ctl.stop(), seconds * 1000);
  let packets = 0;
  let busy = 0;
  let runs = 0;
  while (performance.now() < until) {
    const t0 = performance.now();
    await ctl.start();
    while (ctl.isRunning) await new Promise((r) => setTimeout(r, 5));
    busy += performance.now() - t0;
    packets += ctl.status().packets;
    runs++;
  }
  clearTimeout(timer);
  return { pps: packets / (busy / 1000), runs, packets };
}

function ms(v: number): string {
  return `${v.toFixed(1)} ms`;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (!existsSync(args.capture)) {
    process.stderr.write(`generating ${args.capture} (5M packets)...\n`);
    const r = spawnSync(process.execPath, [join(root, 'dist/bench/gen-capture.js'), '--out', args.capture], { stdio: 'inherit' });
    if (r.status !== 0) throw new Error('capture generation failed');
  }
  const out = mkdtempSync(join(tmpdir(), 'netspot-bench-'));
  const cfg = defaultConfig();
  cfg.miner.device = args.capture;
  cfg.analyzer.stats = [...NETSPOT_STATS];
  cfg.analyzer.period = '1s';
  cfg.exporter.console.alarm = false;
  cfg.exporter.file.data = join(out, '%s.data.json');
  const server = await startServer({ endpoint: parseEndpoint('tcp://127.0.0.1:0'), config: cfg });
  const url = `http://127.0.0.1:${(server.endpoint as { port: number }).port}/api/status`;
  const s = args.seconds;
  process.stderr.write(`capture ${args.capture}, ${s} s per phase, ${args.connections} connections\n`);
  try {
    const idle = await loadFor(url, s, args.connections);
    process.stderr.write(`1. idle server:      p50 ${ms(idle.p50)}  p99 ${ms(idle.p99)}  max ${ms(idle.max)}  ${idle.rps.toFixed(0)} req/s\n`);
    await pipelineFor(server, 2); // warm-up (JIT, page cache)
    const alone = await pipelineFor(server, s);
    process.stderr.write(`2. pipeline alone:   ${(alone.pps / 1e6).toFixed(2)} M pkt/s (${alone.runs} runs)\n`);
    const [busy, loaded] = await Promise.all([loadFor(url, s, args.connections), pipelineFor(server, s)]);
    process.stderr.write(`3. pipeline + load:  p50 ${ms(busy.p50)}  p99 ${ms(busy.p99)}  max ${ms(busy.max)}  ${busy.rps.toFixed(0)} req/s, ` +
      `${(loaded.pps / 1e6).toFixed(2)} M pkt/s (${loaded.runs} runs)\n`);
    const [paced, pacedRun] = await Promise.all([pacedFor(url, s), pipelineFor(server, s)]);
    process.stderr.write(`4. pipeline + 100 req/s: p50 ${ms(paced.p50)}  p99 ${ms(paced.p99)}  max ${ms(paced.max)}, ` +
      `${(pacedRun.pps / 1e6).toFixed(2)} M pkt/s (${pacedRun.runs} runs)\n`);
    const cost = 1 - loaded.pps / alone.pps;
    const pacedCost = 1 - pacedRun.pps / alone.pps;
    const result = {
      capture: args.capture, secondsPerPhase: s, connections: args.connections,
      idle, pipelineAlone: alone, underLoad: { latency: busy, pipeline: loaded }, throughputCost: cost,
      at100rps: { latency: paced, pipeline: pacedRun }, throughputCostAt100rps: pacedCost,
      errors: idle.errors + busy.errors + paced.errors + idle.non2xx + busy.non2xx + paced.non2xx,
    };
    process.stdout.write(JSON.stringify(result, null, 2) + '\n');
    process.stderr.write(`throughput cost of serving: ${(cost * 100).toFixed(1)}% at full load, ${(pacedCost * 100).toFixed(1)}% at 100 req/s; p99 under load ${busy.p99 < 50 ? 'meets' : 'MISSES'} the 50 ms target\n`);
  } finally {
    await server.close();
    rmSync(out, { recursive: true, force: true });
  }
}

main().catch((err: Error) => {
  process.stderr.write(`bench:server: ${err.message}\n`);
  process.exitCode = 1;
});
