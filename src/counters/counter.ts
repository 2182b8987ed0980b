import type { PacketSummary } from '../decode/packet-summary.js';

/** What a counter may need to know about the period that just ended. */
export interface PeriodInfo {
  /** Length of the period in the source's clock (capture time for files), seconds. */
  sourceSeconds: number;
  /** Wall-clock time spent processing the period, seconds. */
  realSeconds: number;
  /** Packets the interface dropped during the period (live sources; 0 for files). */
  dropped: number;
  /** Packets the kernel received during the period (live sources; 0 for files). */
  received: number;
}

/**
 * A network counter: incremented per packet, read and reset at the end of each period.
 * Counters that measure the period itself (times, drops) have no `process`.
 */
export interface Counter {
  /** Called once per decoded packet (the hot path: no allocation). */
  process?(p: PacketSummary): void;
  /** The value accumulated over the period that just ended. */
  value(period: PeriodInfo): number;
  /** Starts a new period. */
  reset(): void;
}

/** A counter type as the registry knows it: one small file each. */
export interface CounterDef {
  /** NetSpot's name, e.g. `SYN`. */
  readonly name: string;
  readonly description: string;
  create(): Counter;
}

/** A counter that adds 1 for every packet `matches` accepts. */
export abstract class PacketCountCounter implements Counter {
  protected n = 0;
  abstract process(p: PacketSummary): void;
  value(): number {
    return this.n;
  }
  reset(): void {
    this.n = 0;
  }
}
