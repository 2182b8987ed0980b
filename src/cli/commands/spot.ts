/**
 * `netspot spot [options] [FILE]`: runs NetSpot's SPOT detector over any series (FILE or
 * stdin) and writes one CSV line per value; a summary per status goes to stderr.
 */
import { createReadStream, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { type Command, InvalidArgumentError } from 'commander';
import {
  DriftSpot,
  DEFAULT_REBASE_AFTER,
  DEFAULT_REBASE_GAP,
  RebasePolicy,
  SPOT_CONFIG_DEFAULTS,
  STATUSES,
  type SpotConfig,
  SpotParameterError,
  SnapshotError,
  statusName,
} from '../../spot/index.js';
import { InputError, UsageError } from '../../util/errors.js';
import { BufferedOutput } from '../spot/buffered-output.js';
import { type SkippedValues, readSeries } from '../spot/series-reader.js';

interface SpotCommandOptions {
  q: number;
  level: number;
  nInit: number;
  depth: number;
  maxExcess: number;
  up: boolean;
  down: boolean;
  alert: boolean;
  bounded: boolean;
  column?: string;
  state?: string;
  skipInvalid: boolean;
  details: boolean;
  rebaseAfter: number;
  episodeGap: number;
}

/** Command-line option (commander's camelCase key) behind each SpotConfig key. */
const OPTION_OF: Record<keyof SpotConfig, keyof SpotCommandOptions> = {
  depth: 'depth',
  q: 'q',
  n_init: 'nInit',
  level: 'level',
  up: 'up',
  down: 'down',
  alert: 'alert',
  bounded: 'bounded',
  max_excess: 'maxExcess',
};

const FLAG_OF: Record<keyof SpotConfig, string> = {
  depth: '--depth',
  q: '--q',
  n_init: '--n-init',
  level: '--level',
  up: '--up/--no-up',
  down: '--down/--no-down',
  alert: '--alert/--no-alert',
  bounded: '--bounded/--no-bounded',
  max_excess: '--max-excess',
};

const HEADER = 'index,value,status,upper_threshold,lower_threshold,probability';
const DETAILS_HEADER = ',drift,upper_excess_threshold,upper_gamma,upper_sigma,lower_excess_threshold,lower_gamma,lower_sigma';

const HELP_AFTER = `
Input: one number per line; with --column, a CSV file with a header line or JSON-lines
records (detected from the first line). Lines starting with '#' are comments. Empty values
and "nan" are MISSING (they change nothing); so are inf/-inf.

Phases: the first --depth values fill the drift window (INIT), the next --n-init values
(drift removed) are the calibration batch (CALIBRATION); then each value is NORMAL,
EXCESS_UP/EXCESS_DOWN (it updated a tail model) or ALERT_UP/ALERT_DOWN (with --alert: beyond
a threshold, kept out of the models).

Output (stdout, CSV): ${HEADER}
  upper/lower_threshold: the thresholds the value was judged against, drift included
  (empty before calibration or for a disabled tail); probability: for an alert, the
  probability under the model of a value at least that extreme.
  --details adds the model after the step: ${DETAILS_HEADER.slice(1)}
  (excess thresholds with the drift removed; gamma and sigma of each tail's GPD).
Summary (stderr): one line per status with its count.

Lasting changes: after --rebase-after alarms in one episode (alarms with fewer than
--episode-gap non-alarm values between them), the detector takes the episode's level as its
new normal (the drift window is refilled with the episode's latest values) instead of
alarming at every value; each such rebase is reported on stderr with the old and new levels.
--rebase-after 0 keeps NetSpot's behaviour; without drift window (--depth 0) it never applies.

With --depth 0, a single tail and --alert, statuses and thresholds are libspot 2.0's
(NORMAL=0, EXCESS_UP/EXCESS_DOWN=1, ALERT_UP/ALERT_DOWN=2).

Examples:
  netspot spot --q 1e-3 --depth 0 series.txt
  netspot spot --column R_SYN --down --n-init 500 stats.csv > judged.csv
  some-exporter | netspot spot --column value --state spot.json
`;

export function register(program: Command): void {
  program
    .command('spot')
    .summary('run a SPOT detector over a series (file or stdin)')
    .description(
      "Run NetSpot's SPOT detector (extreme value theory, drift, one or two tails) over a series " +
        'and print, for every value, its status and the thresholds it was judged against.',
    )
    .argument('[FILE]', 'input file (default: stdin; "-" is stdin)')
    .option('--q <probability>', 'probability of an anomaly (0 < q < 1 - level)', number('--q'), SPOT_CONFIG_DEFAULTS.q)
    .option('--level <probability>', 'quantile level of the excess threshold (0 <= level < 1)', number('--level'), SPOT_CONFIG_DEFAULTS.level)
    .option('--n-init <count>', 'size of the calibration batch', integer('--n-init'), SPOT_CONFIG_DEFAULTS.n_init)
    .option('--depth <count>', 'drift window: mean of the last <count> non-alarm values (0: no drift)', integer('--depth'), SPOT_CONFIG_DEFAULTS.depth)
    .option('--max-excess <count>', 'peaks kept per tail when bounded', integer('--max-excess'), SPOT_CONFIG_DEFAULTS.max_excess)
    .option('--up', 'watch the upper tail', SPOT_CONFIG_DEFAULTS.up)
    .option('--no-up', 'do not watch the upper tail')
    .option('--down', 'watch the lower tail', SPOT_CONFIG_DEFAULTS.down)
    .option('--no-down', 'do not watch the lower tail')
    .option('--alert', 'flag values beyond a threshold and keep them out of the models', SPOT_CONFIG_DEFAULTS.alert)
    .option('--no-alert', 'never flag: values beyond a threshold are excesses')
    .option('--bounded', 'keep at most --max-excess peaks per tail', SPOT_CONFIG_DEFAULTS.bounded)
    .option('--no-bounded', 'keep every peak (memory and time grow with the stream)')
    .option('--column <name>', 'CSV column or JSON-lines key holding the series')
    .option('--state <file>', 'detector state: loaded if the file exists, saved at the end')
    .option('--skip-invalid', 'skip values that are not numbers instead of failing', false)
    .option('--details', 'add the model after each step (drift, excess thresholds, gamma, sigma)', false)
    .option('--rebase-after <count>', 'alarms of one episode after which its level becomes the new normal (0: never)', integer('--rebase-after'), DEFAULT_REBASE_AFTER)
    .option('--episode-gap <count>', 'non-alarm values that end an episode', positive('--episode-gap'), DEFAULT_REBASE_GAP)
    .addHelpText('after', HELP_AFTER)
    .action(async (file: string | undefined, options: SpotCommandOptions, command: Command) => {
      await runSpot(file, options, command);
    });
}

function number(flag: string): (text: string) => number {
  return (text) => {
    const v = Number(text.trim());
    if (text.trim() === '' || !Number.isFinite(v)) throw new InvalidArgumentError(`${flag} needs a number, got ${JSON.stringify(text)}`);
    return v;
  };
}

function integer(flag: string): (text: string) => number {
  return (text) => {
    const v = Number(text.trim());
    if (!/^\s*\d+\s*$/.test(text) || !Number.isSafeInteger(v)) {
      throw new InvalidArgumentError(`${flag} needs a whole number, got ${JSON.stringify(text)}`);
    }
    return v;
  };
}

function positive(flag: string): (text: string) => number {
  const whole = integer(flag);
  return (text) => {
    const v = whole(text);
    if (v < 1) throw new InvalidArgumentError(`${flag} needs a whole number of at least 1, got ${JSON.stringify(text)}`);
    return v;
  };
}

async function runSpot(file: string | undefined, options: SpotCommandOptions, command: Command): Promise<void> {
  const detector = makeDetector(options, command);
  const input: Readable = file === undefined || file === '-' ? process.stdin : openInput(file);
  const out = new BufferedOutput(process.stdout);
  const counts = new Array<number>(STATUSES.length).fill(0);
  const skipped: SkippedValues = { count: 0, firstLine: 0 };
  const details = options.details;
  const policy = new RebasePolicy(options.rebaseAfter, options.episodeGap, detector.config.depth);
  const rebases: string[] = [];

  await out.write(details ? HEADER + DETAILS_HEADER + '\n' : HEADER + '\n');
  let index = 0;
  try {
    for await (const { value } of readSeries(input, { column: options.column, skipInvalid: options.skipInvalid }, skipped)) {
      const status = detector.step(value);
      counts[status]++;
      if (policy.observe(detector, value, status)) {
        rebases.push(`rebased at index ${index}: level ${policy.oldLevel} -> ${policy.newLevel} after ${options.rebaseAfter} alarms in one episode\n`);
      }
      let line = `${index},${formatValue(value)},${statusName(status)},${fmt(detector.upperThreshold)},${fmt(detector.lowerThreshold)},${fmt(detector.probability)}`;
      if (details) line += modelColumns(detector);
      const pending = out.write(line + '\n');
      if (pending !== undefined) await pending;
      index++;
      if (out.closed) break;
    }
  } finally {
    await out.flush();
    if (input !== process.stdin) input.destroy();
  }

  if (options.state !== undefined) saveState(options.state, detector);
  const total = index;
  for (const status of STATUSES) {
    const share = total === 0 ? 0 : (100 * counts[status]) / total;
    process.stderr.write(`${statusName(status).padEnd(12)} ${String(counts[status]).padStart(10)}  ${share.toFixed(3)}%\n`);
  }
  for (const line of rebases.slice(0, 20)) process.stderr.write(line);
  if (rebases.length > 20) process.stderr.write(`... ${rebases.length - 20} more rebases\n`);
  if (skipped.count > 0) {
    process.stderr.write(`skipped ${skipped.count} invalid value(s), the first on line ${skipped.firstLine}\n`);
  }
}

function openInput(file: string): Readable {
  if (!existsSync(file)) throw new UsageError(`cannot read ${file}: no such file`);
  return createReadStream(file);
}

/** A new detector from the options, or the one saved in --state (whose parameters win). */
function makeDetector(options: SpotCommandOptions, command: Command): DriftSpot {
  const config: SpotConfig = {
    depth: options.depth,
    q: options.q,
    n_init: options.nInit,
    level: options.level,
    up: options.up,
    down: options.down,
    alert: options.alert,
    bounded: options.bounded,
    max_excess: options.maxExcess,
  };
  if (options.state !== undefined && existsSync(options.state)) {
    const detector = loadState(options.state);
    for (const key of Object.keys(OPTION_OF) as (keyof SpotConfig)[]) {
      const explicit = command.getOptionValueSource(OPTION_OF[key]) === 'cli';
      if (explicit && detector.config[key] !== config[key]) {
        throw new UsageError(
          `${FLAG_OF[key]} gives ${key} = ${config[key]} but the state in ${options.state} has ${key} = ${detector.config[key]} (drop the option or the state file)`,
        );
      }
    }
    return detector;
  }
  try {
    return new DriftSpot(config);
  } catch (err) {
    if (err instanceof SpotParameterError) {
      throw new UsageError(`${FLAG_OF[err.parameter as keyof SpotConfig] ?? err.parameter}: ${err.message}`);
    }
    throw err;
  }
}

function loadState(file: string): DriftSpot {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new InputError(`cannot read state ${file}: ${(err as Error).message}`);
  }
  try {
    return DriftSpot.restore(text);
  } catch (err) {
    if (err instanceof SnapshotError) throw new UsageError(`state ${file}: ${err.message}`);
    throw err;
  }
}

function saveState(file: string, detector: DriftSpot): void {
  const tmp = `${file}.tmp-${process.pid}`;
  try {
    writeFileSync(tmp, JSON.stringify(detector.snapshot()) + '\n');
    renameSync(tmp, file);
  } catch (err) {
    throw new InputError(`cannot save state ${file}: ${(err as Error).message}`);
  }
}

function modelColumns(d: DriftSpot): string {
  const u = d.upper;
  const l = d.lower;
  const calibrated = d.calibrated;
  return (
    `,${fmt(d.drift)}` +
    (u !== null && calibrated ? `,${fmt(u.excessThreshold)},${fmt(u.gamma)},${fmt(u.sigma)}` : ',,,') +
    (l !== null && calibrated ? `,${fmt(l.excessThreshold)},${fmt(l.gamma)},${fmt(l.sigma)}` : ',,,')
  );
}

/** Thresholds and probabilities: empty when not defined. */
function fmt(x: number): string {
  return x === x ? String(x) : '';
}

function formatValue(x: number): string {
  if (Number.isFinite(x)) return String(x);
  return x !== x ? 'nan' : x > 0 ? 'inf' : '-inf';
}
