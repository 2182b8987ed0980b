/**
 * Throughput of the whole analysis (`netspot run`'s code path: read, decode, count, ten
 * statistics with their detectors, 1 s periods, file output) against a minimal C libpcap loop
 * doing the same reading, parsing and counting:
 *   npm run bench:run [-- CAPTURE]      (default bench/data/mixed-5m.pcap, generated if absent)
 *   npm run bench:run -- --influxdb [CAPTURE]
 * The second form compares file output alone with file output plus the InfluxDB exporter
 * (data and alarms) writing to a private influxd (Debian's influxdb), runs alternating.
 * Each side runs three times as a fresh process (the first run warms the page cache); the best
 * run is reported with its peak RSS, next to the peak RSS on a capture five times smaller, to
 * show that memory does not grow with the capture.
 */
import { existsSync, mkdtempSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { statNames } from '../src/stats/index.js';
import { Influxd } from '../test/support/servers.js';

const influxMode = process.argv.includes('--influxdb');
const capture = process.argv.slice(2).find((a) => !a.startsWith('--')) ?? 'bench/data/mixed-5m.pcap';
const small = 'bench/data/mixed-1m.pcap';

function sh(cmd: string, args: string[]): { stdout: string; stderr: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.status}): ${r.stderr}`);
  return { stdout: r.stdout, stderr: r.stderr };
}

/** One `netspot run` as a user would start it (a fresh process): packets/s and peak RSS. */
function netspotRun(path: string, extra: string[] = []): { pps: number; rss: number; cpu: number; summary: string } {
  const out = mkdtempSync(join(tmpdir(), 'netspot-bench-'));
  const { stderr } = sh(process.execPath, [
    '--import', './dist/bench/report-rss.js', 'dist/src/cli/netspot.js', 'run', '-d', path,
    '-s', statNames.join(','), '-p', '1s', '-f', join(out, '%s.data.json'), '--exporter.file.alarm', join(out, '%s.alarms.json'),
    '--exporter.console.alarm', 'false', ...extra,
  ]);
  const rate = /([\d.]+) ([Mk])pkt\/s/.exec(stderr);
  const pps = Number(rate?.[1]) * (rate?.[2] === 'M' ? 1e6 : 1e3);
  const rss = Number(/peak RSS (\d+) MiB/.exec(stderr)?.[1]);
  const cpu = Number(/cpu ([\d.]+) s/.exec(stderr)?.[1]);
  return { pps, rss, cpu, summary: stderr.split('\n').filter((l) => l.startsWith('netspot:')).join(' | ') };
}

function main(): void {
  if (!existsSync(capture)) sh(process.execPath, ['dist/bench/gen-capture.js', '--out', capture]);
  if (!existsSync(small)) sh(process.execPath, ['dist/bench/gen-capture.js', '--packets', '1000000', '--duration', '60', '--out', small]);
  console.log(`capture ${capture}: ${(statSync(capture).size / 1e9).toFixed(2)} GB`);

  const smallRun = netspotRun(small);
  let best = { pps: 0, rss: 0, cpu: 0, summary: '' };
  for (let i = 1; i <= 3; i++) {
    const r = netspotRun(capture);
    console.log(`netspot run ${i}: ${r.summary} | peak RSS ${r.rss} MiB`);
    if (r.pps > best.pps) best = r;
  }

  let c = NaN;
  const cBin = 'bench/data/pcap-loop';
  if (spawnSync('gcc', ['-O2', '-o', cBin, 'bench/c/pcap-loop.c', '-lpcap'], { stdio: 'inherit' }).status === 0) {
    for (let i = 1; i <= 3; i++) {
      const line = sh(cBin, [capture]).stdout.split('\n')[0];
      console.log(`C loop run ${i}: ${line}`);
      const m = / ([\d.]+) Mpkt\/s/.exec(line);
      if (m !== null) c = Math.max(Number.isNaN(c) ? 0 : c, Number(m[1]) * 1e6);
    }
  } else console.log('C loop: gcc or libpcap-dev missing, skipped');

  console.log(
    `\nnetspot run (10 statistics, 1 s periods, file output): ${(best.pps / 1e6).toFixed(2)} Mpkt/s (best of 3), ` +
      `peak RSS ${best.rss} MiB (${smallRun.rss} MiB on a 1M-packet capture)\n` +
      `C libpcap loop: ${(c / 1e6).toFixed(2)} Mpkt/s; netspot at ${((best.pps / c) * 100).toFixed(0)}% of C`,
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
      const b = netspotRun(capture, influx);
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

if (influxMode) await influxComparison();
else main();
