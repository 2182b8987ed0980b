/**
 * Throughput of the whole analysis (`netspot run`'s code path: read, decode, count, the
 * statistics with their detectors, 1 s periods, file output) against a minimal C libpcap loop
 * doing the same reading, parsing and counting:
 *   npm run bench:run [-- CAPTURE] [--stats ten|all|A,B,...]
 *   npm run bench:run -- [CAPTURE] --compare N
 *   npm run bench:run -- [CAPTURE] --context N
 *   npm run bench:run -- [CAPTURE] --influxdb
 *   npm run bench:run -- [CAPTURE] --workers 1,2[,N...] [--runs K]
 * CAPTURE defaults to bench/data/mixed-5m.pcap (generated if absent); --stats to NetSpot's ten
 * statistics (`all`: every statistic, PERF included). Each side runs three times as a fresh
 * process (the first run warms the page cache); the best run is reported with its peak RSS,
 * next to the peak RSS on a capture five times smaller, to show that memory does not grow with
 * the capture. --compare N instead runs the ten and all statistics alternately N times each
 * (alternating cancels the drift of a shared machine's load) and reports every pair's ratio.
 * --context N does the same for the alarm context: analyzer.context_top 5 (the default)
 * against 0 (no per-packet top talkers), N alternating pairs.
 * --influxdb compares file output alone with file output plus the InfluxDB exporter (data and
 * alarms) writing to a private influxd (Debian's influxdb), runs alternating.
 * --workers runs `netspot run --workers N` for each N (default: 1 alone), each against the C
 * loop run right after it (K pairs, default 3), and reports the CPU time and the load average
 * (a shared machine): the best run against the best C loop, and the median of the pairs' ratios
 * (steadier when the machine's speed drifts between runs).
 */
import { existsSync, mkdtempSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { NETSPOT_STATS, statNames } from '../src/stats/index.js';
import { Influxd } from '../test/support/servers.js';

function parseArgs(argv: string[]): { capture: string; stats: string[]; compare: number; context: number; influxdb: boolean; workers: number[]; runs: number } {
  const out = { capture: 'bench/data/mixed-5m.pcap', stats: [...NETSPOT_STATS], compare: 0, context: 0, influxdb: false, workers: [1], runs: 3 };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--stats') out.stats = statList(argv[++i]);
    else if (argv[i] === '--workers') {
      out.workers = (argv[++i] ?? '').split(',').map(Number);
      if (out.workers.some((w) => !Number.isInteger(w) || w < 1)) throw new Error(`--workers: expected positive integers separated by commas, got ${argv[i]}`);
    }
    else if (argv[i] === '--runs') {
      out.runs = Number(argv[++i]);
      if (!Number.isInteger(out.runs) || out.runs < 1) throw new Error(`--runs: expected a positive integer, got ${argv[i]}`);
    } else if (argv[i] === '--influxdb') out.influxdb = true;
    else if (argv[i] === '--compare') {
      out.compare = Number(argv[++i]);
      if (!Number.isInteger(out.compare) || out.compare < 1) throw new Error(`--compare: expected a positive integer, got ${argv[i]}`);
    } else if (argv[i] === '--context') {
      out.context = Number(argv[++i]);
      if (!Number.isInteger(out.context) || out.context < 1) throw new Error(`--context: expected a positive integer, got ${argv[i]}`);
    } else if (argv[i].startsWith('--')) throw new Error(`unknown option ${argv[i]} (expected --stats, --compare, --context, --influxdb, --workers, --runs)`);
    else out.capture = argv[i];
  }
  return out;
}

function statList(arg: string | undefined): string[] {
  if (arg === 'ten') return [...NETSPOT_STATS];
  if (arg === 'all') return [...statNames];
  const names = (arg ?? '').split(',').filter((n) => n !== '');
  const unknown = names.filter((n) => !statNames.includes(n));
  if (names.length === 0 || unknown.length > 0) throw new Error(`--stats: expected ten, all or statistics among ${statNames.join(', ')}, got ${arg}`);
  return names;
}

const args = parseArgs(process.argv.slice(2));
const capture = args.capture;
const small = 'bench/data/mixed-1m.pcap';

function sh(cmd: string, args: string[]): { stdout: string; stderr: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.status}): ${r.stderr}`);
  return { stdout: r.stdout, stderr: r.stderr };
}

/** One `netspot run` as a user would start it (a fresh process): packets/s and peak RSS. */
function netspotRun(path: string, stats = args.stats, extra: string[] = []): { pps: number; rss: number; cpu: number; summary: string } {
  const out = mkdtempSync(join(tmpdir(), 'netspot-bench-'));
  const { stderr } = sh(process.execPath, [
    '--import', './dist/bench/report-rss.js', 'dist/src/cli/netspot.js', 'run', '-d', path,
    '-s', stats.join(','), '-p', '1s', '-f', join(out, '%s.data.json'), '--exporter.file.alarm', join(out, '%s.alarms.json'),
    '--exporter.console.alarm', 'false', ...extra,
  ]);
  // The summary says Mpkt/s, kpkt/s or pkt/s (a loaded machine can fall below 1 M).
  const rate = /([\d.]+) ([Mk]?)pkt\/s/.exec(stderr);
  const pps = Number(rate?.[1]) * (rate?.[2] === 'M' ? 1e6 : rate?.[2] === 'k' ? 1e3 : 1);
  const rss = Number(/peak RSS (\d+) MiB/.exec(stderr)?.[1]);
  const cpu = Number(/cpu ([\d.]+) s/.exec(stderr)?.[1]);
  return { pps, rss, cpu, summary: stderr.split('\n').filter((l) => l.startsWith('netspot:')).join(' | ') };
}

/**
 * Ten and all statistics alternately, `n` pairs: each pair's rates and ratios, by wall clock
 * (what `netspot run` reports) and by CPU time (user + system of the whole process, less
 * disturbed by the other processes of a shared machine).
 */
function compare(n: number): void {
  const ten = [...NETSPOT_STATS], all = [...statNames];
  alternate(n, ['ten', () => netspotRun(capture, ten)], ['all', () => netspotRun(capture, all)], `all (${all.length} statistics) vs NetSpot's ten`);
}

/** Alarm context (analyzer.context_top 5, the default) against none (0), alternately. */
function compareContext(n: number): void {
  alternate(
    n,
    ['no context', () => netspotRun(capture, args.stats, ['--analyzer.context_top', '0'])],
    ['context 5', () => netspotRun(capture, args.stats, ['--analyzer.context_top', '5'])],
    'context_top 5 vs 0',
  );
}

type Run = ReturnType<typeof netspotRun>;

/** `n` pairs of runs a then b; the rate of b relative to a, by wall clock and by CPU time. */
function alternate(n: number, [aName, runA]: [string, () => Run], [bName, runB]: [string, () => Run], title: string): void {
  runA(); // warms the page cache
  const wall: number[] = [], cpu: number[] = [];
  let cpuA = 0, cpuB = 0;
  for (let i = 1; i <= n; i++) {
    const a = runA(), b = runB();
    wall.push(b.pps / a.pps);
    cpu.push(a.cpu / b.cpu);
    cpuA += a.cpu;
    cpuB += b.cpu;
    console.log(
      `pair ${i}: ${aName} ${(a.pps / 1e6).toFixed(2)} Mpkt/s, ${a.cpu.toFixed(2)} s CPU; ${bName} ${(b.pps / 1e6).toFixed(2)} Mpkt/s, ${b.cpu.toFixed(2)} s CPU ` +
        `(peak RSS ${a.rss} / ${b.rss} MiB): ${bName} at ${pct(b.pps / a.pps)} by wall clock, ${pct(a.cpu / b.cpu)} by CPU time`,
    );
  }
  console.log(`\n${title}, ${n} alternating pairs:`);
  for (const [what, xs] of [['wall clock', wall], ['CPU time', cpu]] as const) {
    const s = [...xs].sort((x, y) => x - y);
    const median = (s[Math.floor((n - 1) / 2)] + s[Math.floor(n / 2)]) / 2;
    console.log(`  by ${what}: median ${pct(median)}, range ${pct(s[0])}-${pct(s[n - 1])}`);
  }
  // The sum over all pairs weighs every run by its length: steadier than a ratio's median.
  console.log(`  CPU time in total: ${aName} ${cpuA.toFixed(2)} s, ${bName} ${cpuB.toFixed(2)} s: ${bName} at ${pct(cpuA / cpuB)} of ${aName}'s rate`);
}

function pct(x: number): string {
  return `${(x * 100).toFixed(0)}%`;
}

function main(): void {
  if (!existsSync(capture)) sh(process.execPath, ['dist/bench/gen-capture.js', '--out', capture]);
  if (args.compare > 0) {
    compare(args.compare);
    return;
  }
  if (args.context > 0) {
    compareContext(args.context);
    return;
  }
  if (!existsSync(small)) sh(process.execPath, ['dist/bench/gen-capture.js', '--packets', '1000000', '--duration', '60', '--out', small]);
  console.log(`capture ${capture}: ${(statSync(capture).size / 1e9).toFixed(2)} GB`);

  const smallRun = netspotRun(small, args.stats, ['-w', String(Math.max(...args.workers))]);
  let c = NaN;
  const cBin = 'bench/data/pcap-loop';
  const haveC = spawnSync('gcc', ['-O2', '-o', cBin, 'bench/c/pcap-loop.c', '-lpcap'], { stdio: 'inherit' }).status === 0;
  if (!haveC) console.log('C loop: gcc or libpcap-dev missing, skipped');
  const cRun = (): number => {
    const line = sh(cBin, [capture]).stdout.split('\n')[0];
    console.log(`  C loop: ${line}`);
    const m = / ([\d.]+) Mpkt\/s/.exec(line);
    return m === null ? NaN : Number(m[1]) * 1e6;
  };
  const results: string[] = [];
  for (const w of args.workers) {
    let best = { pps: 0, rss: 0, cpu: 0, summary: '' };
    let bestC = 0;
    const ratios: number[] = [];
    for (let i = 1; i <= args.runs; i++) {
      const load = loadavg()[0].toFixed(1);
      const r = netspotRun(capture, args.stats, ['-w', String(w)]);
      console.log(`netspot run --workers ${w}, run ${i} (load average ${load}): ${r.summary} | peak RSS ${r.rss} MiB | cpu ${r.cpu} s`);
      if (r.pps > best.pps) best = r;
      if (haveC) {
        const pps = cRun();
        bestC = Math.max(bestC, pps);
        ratios.push(r.pps / pps);
      }
    }
    c = Math.max(Number.isNaN(c) ? 0 : c, bestC);
    const s = ratios.sort((x, y) => x - y), n = s.length;
    const pairs = n === 0 ? '' : `; pairs: median ${pct((s[Math.floor((n - 1) / 2)] + s[Math.floor(n / 2)]) / 2)}, range ${pct(s[0])}-${pct(s[n - 1])}`;
    results.push(
      `--workers ${w}: ${(best.pps / 1e6).toFixed(2)} Mpkt/s (best of ${args.runs}), CPU ${best.cpu.toFixed(2)} s, peak RSS ${best.rss} MiB; ` +
        `C loop beside it ${(bestC / 1e6).toFixed(2)} Mpkt/s: netspot at ${pct(best.pps / bestC)} of C${pairs}`,
    );
  }
  console.log(
    `\nnetspot run (${args.stats.length} statistics, 1 s periods, file output), capture ${capture}, load average now ${loadavg().map((x) => x.toFixed(1)).join(' ')}:\n` +
      results.map((r) => `  ${r}`).join('\n') +
      `\n  peak RSS on a 1M-packet capture (--workers ${Math.max(...args.workers)}): ${smallRun.rss} MiB; best C loop ${(c / 1e6).toFixed(2)} Mpkt/s`,
  );
}

/** File output alone against file output plus InfluxDB, alternating, best of 5 each. */
async function influxComparison(): Promise<void> {
  if (!existsSync(capture)) sh(process.execPath, ['dist/bench/gen-capture.js', '--out', capture]);
  const db = await Influxd.start();
  try {
    const influx = ['--exporter.influxdb.data', 'true', '--exporter.influxdb.alarm', 'true', '--exporter.influxdb.address', db.url, '--exporter.influxdb.database', 'bench'];
    let fileOnly = 0;
    let withInflux = 0;
    let cpuFile = Infinity;
    let cpuInflux = Infinity;
    netspotRun(capture); // page cache
    for (let i = 1; i <= 5; i++) {
      const a = netspotRun(capture);
      const b = netspotRun(capture, args.stats, influx);
      console.log(
        `run ${i}: file only ${(a.pps / 1e6).toFixed(2)} Mpkt/s, cpu ${a.cpu} s | file + influxdb ${(b.pps / 1e6).toFixed(2)} Mpkt/s, ` +
          `cpu ${b.cpu} s (${b.summary.split(' | ').pop()})`,
      );
      fileOnly = Math.max(fileOnly, a.pps);
      withInflux = Math.max(withInflux, b.pps);
      cpuFile = Math.min(cpuFile, a.cpu);
      cpuInflux = Math.min(cpuInflux, b.cpu);
    }
    console.log(
      `\nnetspot run (10 statistics, 1 s periods): file only ${(fileOnly / 1e6).toFixed(2)} Mpkt/s, ` +
        `file + InfluxDB ${(withInflux / 1e6).toFixed(2)} Mpkt/s (best of 5 each): ${((withInflux / fileOnly) * 100).toFixed(0)}%\n` +
        `CPU time of the netspot process (least of 5): file only ${cpuFile.toFixed(2)} s, file + InfluxDB ${cpuInflux.toFixed(2)} s ` +
        `(${((cpuFile / cpuInflux) * 100).toFixed(0)}% as fast)`,
    );
  } finally {
    await db.cleanup();
  }
}

if (args.influxdb) await influxComparison();
else main();
