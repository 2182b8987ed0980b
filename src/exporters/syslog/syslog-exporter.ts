/**
 * [exporter.syslog]: alarms (and optionally data) as RFC 5424 messages to a syslog server,
 * the simplest way into a SIEM. UDP: one message per datagram; TCP: octet-counting framing
 * (RFC 6587); unix: a datagram socket such as /dev/log.
 */
import { hostname } from 'node:os';
import type { Exporter, ExporterContext, ExporterDef } from '../exporter.js';
import type { Config } from '../../config/schema.js';
import { BackgroundSender, type Transport } from '../network/background-sender.js';
import { QueuedExporter } from '../network/queued-exporter.js';
import { deliverySettings } from '../network/delivery-settings.js';
import { parsePeerAddress } from '../network/address.js';
import { transportFor } from '../network/transport-for.js';
import { UnixDatagramTransport } from '../network/unix-datagram-transport.js';
import { FACILITY_CODES, alarmMessage, dataMessage, headerField, octetCounted, type SyslogHeader } from './rfc5424.js';

const BATCH = 500;

export const syslogExporter: ExporterDef = {
  name: 'syslog',
  description:
    'RFC 5424 messages to unix:///dev/log, udp:// or tcp:// (octet counting): alarms with structured data (exporter.syslog.address, ' +
    '.alarm, .data, .facility, .app_name, .queue_size, .flush_timeout)',
  enabled: (cfg) => cfg.exporter.syslog.address !== '' && (cfg.exporter.syslog.alarm || cfg.exporter.syslog.data),
  create(cfg: Config, ctx: ExporterContext = {}): Exporter {
    const c = cfg.exporter.syslog;
    const address = parsePeerAddress('exporter.syslog.address', c.address);
    const transport: Transport =
      address.scheme === 'unix'
        ? new UnixDatagramTransport(address)
        : transportFor(address, { frame: octetCounted }, { frame: (m) => m });
    const header: SyslogHeader = {
      facility: FACILITY_CODES[c.facility],
      hostname: headerField(hostname(), 255),
      appName: headerField(c.app_name, 48),
      procId: String(process.pid),
    };
    const sender = new BackgroundSender({ name: 'syslog', transport, batchSize: BATCH, ...deliverySettings(c), onWarning: ctx.onWarning });
    return new QueuedExporter(
      'syslog',
      c.data ? { sender, format: (r) => dataMessage(r, header) } : null,
      c.alarm ? { sender, format: (a) => alarmMessage(a, header) } : null,
    );
  },
};
