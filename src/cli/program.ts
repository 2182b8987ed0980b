/**
 * The `netspot` command-line program (every sub-command registered), built without running it:
 * the entry point parses with it, and the build renders man pages and completions from it.
 */
import { Command } from 'commander';
import { commandModules } from './commands/index.js';
import { version } from '../util/version.js';

export function netspotProgram(): Command {
  const program = new Command('netspot')
    .description('Anomaly-based network IDS: network statistics watched by SPOT detectors')
    .version(version, '-V, --version')
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)');
  for (const m of commandModules) m.register(program);
  return program;
}
