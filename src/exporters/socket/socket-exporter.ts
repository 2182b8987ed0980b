/**
 * [exporter.socket]: records to a unix, TCP or UDP socket, one per line (NetSpot's keys; its
 * JSON output lacked the line separator). Data and alarms may go to different peers; each
 * has its own queue and background sender.
 */
import type { Exporter, ExporterContext, ExporterDef } from '../exporter.js';
import type { Config } from '../../config/schema.js';
import { BackgroundSender } from '../network/background-sender.js';
import { QueuedExporter } from '../network/queued-exporter.js';
import { deliverySettings } from '../network/delivery-settings.js';
import { parsePeerAddress } from '../network/address.js';
import { transportFor } from '../network/transport-for.js';
import { ALARM_CSV_HEADER, alarmCsvLine, alarmJsonLine, dataCsvHeader, dataCsvLine, dataJsonLine } from './record-lines.js';

/** Records per write at most. */
const BATCH = 1000;

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
    const dataSender = sender('data', dataCsvHeader(stats));
    const alarmSender = sender('alarm', ALARM_CSV_HEADER);
    return new QueuedExporter(
      'socket',
      dataSender === null ? null : { sender: dataSender, format: (r) => (csv ? dataCsvLine(r, c.tag, stats) : dataJsonLine(r, c.tag)) },
      alarmSender === null ? null : { sender: alarmSender, format: (a) => (csv ? alarmCsvLine(a, c.tag) : alarmJsonLine(a, c.tag)) },
    );
  },
};
