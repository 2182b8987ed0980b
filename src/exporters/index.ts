/**
 * The exporter registry. Adding an exporter: write `my-exporter.ts` with an ExporterDef (a
 * name, when the config enables it, and a factory) and list it here.
 */
import type { Config } from '../config/schema.js';
import type { Exporter, ExporterContext, ExporterDef } from './exporter.js';
import { consoleExporter } from './console-exporter.js';
import { fileExporter } from './file-exporter.js';
import { influxdbExporter } from './influxdb/influxdb-exporter.js';
import { socketExporter } from './socket/socket-exporter.js';
import { syslogExporter } from './syslog/syslog-exporter.js';
import { natsExporter } from './nats/nats-exporter.js';

export type { Exporter, ExporterContext, ExporterDef, ExporterHealth } from './exporter.js';
export { expandSeriesPath } from './file-exporter.js';

export const exporterDefs: readonly ExporterDef[] = [consoleExporter, fileExporter, influxdbExporter, socketExporter, syslogExporter, natsExporter];

/** The exporters the config enables, created but not started. */
export function createExporters(cfg: Config, ctx: ExporterContext = {}): Exporter[] {
  return exporterDefs.filter((d) => d.enabled(cfg)).map((d) => d.create(cfg, ctx));
}
