/**
 * A live counting thread (`--workers N` on an interface): opens its own capture of the device,
 * joined to the run's PACKET_FANOUT group so that the kernel hands it a share of the flows,
 * and decodes and counts every packet with its own analyzer's packet counters. No period logic
 * here: at each period end the main thread asks (`counts`), and the thread answers its
 * counters' state since the last answer (then resets them) with its capture's cumulative
 * received/dropped; the main thread merges the answers of all threads and closes the period.
 * On `stop` the capture hands over what it still holds, which is counted and sent as the
 * thread's `final` answer (with the capture's error, if it failed). The thread never exits by
 * itself: the main thread ends it once it has every final answer.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import { Analyzer } from '../analyzer/analyzer.js';
import { decodePacket } from '../decode/packet-decoder.js';
import { PacketSummary } from '../decode/packet-summary.js';
import { transferList } from '../counters/counter-state.js';
import { openLiveSource, type LiveSource } from '../source/live-source.js';
import type { PacketBatch } from '../source/packet-batch.js';
import type { Config } from '../config/schema.js';
import type { LiveWorkerReply, LiveWorkerRequest, LiveWorkerSetup } from './live-workers.js';

const setup = workerData as LiveWorkerSetup;
const analyzer = new Analyzer(setup.cfg as Config, setup.series, { counters: setup.counters });
const counters = analyzer.packetCounters;
const fanOut = analyzer.fanOut;
const summary = new PacketSummary();
const port = parentPort!;
let source: LiveSource | undefined;
// Since the last answer.
let packets = 0;
let malformed = 0;
let busyMs = 0;

/** The per-packet loop, as Pipeline.countBatch without the clock (live periods follow the wall clock). */
function count(b: PacketBatch): void {
  const { data, offset, caplen, wirelen, linkType } = b;
  const n = b.count;
  const nc = counters.length;
  let bad = 0;
  for (let i = 0; i < n; i++) {
    decodePacket(data, offset[i], caplen[i], wirelen[i], linkType[i], summary);
    bad += summary.malformed;
    for (let c = 0; c < nc; c++) counters[c].process!(summary);
    if (fanOut !== undefined) fanOut.process(summary);
  }
  packets += n;
  malformed += bad;
}

/** Hands the counts since the last answer to the main thread and starts afresh (per period: may allocate). */
function answer(kind: 'counts' | 'final', id: number, error?: string): void {
  const state = analyzer.periodState();
  // The top talkers do not merge exactly: their whole lists go along, merged within their bounds.
  const talkers = analyzer.countingTalkers?.summary();
  analyzer.resetPacketCounters();
  const st = source?.captureStats() ?? { received: 0, dropped: 0 };
  const reply: LiveWorkerReply = { kind, id, state, talkers, packets, malformed, busyMs, received: st.received, dropped: st.dropped, error };
  packets = 0;
  malformed = 0;
  busyMs = 0;
  port.postMessage(reply, transferList(state));
}

port.on('message', (m: LiveWorkerRequest) => {
  if (m.kind === 'counts') answer('counts', m.id);
  else source?.stop();
});

async function main(): Promise<void> {
  try {
    source = await openLiveSource({ ...setup.live, fanoutGroup: setup.fanoutGroup });
  } catch (err) {
    const e = err as Error & { code?: string };
    port.postMessage({ kind: 'failed', message: e.message, code: e.code } satisfies LiveWorkerReply);
    return;
  }
  port.postMessage({ kind: 'ready', warnings: [...source.warnings()] } satisfies LiveWorkerReply);
  let error: string | undefined;
  try {
    for (let b = await source.next(); b !== null; b = await source.next()) {
      const start = performance.now();
      count(b);
      busyMs += performance.now() - start;
    }
  } catch (err) {
    error = (err as Error).message;
  }
  answer('final', -1, error);
  await source.close();
}

void main();
