import type { Command } from 'commander';
import { statDefs } from '../../stats/index.js';
import { counterDefs } from '../../counters/index.js';
import { exporterDefs } from '../../exporters/index.js';
import { UsageError } from '../../util/errors.js';

const sections: Record<string, () => string> = {
  stats: () =>
    'Statistics (analyzer.stats, -s):\n' +
    statDefs.map((s) => `  ${s.name.padEnd(16)} ${s.description}\n  ${''.padEnd(16)} = ${s.formula}`).join('\n'),
  counters: () => 'Counters:\n' + counterDefs.map((c) => `  ${c.name.padEnd(18)} ${c.description}`).join('\n'),
  exporters: () => 'Exporters:\n' + exporterDefs.map((e) => `  ${e.name.padEnd(10)} ${e.description}`).join('\n'),
};

/** `netspot ls [stats|counters|exporters]`: what NetSpot can compute and where it can write. */
export function register(program: Command): void {
  program
    .command('ls')
    .description('list statistics (with their definitions), counters and exporters')
    .argument('[what]', `one of: ${Object.keys(sections).join(', ')} (default: all)`)
    .action((what?: string) => {
      if (what !== undefined && !(what in sections)) {
        throw new UsageError(`cannot list "${what}": choose one of ${Object.keys(sections).join(', ')}`);
      }
      const names = what === undefined ? Object.keys(sections) : [what];
      process.stdout.write(names.map((n) => sections[n]()).join('\n\n') + '\n');
    });
}
