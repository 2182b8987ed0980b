import type { AlarmRecord, DataRecord } from '../records/index.js';
import type { Config } from '../config/schema.js';
import type { NamedFile } from '../util/file-identity.js';

/**
 * An exporter receives every record of a run. Calls arrive in time order: `data` once per
 * period, `alarm` for each alert of that period, then `flush` (the end of the period: an
 * exporter must have handed everything to its destination by then).
 */
export interface Exporter {
  readonly name: string;
  /**
   * The files this exporter will write for `series`, each with the config key that named it.
   * The session refuses a run where two outputs, or an output and the input, are one file.
   * Every exporter that writes files must list them here (and open them with util/safe-open).
   */
  outputFiles?(series: string): readonly NamedFile[];
  /** Opens destinations; `series` names the run (capture base name or interface). */
  start(series: string): Promise<void>;
  data(r: DataRecord): void;
  alarm(a: AlarmRecord): void;
  flush(): void;
  /** Reopens output files (SIGHUP, for logrotate). */
  reopen(): Promise<void>;
  close(): Promise<void>;
}

/** An exporter type as the registry knows it. */
export interface ExporterDef {
  readonly name: string;
  readonly description: string;
  /** Whether the config asks for this exporter. */
  enabled(cfg: Config): boolean;
  create(cfg: Config): Exporter;
}
