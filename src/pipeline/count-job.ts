/**
 * What the main thread and a counting worker (`count-worker.ts`) exchange: a batch of packets
 * (its bytes and per-packet arrays, moved, not copied, by `postMessage`) cut into segments that
 * each lie in one period, and back each segment's counter state (counters/counter-state.ts).
 */
import type { PeriodCountersState } from '../counters/counter-state.js';

/**
 * The buffers of a job, moved to the worker and back with the result, then reused for another
 * batch (fresh buffers for every batch would cost page faults). Longer than a batch needs.
 */
export interface JobBuffers {
  readonly data: Uint8Array;
  readonly offset: Uint32Array;
  readonly caplen: Uint32Array;
  readonly wirelen: Uint32Array;
  readonly linkType: Uint16Array;
  /** Exclusive end index of each segment (the first starts at 0); the last is the packet count. */
  readonly ends: Uint32Array;
}

/** Packets to count: packet i at `data[offset[i]]`, `caplen[i]` bytes; `segments` segments end at `ends[k]`. */
export interface CountJob {
  readonly id: number;
  readonly segments: number;
  /**
   * Per segment, 1 when it is a whole period (it starts and ends where periods do): the worker
   * then sends the counters' values rather than their state, which costs less to build and to merge.
   */
  readonly whole: Uint8Array;
  readonly buffers: JobBuffers;
}

export interface SegmentCount {
  /** A part of a period: its counts, to merge. */
  readonly state?: PeriodCountersState;
  /** A whole period: the packet counters' values (Analyzer.packetValues). */
  readonly values?: Float64Array;
  readonly malformed: number;
}

export type WorkerReply =
  | { readonly id: number; readonly segments: readonly SegmentCount[]; readonly buffers: JobBuffers }
  | { readonly id: number; readonly error: string };

/** What a worker is started with: enough to build the same packet counters as the main analyzer. */
export interface WorkerSetup {
  /** The run's configuration (the worker reads analyzer.stats). */
  readonly cfg: unknown;
  readonly series: string;
  readonly counters: readonly string[];
}

/** The buffers a job moves between threads. */
export function bufferList(b: JobBuffers): ArrayBuffer[] {
  return [b.data, b.offset, b.caplen, b.wirelen, b.linkType, b.ends].map((a) => a.buffer as ArrayBuffer);
}

/** Buffers for a batch of up to `packets` packets in `bytes` bytes. */
export function createJobBuffers(bytes: number, packets: number): JobBuffers {
  return {
    data: new Uint8Array(bytes),
    offset: new Uint32Array(packets),
    caplen: new Uint32Array(packets),
    wirelen: new Uint32Array(packets),
    linkType: new Uint16Array(packets),
    ends: new Uint32Array(packets),
  };
}
