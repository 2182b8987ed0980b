import type { TalkerSummary } from '../context/talker-summary.js';
import type { AlarmRecord, DataRecord, EpisodeRecord } from '../records/index.js';
import type { Config } from '../config/schema.js';
import type { NamedFile } from '../util/file-identity.js';
import type { PeriodCountersState } from '../counters/counter-state.js';
import type { PeriodInfo } from '../counters/index.js';

/**
 * An exporter receives every record of a run. Calls arrive in time order: `data` once per
 * period, `alarm` for each alert of that period, `episode` for each episode that ended with
 * it (the last period also ends every open episode), then `flush` (the end of the period: a
 * local exporter has handed everything to its destination by then; a network exporter has
 * queued it and wakes its background sender, never making the analysis wait).
 */
export interface Exporter {
  readonly name: string;
  /**
   * The files this exporter will write for `series`, each with the config key that named it.
   * The session refuses a run where two outputs, or an output and the input, are one file.
   * Every exporter that writes files must list them here (and open them with util/safe-open).
   */
  outputFiles?(series: string): readonly NamedFile[];
  /**
   * Opens destinations; `series` names the run (capture base name or interface). `resume`: a
   * run that continues an earlier one (netspot aggregate after a restart): output files are
   * kept, not started afresh, and cut back to the lengths they had at its last commit
   * (`outputLengths`), dropping what was written after it, which the run writes again.
   */
  start(series: string, resume?: OutputLengths): Promise<void>;
  data(r: DataRecord): void;
  alarm(a: AlarmRecord): void;
  /** An episode ended (exporters that have no use for episodes leave it out). */
  episode?(e: EpisodeRecord): void;
  flush(): void;
  /** Reopens output files (SIGHUP, for logrotate). */
  reopen(): Promise<void>;
  /** Ends the run: a network exporter sends what is queued, within its flush deadline. */
  close(): Promise<void>;
  /** Delivery figures of exporters that can fall behind or lose records (network ones). */
  health?(): ExporterHealth;
  /** Exporters that write files: each file's length in bytes after the last flush, by config key. */
  outputLengths?(): OutputLengths;
}

/** Output file lengths in bytes, by the config key that named the file (exporter.file.data...). */
export type OutputLengths = Readonly<Record<string, number>>;

/** What a network exporter did with the records it was given (counts of records). */
export interface ExporterHealth {
  readonly name: string;
  /** Records handed to the peer (acknowledged by it where the protocol says so). */
  readonly sent: number;
  /** Records lost: queue full, rejected by the peer, or unsent at the flush deadline. */
  readonly dropped: number;
  /** Of `dropped`, how many were alarms. */
  readonly droppedAlarms: number;
  /** Records waiting in the queue or in the request being sent. */
  readonly queued: number;
  /** The last send reached the peer. */
  readonly connected: boolean;
  /** Why the last failed attempt failed (null once a send succeeds again). */
  readonly lastError: string | null;
}

/** What an exporter may use besides its config. */
export interface ExporterContext {
  /** Non-fatal problems (peer down, records dropped), already rate-limited by the exporter. */
  onWarning?: (message: string) => void;
  /** Packet runs: the mergeable counter states of the period being exported (exporter.nats). */
  counterState?: () => { state: PeriodCountersState | undefined; period: PeriodInfo | undefined; talkers?: TalkerSummary };
}

/** An exporter type as the registry knows it. */
export interface ExporterDef {
  readonly name: string;
  readonly description: string;
  /** Whether the config asks for this exporter. */
  enabled(cfg: Config): boolean;
  /** Throws a UsageError naming the key when the section is unusable. */
  create(cfg: Config, ctx?: ExporterContext): Exporter;
}
