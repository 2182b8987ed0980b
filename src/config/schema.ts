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
import {
  DURATION_PATTERN, FLUSH_TIMEOUT_EXPECTED, FLUSH_TIMEOUT_MAX_NS, PERIOD_EXPECTED, PERIOD_MAX_NS, PERIOD_MIN_NS, TIMEOUT_EXPECTED, TIMEOUT_MAX_NS,
} from './duration.js';
import { SPOT_CONFIG_DEFAULTS as SPOT, DEFAULT_REBASE_AFTER } from '../spot/index.js';
import { ZeekSchema, type ZeekSettings } from '../zeek/zeek-config.js';

// The range of each duration key (minNs..maxNs) is checked on the parsed value by
// validateConfig (load.ts), for every key declared with `duration`.
/** Longest miner.filter accepted, in characters. */
export const FILTER_MAX_LENGTH = 512;

const duration = (def: string, description: string, expected: string, minNs: number, maxNs: number) =>
  Type.String({ default: def, pattern: DURATION_PATTERN, maxLength: 64, description, expected, minNs, maxNs });

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
    // libpcap's compile time grows steeply with length ("port 1 or port 2 or ..." takes 55 ms
    // at 650 characters, 0.7 s at 1300): the bound keeps it short (docs/performance.md).
    filter: Type.String({
      default: '', maxLength: FILTER_MAX_LENGTH,
      description: `BPF filter expression applied to the capture (tcpdump syntax); empty = all packets; at most ${FILTER_MAX_LENGTH} characters`,
      expected: `a BPF expression of at most ${FILTER_MAX_LENGTH} characters`,
    }),
    buffer_size: Type.Integer({
      default: 0, minimum: 0,
      description: 'live capture: kernel capture buffer in bytes (0 = a large default chosen by NetSpot)', expected: 'a non-negative integer (bytes)',
    }),
    timeout: duration('0s', 'live capture: stop after this long without packets (0s = never; at most 24h)', TIMEOUT_EXPECTED, 0, TIMEOUT_MAX_NS),
  },
  { additionalProperties: false, description: 'Where packets come from' },
);

export const AnalyzerSchema = Type.Object(
  {
    period: duration('1s', 'length of a period: statistics are computed and checked once per period (1ms to 24h)', PERIOD_EXPECTED, PERIOD_MIN_NS, PERIOD_MAX_NS),
    align: Type.Union([Type.Literal('start'), Type.Literal('epoch')], {
      default: 'start',
      description: 'period grid: start = periods of the first packet (or of the start of a live capture) onwards; ' +
        'epoch = [k*period, (k+1)*period) since 1970, as Zeek logs, so that the periods of several sensors line up (netspot aggregate)',
      expected: '"start" or "epoch"',
    }),
    stats: Type.Array(
      Type.Union(statNames.map((n) => Type.Literal(n))),
      {
        default: ['AVG_PKT_SIZE', 'PERF', 'R_ARP', 'R_SYN', 'TRAFFIC'], uniqueItems: true,
        description: 'statistics to compute (netspot ls lists them; all = every statistic except PERF)',
        expected: `a list of statistics among ${statNames.join(', ')} (or all)`,
      },
    ),
    context_top: Type.Integer({
      default: 5, minimum: 0, maximum: 50,
      description: 'alarms carry the top N source addresses, destination addresses and destination ports of their period (0 = no context)',
      expected: 'an integer from 0 to 50',
    }),
    episode_gap: Type.Integer({
      default: 3, minimum: 1,
      description: 'periods without an alarm of a statistic that end its episode',
      expected: 'a positive integer',
    }),
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
    workers: Type.Integer({
      default: 0, minimum: 0, maximum: 256,
      description: 'threads that decode and count (1 = the main thread alone; 0 = one per core, at most 8, ' +
        'on machines of 4 cores or more, for files of 16 MiB or more, else 1); files: the records do not depend on it (REAL_TIME and PERF aside); ' +
        'live: one capture per thread sharing the interface by flow hash (PACKET_FANOUT, Linux)',
      expected: 'an integer from 0 to 256',
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
  rebase_after: Type.Integer({
    default: DEFAULT_REBASE_AFTER, minimum: 0,
    description: 'alarms in one episode after which its level becomes the new normal, ending the alarm storm of a lasting change (0 = never, as NetSpot)',
    expected: 'a non-negative integer',
  }),
};

export const SpotParamsSchema = Type.Object(spotKeys, { additionalProperties: false });
export type SpotParams = Static<typeof SpotParamsSchema>;
const SpotOverrideSchema = Type.Partial(SpotParamsSchema, { additionalProperties: false });

const perStat: TProperties = {};
for (const n of statNames) perStat[n] = Type.Optional(SpotOverrideSchema);

export const SpotSchema = Type.Object(
  { ...spotKeys, ...perStat },
  {
    // Other tables are Zeek features and stats.log fields ([spot."dns.count"], [spot.pkts_proc]):
    // their names are only known at run time; validateConfig refuses upper-case ones (typos of statistics).
    additionalProperties: Type.Partial(SpotParamsSchema, {
      additionalProperties: false, expected: 'a table of SPOT keys for a Zeek feature or stats.log field (it is no [spot] key)',
    }),
    description: 'SPOT detectors: defaults for every statistic, overridden in [spot.STAT] (or [spot."FEATURE"] for Zeek)',
  },
) as unknown as TObject<typeof spotKeys & Record<string, typeof SpotOverrideSchema>>;

export const ConsoleExporterSchema = Type.Object(
  {
    data: Type.Boolean({ default: false, description: 'print a data record per period (-v)', expected: 'true or false' }),
    alarm: Type.Boolean({ default: true, description: 'print alarms', expected: 'true or false' }),
    episode: Type.Boolean({ default: false, description: 'print a record per episode (consecutive alarms of a statistic) when it ends', expected: 'true or false' }),
  },
  { additionalProperties: false, description: 'Console output (readable on a terminal, JSON lines otherwise)' },
);

export const FileExporterSchema = Type.Object(
  {
    data: Type.String({ default: '', description: 'file for data records, JSON lines; %s is replaced by the series name; empty = off', expected: 'a file path', output: true }),
    alarm: Type.String({ default: '', description: 'file for alarm records, JSON lines; %s is replaced by the series name; empty = off', expected: 'a file path', output: true }),
    episode: Type.String({ default: '', description: 'file for episode records (one per incident), JSON lines; %s is replaced by the series name; empty = off', expected: 'a file path', output: true }),
  },
  { additionalProperties: false, description: 'File output' },
);

/** Keys every network exporter has: its queue and how long the end of a run may wait for it. */
const deliveryKeys = {
  queue_size: Type.Integer({
    default: 10000, minimum: 1,
    description: 'records waiting to be sent at most (besides the batch being sent); when full, the oldest data records are dropped first (alarms last), and counted',
    expected: 'a positive integer',
  }),
  flush_timeout: duration('5s', 'at the end of a run, how long sending what is queued may take; what is left then is counted as dropped (at most 10m)', FLUSH_TIMEOUT_EXPECTED, 0, FLUSH_TIMEOUT_MAX_NS),
};

export const InfluxdbExporterSchema = Type.Object(
  {
    data: Type.Boolean({ default: false, description: 'send a data point per period', expected: 'true or false' }),
    alarm: Type.Boolean({ default: false, description: 'send a point per alarm', expected: 'true or false' }),
    address: Type.String({ default: 'http://127.0.0.1:8086', description: 'InfluxDB HTTP address', expected: 'an http:// or https:// URL' }),
    api: Type.Union([Type.Literal('v1'), Type.Literal('v2')], { default: 'v1', description: 'write API: v1 (/write, database) or v2 (/api/v2/write, org and bucket)', expected: '"v1" or "v2"' }),
    database: Type.String({ default: 'netspot', description: 'v1: database (created if missing)', expected: 'a database name' }),
    username: Type.String({ default: '', description: 'v1: user name (empty = no authentication)', expected: 'a string' }),
    password: Type.String({ default: '', description: 'v1: password (prefer password_file; the API shows it as set, never its value)', expected: 'a string', secret: true }),
    password_file: Type.String({ default: '', description: 'v1: file holding the password (its first line), instead of password', expected: 'a file path' }),
    org: Type.String({ default: '', description: 'v2: organization', expected: 'a string' }),
    bucket: Type.String({ default: '', description: 'v2: bucket', expected: 'a string' }),
    token: Type.String({ default: '', description: 'v2: API token (prefer token_file; the API shows it as set, never its value)', expected: 'a string', secret: true }),
    token_file: Type.String({ default: '', description: 'v2: file holding the API token (its first line), instead of token', expected: 'a file path' }),
    batch_size: Type.Integer({ default: 10, minimum: 1, description: 'points per write request at most (a period\'s points are sent at its end without waiting for a full batch)', expected: 'a positive integer' }),
    agent_name: Type.String({ default: 'local', minLength: 1, description: 'value of the agent tag: names this sensor', expected: 'a non-empty string' }),
    ...deliveryKeys,
  },
  { additionalProperties: false, description: 'InfluxDB output (line protocol over HTTP)' },
);

export const SocketExporterSchema = Type.Object(
  {
    data: Type.String({ default: '', description: 'where data records go: unix:///path, tcp://host:port or udp://host:port; empty = off', expected: 'unix:///path, tcp://host:port, udp://host:port or empty' }),
    alarm: Type.String({ default: '', description: 'where alarms go: unix:///path, tcp://host:port or udp://host:port; empty = off', expected: 'unix:///path, tcp://host:port, udp://host:port or empty' }),
    format: Type.Union([Type.Literal('json'), Type.Literal('csv')], { default: 'json', description: 'one record per line: JSON, or CSV with a header line per connection', expected: '"json" or "csv"' }),
    tag: Type.String({ default: 'netspot', description: 'the name field of every record (tells sensors apart)', expected: 'a string' }),
    ...deliveryKeys,
  },
  { additionalProperties: false, description: 'Socket output (line-delimited records)' },
);

export const SYSLOG_FACILITIES = [
  'kern', 'user', 'mail', 'daemon', 'auth', 'syslog', 'lpr', 'news', 'uucp', 'cron', 'authpriv', 'ftp',
  'ntp', 'security', 'console', 'solaris-cron', 'local0', 'local1', 'local2', 'local3', 'local4', 'local5', 'local6', 'local7',
] as const;

export const SyslogExporterSchema = Type.Object(
  {
    address: Type.String({ default: '', description: 'syslog server: unix:///dev/log, udp://host:port or tcp://host:port (octet counting); empty = off', expected: 'unix:///path, udp://host:port, tcp://host:port or empty' }),
    alarm: Type.Boolean({ default: true, description: 'send a message per alarm (severity warning)', expected: 'true or false' }),
    data: Type.Boolean({ default: false, description: 'send a message per period with the values (severity info)', expected: 'true or false' }),
    facility: Type.Union(SYSLOG_FACILITIES.map((f) => Type.Literal(f)), { default: 'daemon', description: 'syslog facility', expected: `one of ${SYSLOG_FACILITIES.join(', ')}` }),
    app_name: Type.String({ default: 'netspot', maxLength: 48, pattern: '^[!-~]+$', description: 'APP-NAME of the messages', expected: 'up to 48 printable ASCII characters, no space' }),
    ...deliveryKeys,
  },
  { additionalProperties: false, description: 'Syslog output (RFC 5424), how alarms reach a SIEM' },
);

export const NatsExporterSchema = Type.Object(
  {
    url: Type.String({ default: '', description: 'NATS server(s) of a JetStream, e.g. nats://127.0.0.1:4222 (comma-separated for a cluster); empty = off', expected: 'nats://host:port[,nats://host:port...] or empty' }),
    subject: Type.String({
      default: '', pattern: '^$|^netspot\\.[^.*> ]+\\.[^.*> ]+\\.counters$',
      description: 'subject of this sensor\'s snapshots: netspot.SITE.SENSOR.counters (netspot aggregate --site SITE reads netspot.SITE.*.counters)',
      expected: 'netspot.SITE.SENSOR.counters (SITE and SENSOR without ".", "*", ">" or spaces)',
    }),
    stream: Type.String({ default: 'NETSPOT', pattern: '^[^.*> ]+$', description: 'JetStream stream holding the snapshots (created, for netspot.*.*.counters, if missing)', expected: 'a stream name without ".", "*", ">" or spaces' }),
    credentials: Type.String({ default: '', description: 'NATS credentials file (.creds: user JWT and NKey seed); empty = none', expected: 'a file path' }),
    ...deliveryKeys,
  },
  { additionalProperties: false, description: 'Counter snapshots per period to NATS JetStream, for netspot aggregate (docs/scale-out.md)' },
);

export const ExporterSchema = Type.Object(
  { console: ConsoleExporterSchema, file: FileExporterSchema, influxdb: InfluxdbExporterSchema, socket: SocketExporterSchema, syslog: SyslogExporterSchema, nats: NatsExporterSchema },
  { additionalProperties: false, description: 'Where records go' },
);

export const AggregateSchema = Type.Object(
  {
    wait: duration('5s', 'netspot aggregate: how long a period waits for the sensors that have not reported it yet once another one has (at most 24h)', TIMEOUT_EXPECTED, 0, TIMEOUT_MAX_NS),
    missing: Type.Integer({
      default: 3, minimum: 1,
      description: 'netspot aggregate: periods in a row a known sensor may miss before it is reported missing and no longer waited for (until it reports again)',
      expected: 'a positive integer',
    }),
  },
  { additionalProperties: false, description: 'netspot aggregate: one analysis of the counter snapshots of many sensors (docs/scale-out.md)' },
);

export const ConfigSchema = Type.Object(
  { miner: MinerSchema, analyzer: AnalyzerSchema, exporter: ExporterSchema, spot: SpotSchema, zeek: ZeekSchema, aggregate: AggregateSchema },
  { additionalProperties: false },
);

export interface Config {
  miner: Static<typeof MinerSchema>;
  analyzer: { period: string; align: 'start' | 'epoch'; stats: string[]; context_top: number; episode_gap: number; state_file: string; state_every: number; workers: number };
  exporter: Static<typeof ExporterSchema>;
  spot: SpotParams & { [stat: string]: Partial<SpotParams> | number | boolean };
  zeek: ZeekSettings;
  aggregate: Static<typeof AggregateSchema>;
}
