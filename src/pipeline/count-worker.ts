/**
 * A counting worker thread (`--workers N`): counts each job it is sent (job-counter.ts) and
 * answers its segments' results. No period logic here: the main thread decides where periods
 * end and merges the results in order, so the records do not depend on the number of workers.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { transferList } from '../counters/counter-state.js';
import { JobCounter } from './job-counter.js';
import type { CountJob, JobSlot, WorkerReply, WorkerSetup } from './count-job.js';

const setup = workerData as WorkerSetup & { slots: JobSlot[] };
const counter = new JobCounter(setup);
const port = parentPort!;
// Until this arrives the main thread counts every job itself: a job waiting for a worker still
// loading its modules would hold up the jobs behind it.
port.postMessage({ ready: true });

port.on('message', (job: CountJob) => {
  let reply: WorkerReply;
  const transfer: ArrayBuffer[] = [];
  try {
    const segments = counter.count(setup.slots[job.slot], job.segments, job.whole, job.walk);
    for (const s of segments) {
      if (s.values !== undefined) transfer.push(s.values.buffer as ArrayBuffer);
      if (s.state !== undefined) transfer.push(...transferList(s.state));
    }
    reply = { id: job.id, segments };
  } catch (err) {
    reply = { id: job.id, error: (err as Error).stack ?? String(err) };
    transfer.length = 0;
  }
  port.postMessage(reply, transfer);
});
