/**
 * Throughput of the whole analysis (`netspot run`'s code path: read, decode, count, ten
 * statistics with their detectors, 1 s periods, file output) against a minimal C libpcap loop
 * doing the same reading, parsing and counting:
 *   npm run bench:run [-- CAPTURE]      (default bench/data/mixed-5m.pcap, generated if absent)
 * Each side runs three times as a fresh process (the first run warms the page cache); the best
 * run is reported with its peak RSS, next to the peak RSS on a capture five times smaller, to
 * show that memory does not grow with the capture.
 */
import { existsSync, mkdtempSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { statNames } from '../src/stats/index.js';

const capture = process.argv[2] ?? 'bench/data/mixed-5m.pcap';
const small = 'bench/data/mixed-1m.pcap';

function sh(cmd: string, args: string[]): { stdout: string; stderr: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.status}): ${r.stderr}`);
  return { stdout: r.stdout, stderr: r.stderr };
}

/** One `netspot run` as a user would start it (a fresh process): packets/s and peak RSS. */
function netspotRun(path: string): { pps: number; rss: number; summary: string } {
  const out = mkdtempSync(join(tmpdir(), 'netspot-bench-'));
  const { stderr } = sh(process.execPath, [
    '--import', './dist/bench/report-rss.js', 'dist/src/cli/netspot.js', 'run', '-d', path,
    '-s', statNames.join(','), '-p', '1s', '-f', join(out, '%s.data.json'), '--exporter.file.alarm', join(out, '%s.alarms.json'),
    '--exporter.console.alarm', 'false',
  ]);
  // The summary says Mpkt/s, kpkt/s or pkt/s (a loaded machine can fall below 1 M).
  const rate = /([\d.]+) ([Mk]?)pkt\/s/.exec(stderr);
  const pps = Number(rate?.[1]) * (rate?.[2] === 'M' ? 1e6 : rate?.[2] === 'k' ? 1e3 : 1);
  const rss = Number(/peak RSS (\d+) MiB/.exec(stderr)?.[1]);
  return { pps, rss, summary: stderr.split('\n').filter((l) => l.startsWith('netspot:')).join(' | ') };
}

function main(): void {
  if (!existsSync(capture)) sh(process.execPath, ['dist/bench/gen-capture.js', '--out', capture]);
  if (!existsSync(small)) sh(process.execPath, ['dist/bench/gen-capture.js', '--packets', '1000000', '--duration', '60', '--out', small]);
  console.log(`capture ${capture}: ${(statSync(capture).size / 1e9).toFixed(2)} GB`);

  const smallRun = netspotRun(small);
  let best = { pps: 0, rss: 0, summary: '' };
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

main();
