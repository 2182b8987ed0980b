/** The `[zeek]` configuration section: what `netspot zeek` reads and where it writes. */
import { Type, type Static } from '@sinclair/typebox';
import { DURATION_PATTERN, PERIOD_EXPECTED, PERIOD_MAX_NS, PERIOD_MIN_NS } from '../config/duration.js';

export const ZeekSchema = Type.Object(
  {
    logs: Type.Array(Type.String(), {
      default: [],
      description: 'Zeek logs to read (TSV or JSON, gzip or not); rotated files of one log are read in time order',
      expected: 'a list of file paths',
    }),
    features: Type.Array(Type.String(), {
      default: [],
      description: 'feature expressions: LOG.count, LOG.distinct(F), LOG.sum(F), LOG.mean(F), LOG.max(F), LOG.ratio(F=V); F may be len(F)',
      expected: 'a list of feature expressions such as conn.distinct(id.resp_p)',
    }),
    period: Type.String({
      default: '60s', pattern: DURATION_PATTERN, maxLength: 64, minNs: PERIOD_MIN_NS, maxNs: PERIOD_MAX_NS,
      description: 'period of the feature expressions, aligned on the epoch (1ms to 24h)', expected: PERIOD_EXPECTED,
    }),
    lateness: Type.String({
      default: '', pattern: `^$|${DURATION_PATTERN}`, maxLength: 64,
      description: 'how long a period stays open for records written out of ts order (empty = one period)', expected: 'a duration such as 30s, or empty',
    }),
    follow: Type.Boolean({ default: false, description: 'follow the logs as they grow, across rotation and truncation (tail -F)', expected: 'true or false' }),
    poll: Type.String({
      default: '200ms', pattern: DURATION_PATTERN, maxLength: 64, minNs: 1e6, maxNs: 60e9,
      description: 'follow: how often the logs are checked (1ms to 1m)', expected: 'a duration from 1ms to 1m',
    }),
    stats: Type.Boolean({ default: true, description: "bro-spotd mode: every numeric field of each stats.log record is an observation", expected: 'true or false' }),
    profile: Type.String({ default: '', description: "bro-spotd profile (.ini): detector parameters and the features to watch", expected: 'a file path' }),
    anomaly_log: Type.String({
      default: '', description: 'directory where anomalies are appended to spot-anomaly.log, a Zeek log (empty = off)', expected: 'a directory path', output: true,
    }),
    anomaly_log_format: Type.Union([Type.Literal('tsv'), Type.Literal('json')], { default: 'tsv', description: 'spot-anomaly.log format: tsv (Zeek ASCII) or json', expected: 'tsv or json' }),
    dbus: Type.Union([Type.Literal(''), Type.Literal('session'), Type.Literal('system')], {
      default: '', description: "serve bro-spotd's D-Bus control on this bus (empty = off)", expected: 'session, system or empty',
    }),
    dbus_name: Type.String({ default: 'bro.spot', description: 'D-Bus name owned when zeek.dbus is set', expected: 'a D-Bus name such as bro.spot' }),
  },
  { additionalProperties: false, description: 'Zeek logs as input (netspot zeek, or netspot serve when zeek.logs is set)' },
);

export type ZeekSettings = Static<typeof ZeekSchema>;
