/**
 * Start-up time of the command-line programs: `--help` (parse the command line, print, exit)
 * for the installed package's /usr/bin wrappers (bundled, packaging/build-deb.sh) next to the
 * tree's dist/ (one module per file), `npx` and a bare `node -e 0`:
 *   npm run bench:startup [-- RUNS]        (default 21; the /usr/bin rows need the package installed)
 * Each command runs RUNS times as a fresh process; the median wall and CPU (user + sys) times are
 * printed. CPU time is the figure to compare on a busy machine: wall time there mostly waits.
 */
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';

const runs = Number(process.argv[2] ?? 21);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[(s.length - 1) >> 1];
}

/** Median wall and CPU seconds, measured by /usr/bin/time around a fresh process. */
function measure(cmd: string[], n: number): { wall: number; cpu: number } {
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < n; i++) {
    const r = spawnSync('/usr/bin/time', ['-f', '%e %U %S', ...cmd], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${cmd.join(' ')} failed: ${r.stderr}`);
    const [e, u, s] = r.stderr.trim().split('\n').at(-1)!.split(' ').map(Number);
    wall.push(e);
    cpu.push(u + s);
  }
  return { wall: median(wall), cpu: median(cpu) };
}

const rows: Array<[string, string[], number]> = [
  ['node -e 0', [process.execPath, '-e', '0'], runs],
  ['dist/src/cli/netspot.js --help', [process.execPath, 'dist/src/cli/netspot.js', '--help'], runs],
  ['dist/src/cli/netspotctl.js --help', [process.execPath, 'dist/src/cli/netspotctl.js', '--help'], runs],
  ['npx netspot --help', ['npx', 'netspot', '--help'], Math.min(runs, 5)],
];
if (existsSync('/usr/lib/netspot/dist/src/cli/netspot.js')) {
  rows.splice(1, 0, ['/usr/bin/netspot --help', ['/usr/bin/netspot', '--help'], runs], ['/usr/bin/netspotctl --help', ['/usr/bin/netspotctl', '--help'], runs]);
} else {
  process.stdout.write('(the package is not installed: no /usr/bin rows)\n');
}
process.stdout.write(`load average before: ${loadavg().map((l) => l.toFixed(1)).join(' ')}\n`);
for (const [name, cmd, n] of rows) {
  const { wall, cpu } = measure(cmd, n);
  process.stdout.write(`${name.padEnd(36)} wall ${wall.toFixed(2)} s  cpu ${cpu.toFixed(2)} s  (median of ${n})\n`);
}
process.stdout.write(`load average after: ${loadavg().map((l) => l.toFixed(1)).join(' ')}\n`);
