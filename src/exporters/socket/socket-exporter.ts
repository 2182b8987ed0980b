/**
 * [exporter.socket]: records to a unix, TCP or UDP socket, one per line (NetSpot's keys; its
 * JSON output lacked the line separator). Data and alarms may go to different peers; each
 * has its own queue and background sender.
 */
import type { Exporter, ExporterContext, ExporterDef, ExporterHealth } from '../exporter.js';
import type { Config } from '../../config/schema.js';
import type { AlarmRecord, DataRecord } from '../../records/index.js';
import { BackgroundSender } from '../network/background-sender.js';
import { deliverySettings } from '../network/delivery-settings.js';
import { parsePeerAddress } from '../network/address.js';
import { transportFor } from '../network/transport-for.js';
import { ALARM_CSV_HEADER, alarmCsvLine, alarmJsonLine, dataCsvHeader, dataCsvLine, dataJsonLine } from './record-lines.js';

/** Records per write at most. */
const BATCH = 1000;

class SocketExporter implements Exporter {
  readonly name = 'socket';
  constructor(
    private readonly dataSender: BackgroundSender | null,
    private readonly alarmSender: BackgroundSender | null,
    private readonly csv: boolean,
    private readonly tag: string,
    private readonly stats: readonly string[],
  ) {}

  async start(): Promise<void> {}

  data(r: DataRecord): void {
    this.dataSender?.push('data', this.csv ? dataCsvLine(r, this.tag, this.stats) : dataJsonLine(r, this.tag));
  }

  alarm(a: AlarmRecord): void {
    this.alarmSender?.push('alarm', this.csv ? alarmCsvLine(a, this.tag) : alarmJsonLine(a, this.tag));
  }

  flush(): void {
    this.dataSender?.wake();
    this.alarmSender?.wake();
  }

  async reopen(): Promise<void> {}

  async close(): Promise<void> {
    await Promise.all([this.dataSender?.close(), this.alarmSender?.close()]);
  }

  health(): ExporterHealth {
    const parts = [this.dataSender, this.alarmSender].filter((s) => s !== null).map((s) => s.health());
    return {
      name: this.name,
      sent: parts.reduce((n, h) => n + h.sent, 0),
      dropped: parts.reduce((n, h) => n + h.dropped, 0),
      droppedAlarms: parts.reduce((n, h) => n + h.droppedAlarms, 0),
      queued: parts.reduce((n, h) => n + h.queued, 0),
      connected: parts.every((h) => h.connected),
      lastError: parts.find((h) => h.lastError !== null)?.lastError ?? null,
    };
  }
}

export const socketExporter: ExporterDef = {
  name: 'socket',
  description:
    'records as JSON or CSV lines to a unix://, tcp:// or udp:// socket (exporter.socket.data, .alarm, .format, .tag, .queue_size, .flush_timeout)',
  enabled: (cfg) => cfg.exporter.socket.data !== '' || cfg.exporter.socket.alarm !== '',
  create(cfg: Config, ctx: ExporterContext = {}): Exporter {
    const c = cfg.exporter.socket;
    const csv = c.format === 'csv';
    const stats = [...cfg.analyzer.stats];
    const sender = (key: 'data' | 'alarm', header: string): BackgroundSender | null => {
      if (c[key] === '') return null;
      const address = parsePeerAddress(`exporter.socket.${key}`, c[key]);
      const framing = { frame: (line: string) => `${line}\n`, preamble: csv ? () => `${header}\n` : undefined };
      return new BackgroundSender({
        name: 'socket', transport: transportFor(address, framing), batchSize: BATCH, ...deliverySettings(c), onWarning: ctx.onWarning,
      });
    };
    return new SocketExporter(sender('data', dataCsvHeader(stats)), sender('alarm', ALARM_CSV_HEADER), csv, c.tag, stats);
  },
};
