import type { Command } from 'commander';
import { loadConfig } from '../../config/load.js';
import { addConfigKeyOptions, configOverrides } from '../config-flags.js';
import { ZeekSession, type ZeekRunConfig, type ZeekRunStatus } from '../../zeek/zeek-session.js';

interface ZeekFlags {
  config?: string;
  feature: string[];
  period?: string;
  lateness?: string;
  follow?: boolean;
  profile?: string;
  dbus?: string;
  verbose?: boolean;
  file?: string;
  quiet?: boolean;
  [key: string]: unknown;
}

/** `netspot zeek`: SPOT on Zeek's logs, compatible with bro-spotd. */
export function register(program: Command): void {
  const cmd = program
    .command('zeek')
    .description("watch features of Zeek's logs (and stats.log, like bro-spotd) with SPOT detectors")
    .argument('[LOG...]', 'Zeek logs, TSV or JSON, gzip or not (= zeek.logs)')
    .option('-c, --config <file>', 'TOML configuration file (netspot defaults prints one)')
    .option('--feature <expr>', 'feature expression, repeatable, e.g. conn.distinct(id.resp_p) (= zeek.features)', collect, [])
    .option('-p, --period <duration>', 'period, aligned on the epoch (= zeek.period, default 60s)')
    .option('--lateness <duration>', 'how long periods wait for late records (= zeek.lateness, default one period)')
    .option('-F, --follow', 'follow the logs across rotation and truncation, like tail -F (= zeek.follow)')
    .option('--profile <file.ini>', "bro-spotd profile: detector parameters and features to watch (= zeek.profile)")
    .option('--dbus <bus>', "serve bro-spotd's D-Bus control (bro.spot) on the session or system bus (= zeek.dbus)")
    .option('-v, --verbose', 'print a data record per period (= exporter.console.data true)')
    .option('-f, --file <path>', 'write data records to this file, %s = series name (= exporter.file.data)')
    .option('-q, --quiet', 'no summary on stderr')
    .addHelpText(
      'after',
      '\nEvery configuration key can also be set as --section.key VALUE, e.g. --zeek.anomaly_log DIR,\n' +
        '--spot.q 1e-5, --exporter.file.alarm alarms.json (netspot defaults lists the keys).\n\n' +
        'Examples:\n  netspot zeek --feature "conn.ratio(conn_state=S0)" --feature "dns.ratio(rcode_name=NXDOMAIN)" conn.log dns.log\n' +
        '  netspot zeek --profile /etc/bro-spotd/bro-spotd.ini --follow --dbus session /opt/zeek/logs/current/stats.log\n' +
        '  netspot zeek -F --zeek.anomaly_log /var/lib/netspot --feature "conn.distinct(id.resp_p)" conn.log',
    )
    .action(run);
  addConfigKeyOptions(cmd);
}

/** Repeatable, never split: a feature expression may hold a comma. */
function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export function formatZeekSummary(s: ZeekRunStatus, seconds: number): string {
  const lines = [
    `${s.records} records read in ${seconds.toFixed(1)} s (${s.lines} lines, ${s.badLines} bad lines skipped, ${s.lateRecords} late records not used)`,
    `${s.periods} periods and observations judged, ${s.alarms} alarms`,
  ];
  for (const [name, n] of Object.entries(s.alarmsByStat)) lines.push(`  ${name}: ${n}`);
  return lines.join('\n');
}

async function run(logs: string[], flags: ZeekFlags): Promise<void> {
  const overrides = configOverrides(flags, [
    ['zeek.logs', logs], ['zeek.features', flags.feature], ['zeek.period', flags.period], ['zeek.lateness', flags.lateness],
    ['zeek.follow', flags.follow], ['zeek.profile', flags.profile], ['zeek.dbus', flags.dbus],
    ['exporter.console.data', flags.verbose], ['exporter.file.data', flags.file],
  ]);
  const cfg = (await loadConfig({ file: flags.config, overrides })) as ZeekRunConfig;

  const quiet = flags.quiet === true;
  const warn = (m: string): void => void process.stderr.write(`netspot: warning: ${m}\n`);
  const session = await ZeekSession.open(cfg, { onWarning: warn });
  let interrupts = 0;
  const onStop = (): void => {
    if (++interrupts > 1) process.exit(130);
    session.stop();
  };
  const onHup = (): void => void session.reopenOutputs().catch((e: Error) => warn(`cannot reopen outputs: ${e.message}`));
  process.on('SIGINT', onStop);
  process.on('SIGTERM', onStop);
  process.on('SIGHUP', onHup);
  const started = performance.now();
  try {
    const status = await session.run();
    if (!quiet) process.stderr.write(formatZeekSummary(status, (performance.now() - started) / 1000) + '\n');
  } finally {
    process.off('SIGINT', onStop);
    process.off('SIGTERM', onStop);
    process.off('SIGHUP', onHup);
  }
}
