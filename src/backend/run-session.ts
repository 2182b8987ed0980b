/**
 * What the CLI's progress and the server need of a run, whichever front end feeds the back
 * end: its name, its counts so far, and stop / reopen. pipeline/Session (packets) and
 * zeek/ZeekSession (Zeek logs) both are one.
 */
import type { ExporterHealth } from '../exporters/index.js';

export interface RunProgress {
  running: boolean;
  /** Packet front end: packets, packets cut short, packets dropped by the capture. */
  packets: number;
  malformed: number;
  dropped: number;
  /** Capture file bytes read and total (0 when live or Zeek). */
  bytesRead: number;
  bytesTotal: number;
  /** Zeek front end: records read, lines that were no records, records later than zeek.lateness. */
  records: number;
  badLines: number;
  lateRecords: number;
  /** Back end: periods (and stats.log observations) judged, alarms. */
  periods: number;
  alarms: number;
  alarmsByStat: Record<string, number>;
  /** Packet front end: periods where a fan-out table was full (values lower bounds), in all and per statistic. */
  approximate?: { periods: number; byStat: Record<string, number> };
}

export type FrontEndKind = 'packets' | 'zeek';

export interface RunSession {
  readonly input: FrontEndKind;
  /** Series name in records. */
  readonly series: string;
  /** Follows a live input (interface, or followed logs): runs until stopped. */
  readonly live: boolean;
  /** Names judged (statistics or Zeek features), known so far. */
  watched(): string[];
  progress(): RunProgress;
  /** Delivery figures of the exporters that report them (network exporters). */
  exporterHealth(): ExporterHealth[];
  run(): Promise<unknown>;
  stop(): void;
  reopenOutputs(): Promise<void>;
}

export function emptyProgress(): RunProgress {
  return {
    running: false, packets: 0, malformed: 0, dropped: 0, bytesRead: 0, bytesTotal: 0,
    records: 0, badLines: 0, lateRecords: 0, periods: 0, alarms: 0, alarmsByStat: {},
  };
}
