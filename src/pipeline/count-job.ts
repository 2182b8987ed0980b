/**
 * What the main thread and a counting worker (`count-worker.ts`) exchange: a batch of packets
 * (its bytes and per-packet arrays, moved, not copied, by `postMessage`) cut into segments that
 * each lie in one period, and back each segment's counter state (counters/counter-state.ts).
 */
import type { PeriodCountersState } from '../counters/counter-state.js';

/** Packets to count: `data` holds them at `offset[i]`, `caplen[i]` bytes; segments end at `ends[k]`. */
export interface CountJob {
  readonly id: number;
  readonly data: Uint8Array;
  readonly offset: Uint32Array;
  readonly caplen: Uint32Array;
  readonly wirelen: Uint32Array;
  readonly linkType: Uint16Array;
  /** Exclusive end index of each segment (the first starts at 0); the last is the packet count. */
  readonly ends: Uint32Array;
}

export interface SegmentCount {
  readonly state: PeriodCountersState;
  readonly malformed: number;
}

export type WorkerReply =
  | { readonly id: number; readonly segments: readonly SegmentCount[] }
  | { readonly id: number; readonly error: string };

/** What a worker is started with: enough to build the same packet counters as the main analyzer. */
export interface WorkerSetup {
  /** The run's configuration (the worker reads analyzer.stats). */
  readonly cfg: unknown;
  readonly series: string;
  readonly counters: readonly string[];
}

/** The buffers a job moves to its worker. */
export function jobTransferList(job: CountJob): ArrayBuffer[] {
  return [job.data, job.offset, job.caplen, job.wirelen, job.linkType, job.ends].map((a) => a.buffer as ArrayBuffer);
}
