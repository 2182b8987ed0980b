import type { Command } from 'commander';
import { loadConfig } from '../../config/load.js';
import { addConfigKeyOptions, collectList as collect, configOverrides } from '../config-flags.js';
import { AggregateSession } from '../../scale-out/aggregate-session.js';
import { UsageError } from '../../util/errors.js';

interface AggregateFlags {
  nats?: string;
  site?: string;
  config?: string;
  stat: string[];
  period?: string;
  wait?: string;
  verbose?: boolean;
  file?: string;
  quiet?: boolean;
  [key: string]: unknown;
}

/** `netspot aggregate`: one analysis of the counter snapshots many sensors publish to NATS JetStream. */
export function register(program: Command): void {
  const cmd = program
    .command('aggregate')
    .description('merge the per-period counter snapshots of every sensor of a site (NATS JetStream) and analyse them like one capture')
    .option('--nats <url>', 'NATS server(s), e.g. nats://127.0.0.1:4222 (comma-separated for a cluster)')
    .option('--site <site>', 'site whose sensors are merged: reads netspot.SITE.*.counters')
    .option('-c, --config <file>', 'TOML configuration file (netspot defaults prints one)')
    .option('-s, --stat <name>', 'statistic to compute, repeatable or comma-separated (= analyzer.stats)', collect, [])
    .option('-p, --period <duration>', 'period length, the sensors\' one (= analyzer.period)')
    .option('--wait <duration>', 'how long a period waits for missing sensors (= aggregate.wait)')
    .option('-v, --verbose', 'print a data record per period (= exporter.console.data true)')
    .option('-f, --file <path>', 'write data records to this file, %s = site (= exporter.file.data)')
    .option('-q, --quiet', 'no summary on stderr')
    .addHelpText(
      'after',
      '\nSensors run `netspot run --align epoch --exporter.nats.url URL --exporter.nats.subject netspot.SITE.SENSOR.counters`.\n' +
        'analyzer.state_file is required: the detectors and the last judged period survive a restart there.\n\n' +
        'Example:\n  netspot aggregate --nats nats://10.0.0.5:4222 --site lab --analyzer.state_file /var/lib/netspot/lab.state -f /var/log/netspot/%s.json',
    )
    .action(run);
  addConfigKeyOptions(cmd);
}

async function run(flags: AggregateFlags): Promise<void> {
  if (flags.nats === undefined) throw new UsageError('netspot aggregate needs --nats URL');
  if (flags.site === undefined) throw new UsageError('netspot aggregate needs --site SITE');
  const overrides = configOverrides(flags, [
    ['analyzer.stats', flags.stat], ['analyzer.period', flags.period], ['aggregate.wait', flags.wait],
    ['exporter.console.data', flags.verbose], ['exporter.file.data', flags.file],
  ]);
  const cfg = await loadConfig({ file: flags.config, overrides });

  const warn = (m: string): void => void process.stderr.write(`netspot: warning: ${m}\n`);
  // Handlers first: a stop while connecting to NATS ends the run cleanly once it is open.
  let session: AggregateSession | undefined;
  let interrupts = 0;
  const onStop = (): void => {
    if (++interrupts > 1) process.exit(130);
    session?.stop();
  };
  const onHup = (): void => void session?.reopenOutputs().catch((e: Error) => warn(`cannot reopen outputs: ${e.message}`));
  process.on('SIGINT', onStop);
  process.on('SIGTERM', onStop);
  process.on('SIGHUP', onHup);
  try {
    session = await AggregateSession.open(cfg, { url: flags.nats, site: flags.site, onWarning: warn });
    if (interrupts > 0) session.stop();
    const p = await session.run();
    if (flags.quiet !== true) {
      const t = session.tally;
      const lines = [
        `netspot: site ${flags.site}: ${p.periods} periods judged, ${p.alarms} alarms; sensors ${session.sensors().join(', ') || '(none)'}`,
        `netspot: snapshots: ${t.merged} merged, ${t.late} late, ${t.duplicates} delivered again, ${t.refused} refused; ${t.closedIncomplete} periods closed without every sensor`,
      ];
      for (const h of session.exporterHealth()) lines.push(`netspot: exporter ${h.name}: ${h.sent} records sent, ${h.dropped} dropped`);
      process.stderr.write(lines.join('\n') + '\n');
    }
  } finally {
    process.off('SIGINT', onStop);
    process.off('SIGTERM', onStop);
    process.off('SIGHUP', onHup);
  }
}
