import type { Command } from 'commander';

/** `netspot spot`: SPOT over any series (placeholder until the engine lands). */
export function register(program: Command): void {
  program.command('spot').description('run a SPOT detector over a series (one number per line)');
}
