import type { Command } from 'commander';
import { statDefs } from '../../stats/index.js';
import { counterDefs } from '../../counters/index.js';
import { exporterDefs } from '../../exporters/index.js';
import { UsageError } from '../../util/errors.js';
import { listDevices, type Device } from '../../source/devices.js';

function formatDevice(d: Device): string {
  const flags = (['up', 'running', 'loopback', 'wireless'] as const).filter((f) => d.flags[f]).join(',');
  const addrs = d.addresses.map((a) => `      ${a.family.padEnd(5)} ${a.address}${a.netmask ? ` netmask ${a.netmask}` : ''}${a.broadcast ? ` broadcast ${a.broadcast}` : ''}`);
  return [`  ${d.name.padEnd(16)} ${flags === '' ? '-' : flags}${d.description ? `  (${d.description})` : ''}`, ...addrs].join('\n');
}

const sections: Record<string, () => string> = {
  stats: () =>
    'Statistics (analyzer.stats, -s; all = every one except PERF):\n' +
    statDefs.map((s) => `  ${s.name.padEnd(16)} ${s.description}\n  ${''.padEnd(16)} = ${s.formula}`).join('\n'),
  counters: () => 'Counters:\n' + counterDefs.map((c) => `  ${c.name.padEnd(18)} ${c.description}`).join('\n'),
  exporters: () => 'Exporters:\n' + exporterDefs.map((e) => `  ${e.name.padEnd(10)} ${e.description}`).join('\n'),
  devices: () => 'Devices (live capture, -d NAME):\n' + listDevices().map(formatDevice).join('\n'),
};

/** Listed by a bare `netspot ls`; devices need the native binding, so only on request. */
const DEFAULT_SECTIONS = ['stats', 'counters', 'exporters'];

/** `netspot ls [stats|counters|exporters]`: what NetSpot can compute and where it can write. */
export function register(program: Command): void {
  program
    .command('ls')
    .description('list statistics (with their definitions), counters, exporters, or capture devices')
    .argument('[what]', `one of: ${Object.keys(sections).join(', ')} (default: stats, counters, exporters)`)
    .action((what?: string) => {
      if (what !== undefined && !(what in sections)) {
        throw new UsageError(`cannot list "${what}": choose one of ${Object.keys(sections).join(', ')}`);
      }
      const names = what === undefined ? DEFAULT_SECTIONS : [what];
      process.stdout.write(names.map((n) => sections[n]()).join('\n\n') + '\n');
    });
}
