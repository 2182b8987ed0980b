/**
 * What the main thread and a counting worker (`count-worker.ts`) exchange. A job is a run of
 * consecutive packets cut into segments (each lies in one period). From a plain classic pcap
 * file the job is only where its records are in the file: the worker reads and walks them
 * itself, through the main thread's file descriptor, so the main thread does not touch the
 * packets twice and the worker finds them fresh in its own core's cache. Otherwise (pcapng,
 * gzip) the main thread copies the packets into a job slot of shared memory
 * (SharedArrayBuffer, allocated once per run). Either way it posts only the slot's number
 * and the job's segments; the worker answers each segment's counter state
 * (counters/counter-state.ts), or its values when it is a whole period, and the slot is free
 * again. Moving buffers instead of shared slots (transfer) made V8 see 16 MiB of new external
 * memory per job and collect garbage for it.
 */
import type { PeriodCountersState } from '../counters/counter-state.js';
import type { TopFanOut } from '../records/alarm-context.js';
import type { TalkerSummary } from '../context/talker-summary.js';
import type { PcapFile } from '../source/packet-batch.js';

/**
 * One job slot: packet i at `data[offset[i]]`, `caplen[i]` bytes; segment k ends at `ends[k]`.
 * A job walked from the file fills the packet arrays only for parts of periods (see `ip`).
 */
export interface JobSlot {
  readonly data: Uint8Array;
  readonly offset: Uint32Array;
  readonly caplen: Uint32Array;
  readonly wirelen: Uint32Array;
  readonly linkType: Uint16Array;
  /**
   * Written by the worker: 1 where packet i is an IP packet. For a part of a period, the main
   * thread counts the top talkers from these marks (and decodes again only the packets their
   * sampling keeps, from `data`: a worker that walked a part of a period in the file copies
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
  /** Where the job's records are when the worker reads them from the file, else undefined (the slot holds them). */
  readonly walk?: JobWalk;
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
  | { readonly ready: true }
  | { readonly id: number; readonly segments: readonly SegmentCount[] }
  | { readonly id: number; readonly error: string };

/** What a worker is started with: the same packet counters as the main analyzer, and the slots. */
export interface WorkerSetup {
  /** The run's configuration (the worker reads analyzer.stats). */
  readonly cfg: unknown;
  readonly series: string;
  readonly counters: readonly string[];
}

/** A run of records of a classic pcap file: from the header of the first to the end of the last. */
export interface JobWalk extends PcapFile {
  readonly start: number;
  readonly end: number;
}

/** A slot of `bytes` bytes for `packets` packets, in shared memory. */
export function createJobSlot(bytes: number, packets: number): JobSlot {
  const shared = (n: number): SharedArrayBuffer => new SharedArrayBuffer(n);
  return {
    data: new Uint8Array(shared(bytes)),
    offset: new Uint32Array(shared(4 * packets)),
    caplen: new Uint32Array(shared(4 * packets)),
    wirelen: new Uint32Array(shared(4 * packets)),
    linkType: new Uint16Array(shared(2 * packets)),
    ip: new Uint8Array(shared(packets)),
    ends: new Uint32Array(shared(4 * packets)),
  };
}
