/**
 * What the main thread and a counting worker (`count-worker.ts`) exchange. Jobs travel in job
 * slots of shared memory (SharedArrayBuffer), allocated once per run: the main thread writes
 * where a job's packets are into a free slot and posts only the slot's number and the job's
 * segments (each lies in one period); the worker answers each segment's counter state
 * (counters/counter-state.ts), or its values when it is a whole period, and the slot is free
 * again. From a plain capture file the worker reads the packets itself, through the main
 * thread's file descriptor, so they are fresh in its own core's cache; from a gzip file the
 * main thread copies them into the slot. Moving buffers instead (transfer) made V8 see 16 MiB
 * of new external memory per job and collect garbage for it.
 */
import type { PeriodCountersState } from '../counters/counter-state.js';
import type { TopFanOut } from '../records/alarm-context.js';
import type { TalkerSummary } from '../context/talker-summary.js';

/**
 * One job slot: packet i at `data[offset[i]]`, `caplen[i]` bytes, or at `fileOffset[i]` in the
 * capture file when the job is read from it; segment k ends at `ends[k]`.
 */
export interface JobSlot {
  readonly data: Uint8Array;
  readonly offset: Uint32Array;
  readonly fileOffset: Float64Array;
  readonly caplen: Uint32Array;
  readonly wirelen: Uint32Array;
  readonly linkType: Uint16Array;
  /**
   * Written by the worker: 1 where packet i is an IP packet. For a part of a period, the main
   * thread counts the top talkers from these marks (and decodes again only the packets their
   * sampling keeps, from `data`: a worker that read a part of a period from the file copies
   * its packets there), so the slot is free again only once its job is merged.
   */
  readonly ip: Uint8Array;
  /** Exclusive end index of each segment (the first starts at 0); the last is the packet count. */
  readonly ends: Uint32Array;
}

export interface CountJob {
  readonly id: number;
  readonly slot: number;
  readonly segments: number;
  /** The capture file's descriptor when the worker reads the packets from it (`fileOffset`), else -1 (`data`). */
  readonly fd: number;
  /**
   * Per segment, 1 when it is a whole period (it starts and ends where periods do): the worker
   * then sends the counters' values rather than their state, which costs less to build and to merge.
   */
  readonly whole: Uint8Array;
}

export interface SegmentCount {
  /** A part of a period: its counts, to merge. */
  readonly state?: PeriodCountersState;
  /** A whole period: the packet counters' values (Analyzer.packetValues). */
  readonly values?: Float64Array;
  /** A whole period with an alarm context: the sources behind the fan-out statistics, and the top talkers' lists. */
  readonly fanOutTop?: TopFanOut[];
  readonly talkers?: TalkerSummary;
  readonly malformed: number;
}

export type WorkerReply =
  | { readonly id: number; readonly segments: readonly SegmentCount[] }
  | { readonly id: number; readonly error: string };

/** What a worker is started with: the same packet counters as the main analyzer, and the slots. */
export interface WorkerSetup {
  /** The run's configuration (the worker reads analyzer.stats). */
  readonly cfg: unknown;
  readonly series: string;
  readonly counters: readonly string[];
}

/** A slot of `bytes` bytes for `packets` packets, in shared memory. */
export function createJobSlot(bytes: number, packets: number): JobSlot {
  const shared = (n: number): SharedArrayBuffer => new SharedArrayBuffer(n);
  return {
    data: new Uint8Array(shared(bytes)),
    offset: new Uint32Array(shared(4 * packets)),
    fileOffset: new Float64Array(shared(8 * packets)),
    caplen: new Uint32Array(shared(4 * packets)),
    wirelen: new Uint32Array(shared(4 * packets)),
    linkType: new Uint16Array(shared(2 * packets)),
    ip: new Uint8Array(shared(packets)),
    ends: new Uint32Array(shared(4 * packets)),
  };
}
