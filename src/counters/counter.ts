import type { PacketSummary } from '../decode/packet-summary.js';
import type { CounterState } from './counter-state.js';
import type { FanOutKind } from './source-fanout.js';

/** What a counter may need to know about the period that just ended. */
export interface PeriodInfo {
  /**
   * Time the period really covers in the source's clock (capture time for files), seconds:
   * the period length, or less for the last, partial period of an input.
   */
  sourceSeconds: number;
  /**
   * The input ended (end of file, stop) before the period did: its values are recorded but
   * never judged, whatever the source (a few covered nanoseconds would give absurd rates).
   */
  partial: boolean;
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
  /** Counters with `process`: the period so far as plain data (counter-state.ts); per period. */
  state?(): CounterState;
  /** Adds another counter's period state of the same kind (throws on another kind). */
  merge?(state: CounterState): void;
  /**
   * True when the period's value is approximate because a bounded table was full (the
   * fan-out counters: then a lower bound). Read before `reset`; absent = always exact.
   */
  approximate?(): boolean;
}

/**
 * The declarative form of a counter that sums something over the packets having some layers:
 * evaluated for all such counters in one loop (`SumTable`), with no call per counter and packet.
 */
export interface SumRule {
  /** LAYER_* bits: the packet counts when it has any of them; 0 = every packet. */
  readonly anyLayer: number;
  /** TCP_* bits (FIN..CWR): the packet counts when its TCP flags include any of them; 0 = no condition. */
  readonly anyTcpFlag?: number;
  /** TCP_* bits the packet's flags must all include (e.g. SYN and ACK); 0 = no condition. */
  readonly allTcpFlags?: number;
  /** TCP_* bits the packet's flags must not include (e.g. no ACK: an opening SYN); 0 = no condition. */
  readonly noTcpFlag?: number;
  /** What a matching packet adds: 1, its IP length (`ipBytes`), or its malformed flag. */
  readonly add: 'one' | 'ipBytes' | 'malformed';
}

/** A counter type as the registry knows it: one small file each. */
export type CounterDef =
  | {
      /** NetSpot's name, e.g. `SYN`. */
      readonly name: string;
      readonly description: string;
      /** A sum over packets, declared. */
      readonly sum: SumRule;
    }
  | {
      readonly name: string;
      readonly description: string;
      /** The largest per-source fan-out of one kind: every such counter reads one shared `FanOutTable`. */
      readonly fanOut: FanOutKind;
    }
  | {
      readonly name: string;
      readonly description: string;
      /** Anything else (distinct counts, period measures): an object of its own. */
      create(): Counter;
    };
