/**
 * A counting worker thread (`--workers N`): decodes the packets of each job it is sent and
 * counts them with its own analyzer's packet counters, one counter state per segment (a
 * segment lies in one period). No period logic here: the main thread decides where periods
 * end and merges the states in order, so the records do not depend on the number of workers.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Analyzer } from '../analyzer/analyzer.js';
import { decodePacket } from '../decode/packet-decoder.js';
import { LAYER_IP, PacketSummary } from '../decode/packet-summary.js';
import { transferList } from '../counters/counter-state.js';
import type { Config } from '../config/schema.js';
import type { CountJob, JobSlot, SegmentCount, WorkerReply, WorkerSetup } from './count-job.js';

const setup = workerData as WorkerSetup & { slots: JobSlot[] };
// The top talkers are the main thread's (it counts them from the IP marks, in order).
const analyzer = new Analyzer(setup.cfg as Config, setup.series, { counters: setup.counters, countTalkers: false });
const counters = analyzer.packetCounters;
const fanOut = analyzer.fanOut;
const summary = new PacketSummary();
const port = parentPort!;

/** The per-packet loop, as Pipeline.countBatch without the clock; returns the malformed packets. */
function count(job: JobSlot, from: number, to: number): number {
  const { data, offset, caplen, wirelen, linkType, ip } = job;
  const nc = counters.length;
  let malformed = 0;
  for (let i = from; i < to; i++) {
    decodePacket(data, offset[i], caplen[i], wirelen[i], linkType[i], summary);
    malformed += summary.malformed;
    ip[i] = (summary.layers & LAYER_IP) !== 0 ? 1 : 0;
    for (let c = 0; c < nc; c++) counters[c].process!(summary);
    if (fanOut !== undefined) fanOut.process(summary);
  }
  return malformed;
}

port.on('message', (job: CountJob) => {
  let reply: WorkerReply;
  const transfer: ArrayBuffer[] = [];
  try {
    const segments: SegmentCount[] = [];
    let from = 0;
    for (let k = 0; k < job.segments; k++) {
      const slot = setup.slots[job.slot];
      const end = slot.ends[k];
      const malformed = count(slot, from, end);
      if (job.whole[k] === 1) {
        const values = analyzer.packetValues();
        transfer.push(values.buffer as ArrayBuffer);
        segments.push({ values, fanOutTop: analyzer.fanOutTop(), malformed });
      } else {
        const state = analyzer.periodState();
        transfer.push(...transferList(state));
        segments.push({ state, malformed });
      }
      analyzer.resetPacketCounters();
      from = end;
    }
    reply = { id: job.id, segments };
  } catch (err) {
    reply = { id: job.id, error: (err as Error).stack ?? String(err) };
    transfer.length = 0;
  }
  port.postMessage(reply, transfer);
});
