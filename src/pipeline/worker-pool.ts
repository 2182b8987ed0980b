/**
 * The counting threads of a file run (`--workers N`) and their job slots: the main thread and
 * N - 1 worker threads. A job goes to the least busy worker that is ready (a starting worker
 * takes a tenth of a second to load its modules); when none is, or every one already has
 * JOBS_PER_WORKER jobs, the main thread counts it itself, at once (job-counter.ts, the
 * workers' own code): it reads and cuts the packets, and would otherwise wait. The results come
 * back as promises the pipeline awaits in submission order. A worker that fails (an exception,
 * an exit) fails its pending jobs with a message naming it.
 */
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { createJobSlot, type JobSlot, type JobWalk, type SegmentCount, type WorkerReply, type WorkerSetup } from './count-job.js';
import { JobCounter } from './job-counter.js';

/** The automatic number of workers (analyzer.workers = 0) is capped here: merging on one thread stops scaling beyond. */
export const MAX_AUTO_WORKERS = 8;
/** With analyzer.workers = 0, a capture file smaller than this is counted on the main thread (starting threads costs more). */
export const AUTO_WORKERS_MIN_BYTES = 16 * 1024 * 1024;
/**
 * With analyzer.workers = 0, machines with fewer cores count on the main thread: on 2 cores the
 * workers' extra work (copying, merging, starting) ate the gain (docs/performance.md).
 */
export const AUTO_WORKERS_MIN_CORES = 4;
/**
 * Jobs in flight per worker before the main thread counts one itself (bounded memory, workers
 * never idle). With 2 the main thread, which also reads and cuts, counted half of the jobs
 * and was the slower thread; 4 gave two threads about 10% more (docs/performance.md).
 */
export const JOBS_PER_WORKER = 4;

/** The counting threads of a file run: 1 = the main thread alone (live runs: resolveLiveWorkers). */
export function resolveWorkers(setting: number, live: boolean, fileBytes: number): number {
  if (live) return 1;
  if (setting > 0) return setting;
  const cores = availableParallelism();
  return fileBytes >= AUTO_WORKERS_MIN_BYTES && cores >= AUTO_WORKERS_MIN_CORES ? Math.min(cores, MAX_AUTO_WORKERS) : 1;
}

/**
 * The worker's script, found as dist/src/<dir>/ lays files out: from dist/src/pipeline/ here, and
 * from dist/src/cli/ in the Debian package's bundles (packaging/build-deb.sh bundles the worker
 * to dist/src/pipeline/count-worker.js).
 */
const WORKER_SCRIPT = new URL('../pipeline/count-worker.js', import.meta.url);

interface Pending {
  slot: number;
  resolve: (s: readonly SegmentCount[]) => void;
  reject: (e: Error) => void;
}

export class WorkerPool {
  private readonly workers: Worker[] = [];
  private readonly pending: Array<Map<number, Pending>> = [];
  /** Workers that said they are ready (their modules loaded). */
  private readonly ready: boolean[] = [];
  /** Every job in flight has a slot, and so has the job being filled. */
  readonly slots: JobSlot[] = [];
  private readonly free: number[] = [];
  private next = 0;
  private nextId = 0;
  private failure: Error | undefined;

  /** The main thread's share of the counting. */
  private readonly local: JobCounter;
  /** Jobs the main thread counted (and the time it took), and all jobs (the run's summary tells). */
  readonly counted = { local: 0, all: 0, localMs: 0 };

  /** `size`: counting threads, the main one included (>= 2); `slotBytes` and `slotPackets`: the largest job. */
  constructor(readonly size: number, setup: WorkerSetup, readonly slotBytes: number, readonly slotPackets: number) {
    this.local = new JobCounter(setup);
    for (let i = 0; i < size * JOBS_PER_WORKER + 1; i++) {
      this.slots.push(createJobSlot(slotBytes, slotPackets));
      this.free.push(i);
    }
    for (let w = 0; w < size - 1; w++) {
      const worker = new Worker(WORKER_SCRIPT, { workerData: { ...setup, slots: this.slots } });
      const pending = new Map<number, Pending>();
      const fail = (err: Error): void => {
        this.failure ??= err;
        for (const p of pending.values()) p.reject(err);
        pending.clear();
      };
      this.ready.push(false);
      worker.on('message', (reply: WorkerReply) => {
        if ('ready' in reply) {
          this.ready[w] = true;
          return;
        }
        const p = pending.get(reply.id);
        if (p === undefined) return;
        pending.delete(reply.id);
        if ('error' in reply) p.reject(new Error(`counting worker ${w + 1} failed: ${reply.error}`));
        else p.resolve(reply.segments);
      });
      worker.on('error', (err) => fail(new Error(`counting worker ${w + 1} failed: ${err.message}`)));
      worker.on('exit', (code) => fail(new Error(`counting worker ${w + 1} exited (code ${code})`)));
      this.workers.push(worker);
      this.pending.push(pending);
    }
  }

  freeSlots(): number {
    return this.free.length;
  }

  /** A free slot's number (the caller keeps at most size × JOBS_PER_WORKER jobs in flight, so there is one). */
  takeSlot(): number {
    const slot = this.free.pop();
    if (slot === undefined) throw new Error('worker pool: no free job slot');
    return slot;
  }

  /** A job's slot is free again (its job merged: the main thread read the IP marks and packets it needed). */
  release(slot: number): void {
    this.free.push(slot);
  }

  /** Sends the job in `slot` to the next worker in turn; the caller releases the slot once the job is merged. */
  submit(slot: number, segments: number, whole: Uint8Array, walk: JobWalk | undefined): Promise<readonly SegmentCount[]> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    this.counted.all++;
    // The least busy ready worker, the next in turn on a tie.
    let w = -1;
    for (let k = 0; k < this.workers.length; k++) {
      const c = (this.next + k) % this.workers.length;
      if (this.ready[c] && (w < 0 || this.pending[c].size < this.pending[w].size)) w = c;
    }
    if (w < 0 || this.pending[w].size >= JOBS_PER_WORKER) {
      this.counted.local++;
      try {
        const from = performance.now();
        const segs = this.local.count(this.slots[slot], segments, whole, walk);
        this.counted.localMs += performance.now() - from;
        return Promise.resolve(segs);
      } catch (err) {
        return Promise.reject(new Error(`counting in the main thread failed: ${(err as Error).stack ?? String(err)}`));
      }
    }
    this.next = (w + 1) % this.workers.length;
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending[w].set(id, { slot, resolve, reject });
      this.workers[w].postMessage({ id, slot, segments, whole, walk });
    });
  }

  async close(): Promise<void> {
    this.failure ??= new Error('counting workers stopped');
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
