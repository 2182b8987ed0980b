/**
 * Request and response schemas of the API. The routes declare them once: fastify validates
 * requests with them and @fastify/swagger builds the OpenAPI document from them.
 * `expected` is the phrase a 400 uses to say what a field accepts.
 */
import { Type, type Static } from '@sinclair/typebox';

const Nullable = <T extends ReturnType<typeof Type.String> | ReturnType<typeof Type.Number>>(t: T) =>
  Type.Union([t, Type.Null()]);

export const RunActionSchema = Type.Object(
  {
    action: Type.Union([Type.Literal('start'), Type.Literal('stop')], {
      description: 'start a run with the current config, or stop the current run',
      expected: '"start" or "stop"',
    }),
  },
  { additionalProperties: false, description: 'A running action (NetSpot: POST /api/run)' },
);
export type RunAction = Static<typeof RunActionSchema>;

export const ExporterHealthSchema = Type.Object(
  {
    name: Type.String({ description: 'exporter (influxdb, socket, syslog)' }),
    sent: Type.Integer({ description: 'records handed to the peer' }),
    dropped: Type.Integer({ description: 'records lost: queue full, rejected by the peer, or unsent at the flush deadline' }),
    droppedAlarms: Type.Integer({ description: 'of dropped, the alarms' }),
    queued: Type.Integer({ description: 'records waiting to be sent' }),
    connected: Type.Boolean({ description: 'the last send reached the peer' }),
    lastError: Nullable(Type.String({ description: 'why the last failed send failed (null once one succeeds)' })),
  },
  { additionalProperties: false },
);

export const StatusSchema = Type.Object(
  {
    running: Type.Boolean({ description: 'a run is in progress (starting, running or stopping)' }),
    state: Type.Union(
      ['idle', 'starting', 'running', 'stopping', 'ended'].map((s) => Type.Literal(s)),
      { description: 'idle: no run yet; ended: the last run is over (see end)' },
    ),
    input: Type.Union([Type.Literal('packets'), Type.Literal('zeek')], { description: 'front end of the current or last run: packets, or Zeek logs (zeek.logs set)' }),
    device: Nullable(Type.String({ description: 'miner.device (or zeek.logs) of the current or last run' })),
    series: Nullable(Type.String({ description: 'series name (capture base name or interface)' })),
    live: Type.Boolean({ description: 'the source is a network interface' }),
    stats: Type.Array(Type.String(), { description: 'statistics (or Zeek features) of the current or last run' }),
    startedAt: Nullable(Type.String({ format: 'date-time' })),
    endedAt: Nullable(Type.String({ format: 'date-time' })),
    end: Type.Union([Type.Literal('completed'), Type.Literal('stopped'), Type.Literal('failed'), Type.Null()], {
      description: 'how the last run ended: end of input, stopped, or an error',
    }),
    error: Nullable(Type.String({ description: 'why the last run failed' })),
    packets: Type.Integer(),
    periods: Type.Integer(),
    alarms: Type.Integer(),
    alarmsByStat: Type.Record(Type.String(), Type.Integer()),
    malformed: Type.Integer(),
    dropped: Type.Integer({ description: 'packets dropped by the capture (live)' }),
    bytesRead: Type.Integer({ description: 'capture file bytes read so far' }),
    bytesTotal: Type.Integer({ description: 'capture file size (0 when unknown or live)' }),
    records: Type.Integer({ description: 'Zeek records read' }),
    badLines: Type.Integer({ description: 'Zeek log lines that were no records (skipped, reported)' }),
    lateRecords: Type.Integer({ description: 'Zeek records later than zeek.lateness (counted, not used)' }),
    exporters: Type.Array(ExporterHealthSchema, { description: 'network exporters of the current or last run: what they sent and dropped' }),
    approximate: Type.Optional(
      Type.Object(
        { periods: Type.Integer(), byStat: Type.Record(Type.String(), Type.Integer()) },
        { additionalProperties: false, description: 'packet runs: periods where a fan-out table was full, so that the fan-out values are lower bounds (in all, and per statistic)' },
      ),
    ),
  },
  { additionalProperties: false, description: 'State of the analysis' },
);
export type Status = Static<typeof StatusSchema>;

export const StatInfoSchema = Type.Object(
  {
    name: Type.String(),
    description: Type.String(),
    formula: Type.String(),
    requires: Type.Array(Type.String(), { description: 'counters it reads' }),
    loaded: Type.Boolean({ description: 'listed in analyzer.stats' }),
  },
  { additionalProperties: false },
);
export const StatsSchema = Type.Object(
  {
    available: Type.Array(Type.String(), { description: 'every statistic NetSpot can compute' }),
    loaded: Type.Array(Type.String(), { description: 'analyzer.stats of the current config' }),
    stats: Type.Array(StatInfoSchema),
  },
  { additionalProperties: false },
);

const DeviceAddressSchema = Type.Object({
  family: Type.Union([Type.Literal('inet'), Type.Literal('inet6'), Type.Literal('link')]),
  address: Type.String(),
  netmask: Type.Optional(Type.String()),
  broadcast: Type.Optional(Type.String()),
  destination: Type.Optional(Type.String()),
});
export const DevicesSchema = Type.Object(
  {
    devices: Type.Array(
      Type.Object({
        name: Type.String(),
        description: Type.Optional(Type.String()),
        flags: Type.Object({
          up: Type.Boolean(),
          running: Type.Boolean(),
          loopback: Type.Boolean(),
          wireless: Type.Boolean(),
          connection: Type.String(),
        }),
        addresses: Type.Array(DeviceAddressSchema),
      }),
    ),
  },
  { additionalProperties: false },
);

const UnixNs = Type.Integer({ description: 'Unix time in nanoseconds (end of the period), exact' });

export const SeriesSchema = Type.Object(
  {
    series: Nullable(Type.String()),
    time: Type.Union([UnixNs, Type.Null()], { description: 'end of the latest period, Unix ns; null before the first' }),
    stats: Type.Array(
      Type.Object(
        {
          name: Type.String(),
          value: Nullable(Type.Number({ description: 'null: no value this period' })),
          up: Nullable(Type.Number({ description: 'upper threshold; null while calibrating or when off' })),
          down: Nullable(Type.Number({ description: 'lower threshold; null while calibrating or when off' })),
          status: Nullable(Type.String({ description: 'detector status (NORMAL, UP_ALERT, CALIBRATION, ...)' })),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false, description: 'Latest value and thresholds of every statistic of the run' },
);

const TopAddressSchema = Type.Object(
  { addr: Type.String(), pkts: Type.Integer(), share: Type.Number({ description: 'pkts / IP packets of the period' }) },
  { additionalProperties: false },
);
const TopPortSchema = Type.Object(
  {
    port: Type.Integer(), proto: Type.Union([Type.Literal('tcp'), Type.Literal('udp')]), pkts: Type.Integer(),
    share: Type.Number({ description: 'pkts / TCP and UDP packets of the period' }),
  },
  { additionalProperties: false },
);
const TopFanOutSchema = Type.Object(
  { stat: Type.String(), addr: Type.String(), targets: Type.Integer({ minimum: 1 }) },
  { additionalProperties: false, description: 'the source behind a fan-out statistic: the most distinct ports or addresses contacted' },
);
export const AlarmContextSchema = Type.Object(
  {
    top_src: Type.Array(TopAddressSchema), top_dst: Type.Array(TopAddressSchema), top_dst_port: Type.Array(TopPortSchema),
    top_fanout: Type.Optional(Type.Array(TopFanOutSchema)),
  },
  { additionalProperties: false, description: "the period's heaviest sources, destinations and destination ports (docs/alarms.md)" },
);

export const AlarmSchema = Type.Object(
  {
    id: Type.Integer({ description: 'sequence number, increasing over the server life' }),
    time: UnixNs,
    status: Type.Union([Type.Literal('UP_ALERT'), Type.Literal('DOWN_ALERT')]),
    stat: Type.String(),
    value: Nullable(Type.Number()),
    code: Type.Integer({ description: '1 up, -1 down' }),
    probability: Nullable(Type.Number()),
    threshold: Nullable(Type.Number()),
    context: Type.Optional(AlarmContextSchema),
  },
  { additionalProperties: false, description: "NetSpot's alarm record, numbered, with who is behind it (absent when analyzer.context_top is 0)" },
);

export const EpisodeSchema = Type.Object(
  {
    id: Type.Integer({ description: 'sequence number, increasing over the server life' }),
    stat: Type.String(),
    status: Type.Union([Type.Literal('UP_ALERT'), Type.Literal('DOWN_ALERT')]),
    start: UnixNs,
    end: UnixNs,
    periods: Type.Integer({ description: 'alarmed periods' }),
    peak_value: Nullable(Type.Number()),
    min_probability: Nullable(Type.Number()),
    context: Type.Union([AlarmContextSchema, Type.Null()]),
    baseline: Type.Union([Type.Object({ old_level: Nullable(Type.Number()), new_level: Nullable(Type.Number()) }, { additionalProperties: false, description: 'set when the episode ended because its level became the new normal (spot.rebase_after)' }), Type.Null()]),
  },
  { additionalProperties: false, description: 'one incident: consecutive alarms of a statistic (docs/alarms.md)' },
);

export const EpisodesSchema = Type.Object(
  {
    episodes: Type.Array(EpisodeSchema),
    next: Type.Integer({ description: 'the since to use next time' }),
    missed: Type.Integer({ description: 'episodes after since that the bounded buffer no longer holds' }),
    capacity: Type.Integer({ description: 'size of the episode buffer' }),
  },
  { additionalProperties: false },
);

export const AlarmsQuerySchema = Type.Object(
  {
    since: Type.Optional(
      Type.String({ pattern: '^[0-9]{1,15}$', description: 'return alarms with an id above this one (default 0: all held)', expected: 'a non-negative integer (an alarm id)' }),
    ),
    limit: Type.Optional(
      Type.String({ pattern: '^[1-9][0-9]{0,4}$', description: 'at most this many (default: the whole buffer)', expected: 'a positive integer' }),
    ),
  },
  { additionalProperties: false },
);

export const AlarmsSchema = Type.Object(
  {
    alarms: Type.Array(AlarmSchema),
    next: Type.Integer({ description: 'the since to use next time' }),
    missed: Type.Integer({ description: 'alarms after since that the bounded buffer no longer holds' }),
    capacity: Type.Integer({ description: 'size of the alarm buffer' }),
  },
  { additionalProperties: false },
);
