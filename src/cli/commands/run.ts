import type { Command } from 'commander';
import { loadConfig } from '../../config/load.js';
import { addConfigKeyOptions, collectList as collect, configOverrides } from '../config-flags.js';
import { Session } from '../../pipeline/session.js';
import { ProgressLine } from '../run/progress-line.js';
import { formatSummary } from '../run/summary.js';

interface RunFlags {
  config?: string;
  device?: string;
  stat: string[];
  period?: string;
  align?: string;
  verbose?: boolean;
  file?: string;
  quiet?: boolean;
  workers?: string;
  [key: string]: unknown;
}

/** `netspot run`: analyse a capture file or a live interface. */
export function register(program: Command): void {
  const cmd = program
    .command('run')
    .description('analyse a capture file or a network interface and report values, thresholds and alarms')
    .option('-c, --config <file>', 'TOML configuration file (netspot defaults prints one)')
    .option('-d, --device <file|iface>', 'capture file (pcap, pcapng, .gz) or interface (= miner.device)')
    .option('-s, --stat <name>', 'statistic to compute, repeatable or comma-separated (= analyzer.stats)', collect, [])
    .option('-p, --period <duration>', 'period length, e.g. 500ms, 1s, 2m (= analyzer.period)')
    .option('--align <start|epoch>', 'period grid: from the first packet, or [k·p, (k+1)·p) since 1970 to line up sensors (= analyzer.align)')
    .option('-v, --verbose', 'print a data record per period (= exporter.console.data true)')
    .option('-f, --file <path>', 'write data records to this file, %s = series name (= exporter.file.data)')
    .option('-q, --quiet', 'no progress line and no summary on stderr')
    .option('-w, --workers <n>', 'threads that decode and count (a live interface: one capture each, PACKET_FANOUT), 1 = one thread (= analyzer.workers)')
    .addHelpText(
      'after',
      '\nEvery configuration key can also be set as --section.key VALUE, e.g. --spot.q 1e-5,\n' +
        '--spot.R_SYN.q 1e-6, --exporter.file.alarm alarms.json (netspot defaults lists the keys).\n' +
        'Precedence: built-in defaults < config file < flags.\n\n' +
        'Examples:\n  netspot run -d data/capture.pcap\n  netspot run -d trace.pcapng.gz -s R_SYN -s TRAFFIC -p 500ms -v\n' +
        '  netspot run -d eth0 --spot.q 1e-5 -f /var/log/netspot/%s.data.json',
    )
    .action(run);
  addConfigKeyOptions(cmd);
}

async function run(flags: RunFlags): Promise<void> {
  const overrides = configOverrides(flags, [
    ['miner.device', flags.device], ['analyzer.stats', flags.stat], ['analyzer.period', flags.period], ['analyzer.align', flags.align],
    ['analyzer.workers', flags.workers], ['exporter.console.data', flags.verbose], ['exporter.file.data', flags.file],
  ]);
  const cfg = await loadConfig({ file: flags.config, overrides });

  const quiet = flags.quiet === true;
  const warn = (m: string): void => {
    progress?.clear();
    process.stderr.write(`netspot: warning: ${m}\n`);
  };
  let progress: ProgressLine | undefined;
  // First Ctrl-C (or SIGTERM): finish cleanly (the partial period is emitted, files flushed).
  // Second: quit now with 130, whatever phase the run is in: the handler is installed before
  // the source opens and stays until the process exits (a signal handler keeps nothing alive).
  let interrupts = 0;
  let session: Session | undefined;
  const onStop = (): void => {
    if (++interrupts > 1) process.exit(130);
    session?.stop();
  };
  process.on('SIGINT', onStop);
  process.on('SIGTERM', onStop);
  session = await Session.open(cfg, { onWarning: warn });
  if (interrupts > 0) session.stop();
  if (!quiet && process.stderr.isTTY === true) progress = new ProgressLine(session);

  const onHup = (): void => void session.reopenOutputs().catch((e: Error) => warn(`cannot reopen outputs: ${e.message}`));
  // A closed stdout (a pager or `head` quit) ends the run like Ctrl-C, without a stack trace.
  const onStdoutError = (err: NodeJS.ErrnoException): void => {
    if (err.code === 'EPIPE') session.stop();
  };
  process.stdout.on('error', onStdoutError);
  process.on('SIGHUP', onHup);
  const started = performance.now();
  try {
    const status = await session.run();
    progress?.clear();
    for (const w of session.source.warnings()) warn(w);
    if (!quiet) process.stderr.write(formatSummary(session, status, (performance.now() - started) / 1000) + '\n');
  } finally {
    progress?.stop();
    process.stdout.off('error', onStdoutError);
    process.off('SIGHUP', onHup);
  }
}
