/**
 * The `netspotctl` command-line program, built without running it: the entry point parses with
 * it, and the build renders man pages and completions from it.
 */
import { Command } from 'commander';
import { version } from '../util/version.js';
// Not server/index.js: the client must not load the server (fastify) at startup.
import { DEFAULT_ENDPOINT } from '../server/endpoint.js';
import { registerCommands, type CtlContext } from '../ctl/commands.js';

export interface CtlGlobalFlags {
  endpoint: string;
  tokenFile?: string;
  json?: boolean;
}

/** `context` gets the program so that the client can read the global flags once parsed. */
export function netspotctlProgram(context: (program: Command) => CtlContext): Command {
  const program = new Command('netspotctl')
    .description('control a NetSpot server (netspot serve) through its HTTP API')
    .version(version, '-V, --version')
    .option('-e, --endpoint <endpoint>', 'tcp://HOST:PORT or unix:///path.sock (env NETSPOT_ENDPOINT)', process.env.NETSPOT_ENDPOINT ?? DEFAULT_ENDPOINT)
    .option('--token-file <file>', 'file holding the API token (env NETSPOT_TOKEN_FILE)', process.env.NETSPOT_TOKEN_FILE)
    .option('--json', 'print the API answers as JSON (for scripts)')
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)')
    .configureHelp({ showGlobalOptions: true });
  registerCommands(program, context(program));
  return program;
}
