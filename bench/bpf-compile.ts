/**
 * How libpcap's BPF compiler scales with the expression's length, to choose miner.filter's
 * bound (config/schema.ts):
 *   node dist/bench/bpf-compile.js
 * For "host A or host B or ..." and "port N or port M or ..." of growing length, compiles each
 * in a fresh process (so the peak RSS is that of one compilation) and prints the time and the
 * peak RSS. Stops a family once one compilation exceeds 2 s.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const families: Record<string, (i: number) => string> = {
  host: (i) => `host 10.0.${i >> 8}.${i & 255}`,
  port: (i) => `port ${1000 + i}`,
};

if (process.argv[2] === '--one') {
  // Child: compile one expression, print the milliseconds.
  const { loadPcapBinding } = await import('../src/source/native-binding.js');
  const make = families[process.argv[3]];
  const filter = Array.from({ length: Number(process.argv[4]) }, (_, i) => make(i)).join(' or ');
  const t = performance.now();
  await loadPcapBinding().compileFilter(filter, 1, 65535);
  process.stdout.write(`${filter.length} ${(performance.now() - t).toFixed(1)}\n`);
} else {
  const self = fileURLToPath(import.meta.url);
  for (const family of Object.keys(families)) {
    for (const clauses of [10, 20, 30, 40, 50, 60, 80, 100, 150, 200]) {
      const r = spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, self, '--one', family, String(clauses)], { encoding: 'utf8' });
      const [chars, ms] = r.stdout.trim().split(' ');
      const rssKiB = Number(r.stderr.trim().split('\n').pop());
      console.log(`${family} x${clauses}: ${chars} characters, ${ms} ms, peak RSS ${(rssKiB / 1024).toFixed(0)} MiB`);
      if (Number(ms) > 2000) break;
    }
  }
}
