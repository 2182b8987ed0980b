#!/usr/bin/env node
/**
 * `netspot` entry point: a thin shell that parses the command line and hands over to a
 * command module. Each command lives in `commands/<name>.ts` and registers itself.
 */
import { CommanderError } from 'commander';
import { UsageError } from '../util/errors.js';
import { netspotProgram } from './program.js';

export const EXIT_OK = 0;
export const EXIT_RUNTIME = 1;
export const EXIT_USAGE = 2;

export async function main(argv: readonly string[]): Promise<number> {
  // A reader that went away (`netspot ls | head`) ends the program quietly, like other Unix
  // tools; commands that must flush first (run) add their own handler and this one stands aside.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE' && process.stdout.listenerCount('error') === 1) process.exit(0);
  });
  const program = netspotProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return process.exitCode === undefined ? EXIT_OK : Number(process.exitCode);
  } catch (err) {
    return reportError(err);
  }
}

/** Maps an error to a message on stderr and an exit code: 2 for usage, 1 otherwise. */
export function reportError(err: unknown): number {
  if (err instanceof CommanderError) {
    // --help and --version end through here with exit code 0.
    return err.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
  }
  if (err instanceof UsageError) {
    process.stderr.write(`netspot: ${err.message}\n`);
    return EXIT_USAGE;
  }
  const msg = err instanceof Error ? err.message : String(err);
  process.stderr.write(`netspot: error: ${msg}\n`);
  return EXIT_RUNTIME;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.exitCode = reportError(err);
  },
);
