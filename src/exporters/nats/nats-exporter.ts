/**
 * [exporter.nats]: a sensor's counter states of every period (not its statistics) to NATS
 * JetStream, for `netspot aggregate` (docs/scale-out.md). Through the queue, retries and drop
 * accounting every network exporter shares; one message per period, on
 * netspot.SITE.SENSOR.counters. Periods must be on the epoch grid so that sensors line up.
 */
import { randomBytes } from 'node:crypto';
import type { Exporter, ExporterContext, ExporterDef } from '../exporter.js';
import type { Config } from '../../config/schema.js';
import type { DataRecord } from '../../records/index.js';
import { BackgroundSender } from '../network/background-sender.js';
import { QueuedExporter } from '../network/queued-exporter.js';
import { deliverySettings } from '../network/delivery-settings.js';
import { parseDuration } from '../../config/duration.js';
import { UsageError } from '../../util/errors.js';
import { encodeSnapshot } from '../../scale-out/snapshot-message.js';
import { readCredentials, serverList } from '../../scale-out/nats-link.js';
import { NatsTransport, withMessageId } from './nats-transport.js';

/** One snapshot per publish: one that the server refuses (too large) is dropped alone. */
const BATCH = 1;

export const natsExporter: ExporterDef = {
  name: 'nats',
  description: 'counter snapshots per period to NATS JetStream for netspot aggregate (exporter.nats.url, .subject, .stream, .credentials, .queue_size, .flush_timeout)',
  enabled: (cfg) => cfg.exporter.nats.url !== '',
  create(cfg: Config, ctx: ExporterContext = {}): Exporter {
    const c = cfg.exporter.nats;
    serverList(c.url, 'exporter.nats.url');
    readCredentials(c.credentials, 'exporter.nats.credentials');
    if (c.subject === '') throw new UsageError('exporter.nats.subject is needed with exporter.nats.url, e.g. netspot.SITE.SENSOR.counters');
    if (cfg.analyzer.align !== 'epoch') {
      throw new UsageError('exporter.nats needs analyzer.align = "epoch" (--align epoch): the periods of every sensor must line up');
    }
    const counterState = ctx.counterState;
    if (counterState === undefined) throw new UsageError('exporter.nats sends packet counters: it works with a capture (netspot run), not with Zeek logs');
    const sensor = c.subject.split('.')[2];
    const periodNs = BigInt(parseDuration(cfg.analyzer.period));
    // Tells this process's snapshots from those of an earlier run of the same sensor (a restart mid-period).
    const runId = randomBytes(6).toString('hex');
    const format = (r: DataRecord): string => {
      // Epoch grid: a full period ends on a multiple of the period, a partial one inside it.
      const start = r.partial ? r.timeNs - (r.timeNs % periodNs) : r.timeNs - periodNs;
      const { state, period, talkers } = counterState();
      if (state === undefined || period === undefined) throw new Error('exporter.nats: no counter state for this period');
      const body = encodeSnapshot(
        { sensor, start, period: periodNs, covered: r.timeNs - start, partial: r.partial, real: period.realSeconds, dropped: period.dropped, received: period.received },
        state,
        talkers,
      );
      return withMessageId(`${c.subject}:${start}:${runId}`, body);
    };
    const link = { url: c.url, urlKey: 'exporter.nats.url', credentials: c.credentials, credentialsKey: 'exporter.nats.credentials', name: `netspot sensor ${sensor}` };
    const sender = new BackgroundSender({
      name: 'nats', transport: new NatsTransport(link, c.subject, c.stream), batchSize: BATCH, ...deliverySettings(c), onWarning: ctx.onWarning,
    });
    return new QueuedExporter('nats', { sender, format }, null);
  },
};
