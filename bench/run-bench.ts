/**
 * Throughput of the whole analysis (`netspot run`'s code path: read, decode, count, ten
 * statistics with their detectors, 1 s periods, file output) against a minimal C libpcap loop
 * doing the same reading, parsing and counting:
 *   npm run bench:run [-- CAPTURE]      (default bench/data/mixed-5m.pcap, generated if absent)
 * Each side runs three times (the first warms the page cache); the best run is reported, with
 * the peak RSS of this process and that of a run on a capture five times smaller, to show that
 * memory does not grow with the capture.
 */
import { existsSync, mkdtempSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config/load.js';
import { Session } from '../src/pipeline/session.js';
import { statNames } from '../src/stats/index.js';

const capture = process.argv[2] ?? 'bench/data/mixed-5m.pcap';
const small = 'bench/data/mixed-1m.pcap';

function sh(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.status})`);
  return r.stdout;
}

async function analyse(path: string): Promise<{ packets: number; seconds: number; periods: number }> {
  const out = mkdtempSync(join(tmpdir(), 'netspot-bench-'));
  const cfg = await loadConfig({
    overrides: [
      ['miner.device', path], ['analyzer.stats', [...statNames]], ['analyzer.period', '1s'],
      ['exporter.file.data', join(out, '%s.data.json')], ['exporter.file.alarm', join(out, '%s.alarms.json')],
      ['exporter.console.alarm', false],
    ],
  });
  const t0 = process.hrtime.bigint();
  const session = await Session.open(cfg);
  const st = await session.run();
  return { packets: st.packets, periods: st.periods, seconds: Number(process.hrtime.bigint() - t0) / 1e9 };
}

async function main(): Promise<void> {
  if (!existsSync(capture)) sh(process.execPath, ['dist/bench/gen-capture.js', '--out', capture]);
  if (!existsSync(small)) sh(process.execPath, ['dist/bench/gen-capture.js', '--packets', '1000000', '--duration', '60', '--out', small]);
  const size = statSync(capture).size;
  console.log(`capture ${capture}: ${(size / 1e9).toFixed(2)} GB`);

  await analyse(small);
  const smallRss = process.resourceUsage().maxRSS / 1024;
  let best = Infinity;
  let packets = 0;
  for (let i = 1; i <= 3; i++) {
    const r = await analyse(capture);
    packets = r.packets;
    best = Math.min(best, r.seconds);
    console.log(`netspot run ${i}: ${r.packets} packets, ${r.periods} periods in ${r.seconds.toFixed(2)} s: ${(r.packets / r.seconds / 1e6).toFixed(2)} Mpkt/s`);
  }
  const rss = process.resourceUsage().maxRSS / 1024;
  const ts = packets / best;

  let c = NaN;
  const cBin = 'bench/data/pcap-loop';
  if (spawnSync('gcc', ['-O2', '-o', cBin, 'bench/c/pcap-loop.c', '-lpcap'], { stdio: 'inherit' }).status === 0) {
    for (let i = 1; i <= 3; i++) {
      const line = sh(cBin, [capture]).split('\n')[0];
      console.log(`C loop run ${i}: ${line}`);
      const m = / ([\d.]+) Mpkt\/s/.exec(line);
      if (m !== null) c = Math.max(Number.isNaN(c) ? 0 : c, Number(m[1]) * 1e6);
    }
  } else console.log('C loop: gcc or libpcap-dev missing, skipped');

  console.log(
    `\nnetspot: ${(ts / 1e6).toFixed(2)} Mpkt/s (best of 3), peak RSS ${rss.toFixed(0)} MiB ` +
      `(${smallRss.toFixed(0)} MiB after the 1M-packet capture)\n` +
      `C libpcap loop: ${(c / 1e6).toFixed(2)} Mpkt/s; netspot at ${((ts / c) * 100).toFixed(0)}% of C`,
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
