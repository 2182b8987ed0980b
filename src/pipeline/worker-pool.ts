/**
 * The counting workers of a file run (`--workers N`): jobs go to the workers in turn, and
 * their results come back as promises the pipeline awaits in submission order. A worker that
 * fails (an exception, an exit) fails its pending jobs with a message naming it.
 */
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { bufferList, createJobBuffers, type JobBuffers, type SegmentCount, type WorkerReply, type WorkerSetup } from './count-job.js';

/** The automatic number of workers (analyzer.workers = 0) is capped here: merging on one thread stops scaling beyond. */
export const MAX_AUTO_WORKERS = 8;
/** With analyzer.workers = 0, a capture file smaller than this is counted on the main thread (starting threads costs more). */
export const AUTO_WORKERS_MIN_BYTES = 16 * 1024 * 1024;

/** The counting threads a run uses: 1 = the main thread alone (live sources: always 1 for now). */
export function resolveWorkers(setting: number, live: boolean, fileBytes: number): number {
  if (live) return 1;
  if (setting > 0) return setting;
  return fileBytes >= AUTO_WORKERS_MIN_BYTES ? Math.max(1, Math.min(availableParallelism(), MAX_AUTO_WORKERS)) : 1;
}

/**
 * The worker's script, found as dist/src/<dir>/ lays files out: from dist/src/pipeline/ here, and
 * from dist/src/cli/ in the Debian package's bundles (packaging/build-deb.sh bundles the worker
 * to dist/src/pipeline/count-worker.js).
 */
const WORKER_SCRIPT = new URL('../pipeline/count-worker.js', import.meta.url);

interface Pending {
  resolve: (s: readonly SegmentCount[]) => void;
  reject: (e: Error) => void;
}

export class WorkerPool {
  private readonly workers: Worker[] = [];
  private readonly pending: Array<Map<number, Pending>> = [];
  private next = 0;
  private nextId = 0;
  private failure: Error | undefined;
  /** Job buffers back from the workers, for the next batches. */
  private readonly spare: JobBuffers[] = [];

  constructor(readonly size: number, setup: WorkerSetup) {
    for (let w = 0; w < size; w++) {
      const worker = new Worker(WORKER_SCRIPT, { workerData: setup });
      const pending = new Map<number, Pending>();
      const fail = (err: Error): void => {
        this.failure ??= err;
        for (const p of pending.values()) p.reject(err);
        pending.clear();
      };
      worker.on('message', (reply: WorkerReply) => {
        const p = pending.get(reply.id);
        if (p === undefined) return;
        pending.delete(reply.id);
        if ('error' in reply) p.reject(new Error(`counting worker ${w + 1} failed: ${reply.error}`));
        else {
          this.spare.push(reply.buffers);
          p.resolve(reply.segments);
        }
      });
      worker.on('error', (err) => fail(new Error(`counting worker ${w + 1} failed: ${err.message}`)));
      worker.on('exit', (code) => fail(new Error(`counting worker ${w + 1} exited (code ${code})`)));
      this.workers.push(worker);
      this.pending.push(pending);
    }
  }

  /** Buffers for a batch of `packets` packets in `bytes` bytes: a returned set when one is large enough. */
  buffers(bytes: number, packets: number): JobBuffers {
    const i = this.spare.findIndex((b) => b.data.length >= bytes && b.offset.length >= packets);
    if (i >= 0) return this.spare.splice(i, 1)[0];
    return createJobBuffers(bytes, packets);
  }

  /** Sends a job (its buffers move to the worker and come back with the result) to the next worker in turn. */
  submit(buffers: JobBuffers, segments: number, whole: Uint8Array): Promise<readonly SegmentCount[]> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    const w = this.next;
    this.next = (w + 1) % this.size;
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending[w].set(id, { resolve, reject });
      this.workers[w].postMessage({ id, segments, whole, buffers }, bufferList(buffers));
    });
  }

  async close(): Promise<void> {
    const ended = new Error('counting workers stopped');
    this.failure ??= ended;
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
