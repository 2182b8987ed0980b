import { Option, type Command } from 'commander';
import { loadConfig } from '../../config/load.js';
import { addConfigKeyOptions, configOverrides } from '../config-flags.js';
import { UsageError } from '../../util/errors.js';
import { DEFAULT_ENDPOINT, parseEndpoint } from '../../server/endpoint.js';
import { readTokenFile } from '../../server/auth.js';
import { countFlag, DEFAULT_LIMITS, durationFlag, type ServerLimits } from '../../server/limits.js';

interface ServeFlags {
  config?: string;
  endpoint: string;
  /** commander's attribute name for --api.token-file. */
  'api.tokenFile'?: string;
  'api.outputDir'?: string;
  logLevel: string;
  [key: string]: unknown;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

const MiB = 1024 * 1024;

/** The `--api.*` flags that set a server limit: flag, commander attribute, limit, parser, help. */
const LIMIT_FLAGS: Array<{ flag: string; attr: string; limit: keyof ServerLimits; parse: (flag: string, text: string) => number; help: string; shown: string }> = [
  { flag: '--api.request-timeout', attr: 'api.requestTimeout', limit: 'requestTimeoutMs', parse: durationFlag, help: 'time for a request\'s headers and body to arrive (408 after)', shown: `${DEFAULT_LIMITS.requestTimeoutMs / 1000}s` },
  { flag: '--api.keep-alive-timeout', attr: 'api.keepAliveTimeout', limit: 'keepAliveTimeoutMs', parse: durationFlag, help: 'idle time before a keep-alive connection is closed', shown: `${DEFAULT_LIMITS.keepAliveTimeoutMs / 1000}s` },
  { flag: '--api.idle-timeout', attr: 'api.idleTimeout', limit: 'idleTimeoutMs', parse: durationFlag, help: 'silence either way before a connection is closed (not event streams)', shown: `${DEFAULT_LIMITS.idleTimeoutMs / 1000}s` },
  { flag: '--api.max-connections', attr: 'api.maxConnections', limit: 'maxConnections', parse: (f, t) => countFlag(f, t), help: 'connections open at once', shown: String(DEFAULT_LIMITS.maxConnections) },
  { flag: '--api.max-event-clients', attr: 'api.maxEventClients', limit: 'maxEventClients', parse: (f, t) => countFlag(f, t), help: 'event streams (/api/events) open at once (503 over)', shown: String(DEFAULT_LIMITS.maxEventClients) },
  { flag: '--api.event-queue', attr: 'api.eventQueue', limit: 'eventQueueBytes', parse: (f, t) => countFlag(f, t, true), help: 'bytes waiting for one event stream before its client is dropped', shown: `${DEFAULT_LIMITS.eventQueueBytes / MiB}MiB` },
];

/** `netspot serve`: the HTTP API, the dashboard and the metrics, controlling the pipeline. */
export function register(program: Command): void {
  const cmd = program
    .command('serve')
    .description('serve the HTTP API and the dashboard: configure, start and stop the analysis, watch values and alarms')
    .option('-e, --endpoint <endpoint>', 'tcp://HOST:PORT or unix:///path/to.sock', DEFAULT_ENDPOINT)
    .option('-c, --config <file>', 'TOML configuration file: the initial configuration (netspot defaults prints one)')
    .addOption(new Option('--api.token-file <file>', 'file holding the token every API request must bear (Authorization: Bearer); required on a non-loopback address'))
    .addOption(new Option('--api.output-dir <dir>', 'confine the output files the configuration names (exporter.file.*) to this directory; relative paths are taken inside it'))
    .option('--log-level <level>', `request log level on stderr (${LOG_LEVELS.join(', ')})`, 'info')
    .addHelpText(
      'after',
      '\nEvery configuration key can also be set as --section.key VALUE (initial configuration).\n' +
        'The analysis does not start by itself: POST /api/run {"action":"start"}, netspotctl start, or the dashboard.\n\n' +
        'Examples:\n  netspot serve\n  netspot serve -e unix:///run/netspot/api.sock -c /etc/netspot.toml\n' +
        '  netspot serve -e tcp://0.0.0.0:11000 --api.token-file /etc/netspot/token',
    )
    .action(serve);
  for (const f of LIMIT_FLAGS) cmd.addOption(new Option(`${f.flag} <value>`, `${f.help} (default ${f.shown})`));
  addConfigKeyOptions(cmd);
}

async function serve(flags: ServeFlags): Promise<void> {
  if (!LOG_LEVELS.includes(flags.logLevel)) {
    throw new UsageError(`bad value for --log-level: "${flags.logLevel}" (expected one of ${LOG_LEVELS.join(', ')})`);
  }
  const config = await loadConfig({ file: flags.config, overrides: configOverrides(flags) });
  const endpoint = parseEndpoint(flags.endpoint);
  const tokenFile = flags['api.tokenFile'];
  const warn = (m: string): void => void process.stderr.write(`netspot: warning: ${m}\n`);
  const token = tokenFile === undefined ? undefined : await readTokenFile(tokenFile, warn);
  const limits: Partial<ServerLimits> = {};
  for (const f of LIMIT_FLAGS) {
    const text = flags[f.attr];
    if (typeof text === 'string') limits[f.limit] = f.parse(f.flag, text);
  }

  // Loaded here, not at the top: other netspot commands should not pay for fastify at startup.
  const { startServer } = await import('../../server/index.js');
  const server = await startServer({
    endpoint, config, token, limits, outputDir: flags['api.outputDir'], onWarning: warn, logger: { level: flags.logLevel, stream: process.stderr },
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
