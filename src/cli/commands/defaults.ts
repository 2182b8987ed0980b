import type { Command } from 'commander';
import { defaultsToml } from '../../config/defaults-toml.js';

/** `netspot defaults`: the full default configuration as commented TOML. */
export function register(program: Command): void {
  program
    .command('defaults')
    .description('print the default configuration (commented TOML, a starting point for -c)')
    .action(() => {
      process.stdout.write(defaultsToml());
    });
}
