/**
 * [exporter.influxdb]: data points and alarms in InfluxDB (NetSpot's keys, plus the v2 API).
 * The analysis only formats points and queues them; a BackgroundSender writes them.
 */
import type { Exporter, ExporterContext, ExporterDef } from '../exporter.js';
import type { Config } from '../../config/schema.js';
import { UsageError } from '../../util/errors.js';
import { BackgroundSender } from '../network/background-sender.js';
import { QueuedExporter } from '../network/queued-exporter.js';
import { deliverySettings } from '../network/delivery-settings.js';
import { readSecret } from '../network/secret.js';
import { alarmPoint, dataPoint } from './line-protocol.js';
import { InfluxWriter, type InfluxTarget } from './influx-writer.js';

function target(cfg: Config): InfluxTarget {
  const c = cfg.exporter.influxdb;
  if (c.api === 'v1') {
    if (c.database === '') throw new UsageError('bad value for exporter.influxdb.database: "" (expected a database name)');
    return { api: 'v1', database: c.database, username: c.username, password: readSecret('influxdb', 'password', c.password, c.password_file) };
  }
  for (const k of ['org', 'bucket'] as const) {
    if (c[k] === '') throw new UsageError(`exporter.influxdb.${k} is needed with api = "v2"`);
  }
  const token = readSecret('influxdb', 'token', c.token, c.token_file);
  if (token === '') throw new UsageError('exporter.influxdb.token (or token_file) is needed with api = "v2"');
  return { api: 'v2', org: c.org, bucket: c.bucket, token };
}

function checkAddress(address: string): string {
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    throw new UsageError(`bad value for exporter.influxdb.address: ${JSON.stringify(address)} (expected an http:// or https:// URL)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`bad value for exporter.influxdb.address: ${JSON.stringify(address)} (expected an http:// or https:// URL)`);
  }
  return address;
}

export const influxdbExporter: ExporterDef = {
  name: 'influxdb',
  description:
    'InfluxDB line protocol over HTTP, v1 or v2 API (exporter.influxdb.data, .alarm, .address, .api, .database, .username, ' +
    '.password, .password_file, .org, .bucket, .token, .token_file, .batch_size, .agent_name, .queue_size, .flush_timeout)',
  enabled: (cfg) => cfg.exporter.influxdb.data || cfg.exporter.influxdb.alarm,
  create(cfg: Config, ctx: ExporterContext = {}): Exporter {
    const c = cfg.exporter.influxdb;
    const writer = new InfluxWriter(checkAddress(c.address), target(cfg));
    const sender = new BackgroundSender({
      name: 'influxdb', transport: writer, batchSize: c.batch_size, ...deliverySettings(c), onWarning: ctx.onWarning,
    });
    return new QueuedExporter(
      'influxdb',
      c.data ? { sender, format: (r) => dataPoint(r, c.agent_name) } : null,
      c.alarm ? { sender, format: (a) => alarmPoint(a, c.agent_name) } : null,
    );
  },
};
