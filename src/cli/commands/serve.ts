import { Option, type Command } from 'commander';
import { configKeys, loadConfig } from '../../config/load.js';
import { UsageError } from '../../util/errors.js';
import { DEFAULT_ENDPOINT, parseEndpoint } from '../../server/endpoint.js';
import { readTokenFile } from '../../server/auth.js';

interface ServeFlags {
  config?: string;
  endpoint: string;
  /** commander's attribute name for --api.token-file. */
  'api.tokenFile'?: string;
  logLevel: string;
  [key: string]: unknown;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** `netspot serve`: the HTTP API, the dashboard and the metrics, controlling the pipeline. */
export function register(program: Command): void {
  const cmd = program
    .command('serve')
    .description('serve the HTTP API and the dashboard: configure, start and stop the analysis, watch values and alarms')
    .option('-e, --endpoint <endpoint>', 'tcp://HOST:PORT or unix:///path/to.sock', DEFAULT_ENDPOINT)
    .option('-c, --config <file>', 'TOML configuration file: the initial configuration (netspot defaults prints one)')
    .addOption(new Option('--api.token-file <file>', 'file holding the token every API request must bear (Authorization: Bearer); required on a non-loopback address'))
    .option('--log-level <level>', `request log level on stderr (${LOG_LEVELS.join(', ')})`, 'info')
    .addHelpText(
      'after',
      '\nEvery configuration key can also be set as --section.key VALUE (initial configuration).\n' +
        'The analysis does not start by itself: POST /api/run {"action":"start"}, netspotctl start, or the dashboard.\n\n' +
        'Examples:\n  netspot serve\n  netspot serve -e unix:///run/netspot/api.sock -c /etc/netspot.toml\n' +
        '  netspot serve -e tcp://0.0.0.0:11000 --api.token-file /etc/netspot/token',
    )
    .action(serve);
  for (const { key } of configKeys()) cmd.addOption(new Option(`--${key} <value>`).hideHelp());
}

async function serve(flags: ServeFlags): Promise<void> {
  if (!LOG_LEVELS.includes(flags.logLevel)) {
    throw new UsageError(`bad value for --log-level: "${flags.logLevel}" (expected one of ${LOG_LEVELS.join(', ')})`);
  }
  const overrides: Array<[string, unknown]> = [];
  for (const { key } of configKeys()) if (flags[key] !== undefined) overrides.push([key, flags[key]]);
  const config = await loadConfig({ file: flags.config, overrides });
  const endpoint = parseEndpoint(flags.endpoint);
  const tokenFile = flags['api.tokenFile'];
  const token = tokenFile === undefined ? undefined : await readTokenFile(tokenFile);
  const warn = (m: string): void => void process.stderr.write(`netspot: warning: ${m}\n`);

  // Loaded here, not at the top: other netspot commands should not pay for fastify at startup.
  const { startServer } = await import('../../server/index.js');
  const server = await startServer({
    endpoint, config, token, onWarning: warn, logger: { level: flags.logLevel, stream: process.stderr },
  });
  const httpUrl = server.endpoint.kind === 'tcp' ? ` (dashboard: http://${server.url.slice('tcp://'.length)}/)` : '';
  process.stderr.write(`netspot: serving the API on ${server.url}${httpUrl}\n`);

  // First signal: stop the run (last period emitted, outputs flushed), close, exit 0. Second: quit now.
  await new Promise<void>((resolve) => {
    let signals = 0;
    const onStop = (): void => {
      if (++signals > 1) process.exit(130);
      server.close().then(resolve, (err: Error) => {
        warn(`shutdown: ${err.message}`);
        resolve();
      });
    };
    const onHup = (): void => void server.controller.reopenOutputs().catch((e: Error) => warn(`cannot reopen outputs: ${e.message}`));
    process.on('SIGINT', onStop);
    process.on('SIGTERM', onStop);
    process.on('SIGHUP', onHup);
  });
  process.stderr.write('netspot: server stopped\n');
}
