/**
 * The configuration schema: one place that gives the keys, their types, defaults, allowed
 * values and descriptions. Validation, `--section.key` flags, `netspot defaults` and (later)
 * the HTTP API's config routes are all derived from it.
 *
 * `expected` is our own annotation: the phrase error messages use for a bad value; `output:
 * true` marks a key that names a file NetSpot writes (the server confines those to a directory).
 */
import { Type, type Static, type TObject, type TProperties } from '@sinclair/typebox';
import { statNames } from '../stats/index.js';
import { DURATION_PATTERN } from './duration.js';
import { SPOT_CONFIG_DEFAULTS as SPOT } from '../spot/index.js';

const duration = (def: string, description: string) =>
  Type.String({ default: def, pattern: DURATION_PATTERN, description, expected: 'a duration such as 500ms, 1s or 2m' });

export const MinerSchema = Type.Object(
  {
    device: Type.String({
      default: '',
      description: 'capture file (pcap or pcapng, optionally gzip-compressed) or network interface to watch',
      expected: 'a file path or an interface name',
    }),
    promiscuous: Type.Boolean({ default: true, description: 'live capture: put the interface in promiscuous mode', expected: 'true or false' }),
    snapshot_len: Type.Integer({
      default: 65535, minimum: 64, maximum: 262144,
      description: 'live capture: bytes captured per packet', expected: 'an integer from 64 to 262144',
    }),
    filter: Type.String({ default: '', description: 'BPF filter expression applied to the capture (tcpdump syntax); empty = all packets', expected: 'a BPF expression' }),
    buffer_size: Type.Integer({
      default: 0, minimum: 0,
      description: 'live capture: kernel capture buffer in bytes (0 = a large default chosen by NetSpot)', expected: 'a non-negative integer (bytes)',
    }),
    timeout: duration('0s', 'live capture: stop after this long without packets (0s = never)'),
  },
  { additionalProperties: false, description: 'Where packets come from' },
);

export const AnalyzerSchema = Type.Object(
  {
    period: duration('1s', 'length of a period: statistics are computed and checked once per period'),
    stats: Type.Array(
      Type.Union(statNames.map((n) => Type.Literal(n))),
      {
        default: ['AVG_PKT_SIZE', 'PERF', 'R_ARP', 'R_SYN', 'TRAFFIC'], uniqueItems: true,
        description: 'statistics to compute (netspot ls lists them)', expected: `a list of statistics among ${statNames.join(', ')}`,
      },
    ),
    state_file: Type.String({
      default: '',
      description: 'file the detectors are saved to (every state_every periods and at the end) and restored from at start ' +
        'when its statistics, period and SPOT parameters match, so that a restart does not recalibrate; empty = off',
      expected: 'a file path', output: true,
    }),
    state_every: Type.Integer({
      default: 60, minimum: 1,
      description: 'periods between two saves of state_file', expected: 'a positive integer',
    }),
  },
  { additionalProperties: false, description: 'What is computed from the counters' },
);

const spotKeys = {
  depth: Type.Integer({ default: SPOT.depth, minimum: 0, description: 'drift window: mean of the last depth normal values is removed (0 = no drift)', expected: 'a non-negative integer' }),
  q: Type.Number({ default: SPOT.q, exclusiveMinimum: 0, exclusiveMaximum: 1, description: 'alarm probability: the threshold z_q has P(X > z_q) = q', expected: 'a number in (0, 1)' }),
  n_init: Type.Integer({ default: SPOT.n_init, minimum: 1, description: 'values used to calibrate (after the first depth values)', expected: 'a positive integer' }),
  level: Type.Number({ default: SPOT.level, minimum: 0, exclusiveMaximum: 1, description: 'quantile of the calibration values above which values are peaks', expected: 'a number in [0, 1)' }),
  up: Type.Boolean({ default: SPOT.up, description: 'watch the upper tail', expected: 'true or false' }),
  down: Type.Boolean({ default: SPOT.down, description: 'watch the lower tail', expected: 'true or false' }),
  alert: Type.Boolean({ default: SPOT.alert, description: 'flag values beyond the thresholds (and keep them out of the model)', expected: 'true or false' }),
  bounded: Type.Boolean({ default: SPOT.bounded, description: 'keep at most max_excess peaks', expected: 'true or false' }),
  max_excess: Type.Integer({ default: SPOT.max_excess, minimum: 1, description: 'number of peaks kept when bounded', expected: 'a positive integer' }),
};

export const SpotParamsSchema = Type.Object(spotKeys, { additionalProperties: false });
export type SpotParams = Static<typeof SpotParamsSchema>;
const SpotOverrideSchema = Type.Partial(SpotParamsSchema, { additionalProperties: false });

const perStat: TProperties = {};
for (const n of statNames) perStat[n] = Type.Optional(SpotOverrideSchema);

export const SpotSchema = Type.Object(
  { ...spotKeys, ...perStat },
  { additionalProperties: false, description: 'SPOT detectors: defaults for every statistic, overridden in [spot.STAT]' },
) as unknown as TObject<typeof spotKeys & Record<string, typeof SpotOverrideSchema>>;

export const ConsoleExporterSchema = Type.Object(
  {
    data: Type.Boolean({ default: false, description: 'print a data record per period (-v)', expected: 'true or false' }),
    alarm: Type.Boolean({ default: true, description: 'print alarms', expected: 'true or false' }),
  },
  { additionalProperties: false, description: 'Console output (readable on a terminal, JSON lines otherwise)' },
);

export const FileExporterSchema = Type.Object(
  {
    data: Type.String({ default: '', description: 'file for data records, JSON lines; %s is replaced by the series name; empty = off', expected: 'a file path', output: true }),
    alarm: Type.String({ default: '', description: 'file for alarm records, JSON lines; %s is replaced by the series name; empty = off', expected: 'a file path', output: true }),
  },
  { additionalProperties: false, description: 'File output' },
);

export const ExporterSchema = Type.Object(
  { console: ConsoleExporterSchema, file: FileExporterSchema },
  { additionalProperties: false, description: 'Where records go' },
);

export const ConfigSchema = Type.Object(
  { miner: MinerSchema, analyzer: AnalyzerSchema, exporter: ExporterSchema, spot: SpotSchema },
  { additionalProperties: false },
);

export interface Config {
  miner: Static<typeof MinerSchema>;
  analyzer: { period: string; stats: string[]; state_file: string; state_every: number };
  exporter: Static<typeof ExporterSchema>;
  spot: SpotParams & { [stat: string]: Partial<SpotParams> | number | boolean };
}
