/**
 * `netspot eval -d CAPTURE --labels LABELS.csv`: runs the analysis like `netspot run` and
 * scores its alarms against labelled attack intervals (src/eval/).
 */
import type { Command } from 'commander';
import { loadConfig } from '../../config/load.js';
import { addConfigKeyOptions, collectList as collect, configOverrides } from '../config-flags.js';
import { parseDuration } from '../../config/duration.js';
import { Session } from '../../pipeline/session.js';
import type { Exporter } from '../../exporters/index.js';
import type { AlarmRecord, DataRecord, EpisodeRecord } from '../../records/index.js';
import { readLabels } from '../../eval/labels.js';
import { evalResultTable, evalResultToJson, scoreRun, type ScoredAlarm } from '../../eval/score.js';
import { UsageError } from '../../util/errors.js';

interface EvalFlags {
  config?: string;
  device?: string;
  stat: string[];
  period?: string;
  labels?: string;
  grace: string;
  json?: boolean;
  [key: string]: unknown;
}

/** Keeps what scoring needs: the end of every period and the alarms. */
class ScoringExporter implements Exporter {
  readonly name = 'eval';
  readonly periodEnds: bigint[] = [];
  readonly alarms: ScoredAlarm[] = [];
  readonly episodes: EpisodeRecord[] = [];
  async start(): Promise<void> {}
  episode(e: EpisodeRecord): void {
    this.episodes.push(e);
  }
  data(r: DataRecord): void {
    this.periodEnds.push(r.timeNs);
  }
  alarm(a: AlarmRecord): void {
    this.alarms.push(a);
  }
  flush(): void {}
  async reopen(): Promise<void> {}
  async close(): Promise<void> {}
}

export function register(program: Command): void {
  const cmd = program
    .command('eval')
    .description('analyse a capture file and score the alarms against labelled attack intervals')
    .option('-c, --config <file>', 'TOML configuration file')
    .option('-d, --device <file>', 'capture file (= miner.device)')
    .option('-s, --stat <name>', 'statistic to compute, repeatable or comma-separated (= analyzer.stats)', collect, [])
    .option('-p, --period <duration>', 'period length (= analyzer.period)')
    .option('--labels <file>', 'CSV of attacks: start,end,name[,attacker,target] (epoch seconds)')
    .option('--grace <periods>', 'an attack shorter than this many periods is searched over this many periods from its start', '2')
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      '\nAn attack is detected when an alarm (any statistic) falls in a period overlapping its\n' +
        'interval (at least --grace periods long); delay = periods from the one holding the start\n' +
        'to the first alarm; culprit = the first alarm\'s context lists the attacker first among\n' +
        'sources (or as the source behind an alarmed fan-out statistic) or the target first among\n' +
        'destinations. Other alarms are false alarms.\n' +
        'Every configuration key can be set as --section.key VALUE, as for netspot run.\n\n' +
        'Example:\n  netspot eval -d eval.pcap --labels eval.labels.csv --spot.q 1e-5 --json',
    )
    .action(evaluate);
  addConfigKeyOptions(cmd);
}

async function evaluate(flags: EvalFlags): Promise<void> {
  if (flags.labels === undefined) throw new UsageError('netspot eval needs --labels FILE (CSV start,end,name[,attacker,target])');
  const grace = Number(flags.grace);
  if (!Number.isInteger(grace) || grace < 1) throw new UsageError(`--grace needs a whole number of periods of at least 1, got "${flags.grace}"`);
  const labels = await readLabels(flags.labels);
  // Scoring reads the records itself: the console stays quiet unless asked for.
  const overrides: Array<[string, unknown]> = [
    ['exporter.console.alarm', false], ['exporter.console.data', false],
    ...configOverrides(flags, [['miner.device', flags.device], ['analyzer.stats', flags.stat], ['analyzer.period', flags.period]]),
  ];
  const cfg = await loadConfig({ file: flags.config, overrides });
  const scoring = new ScoringExporter();
  const session = await Session.open(cfg, {
    exporters: [scoring],
    onWarning: (m) => process.stderr.write(`netspot: warning: ${m}\n`),
  });
  if (session.source.live) {
    await session.source.close();
    throw new UsageError(`netspot eval needs a capture file, not the interface ${cfg.miner.device}`);
  }
  await session.run();
  const result = scoreRun({ periodEnds: scoring.periodEnds, periodNs: parseDuration(cfg.analyzer.period), alarms: scoring.alarms, labels, grace });
  // Episodes: how many incidents the alarms make, and the lasting changes taken as normal.
  const rebased = scoring.episodes.filter((e) => e.baseline !== undefined);
  if (flags.json === true) {
    const extra = `,"episodes":${scoring.episodes.length},"baseline_changes":${JSON.stringify(rebased.map((e) => ({ stat: e.stat, time: Number(e.endNs) / 1e9, ...e.baseline })))}}`;
    process.stdout.write(evalResultToJson(result).slice(0, -1) + extra + '\n');
  } else {
    let text = evalResultTable(result) + `\n${scoring.episodes.length} episodes`;
    for (const e of rebased) text += `\nbaseline change: ${e.stat} at ${Number(e.endNs) / 1e9}: level ${e.baseline?.old_level} -> ${e.baseline?.new_level}`;
    process.stdout.write(text + '\n');
  }
}
