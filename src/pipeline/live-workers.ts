/**
 * Live capture counted in N threads (`--workers N` on an interface): one capture per thread
 * (`live-count-worker.ts`), all in one PACKET_FANOUT group, so the kernel spreads the packets
 * over them by flow hash. To the pipeline this is a live source that hands out no packets: its
 * `harvest()` asks every thread for its counts at each period end (the pipeline's wall-clock
 * timer), merges them into the main analyzer (Analyzer.mergePeriodState) and sums the
 * captures' received/dropped for IFACE_RECEIVED / IFACE_DROPPED. A packet captured after a
 * thread answered belongs to the next period: periods are cut where each thread answers, a
 * few milliseconds apart (live periods follow the wall clock, not packet time, anyway).
 */
import type { TalkerSummary } from '../context/talker-summary.js';
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import type { Analyzer } from '../analyzer/analyzer.js';
import type { PeriodCountersState } from '../counters/counter-state.js';
import type { PacketSource, SourceStats } from '../source/packet-batch.js';
import type { LiveSourceOptions } from '../source/live-source.js';
import { CaptureError, type CaptureErrorCode } from '../source/capture-error.js';
import { AUTO_WORKERS_MIN_CORES, MAX_AUTO_WORKERS } from './worker-pool.js';

/** What a live counting thread is started with. */
export interface LiveWorkerSetup {
  /** The run's configuration (the thread's analyzer reads analyzer.stats). */
  readonly cfg: unknown;
  readonly series: string;
  readonly counters: readonly string[];
  /** The capture to open (device, filter, buffers), as the main thread would. */
  readonly live: LiveSourceOptions;
  /** The run's PACKET_FANOUT group. */
  readonly fanoutGroup: number;
}

/** Main thread to a live counting thread: answer your counts, or stop capturing. */
export type LiveWorkerRequest = { readonly kind: 'counts'; readonly id: number } | { readonly kind: 'stop' };

/** A thread's counts since its previous answer, with its capture's cumulative received/dropped. */
export interface LiveCounts {
  readonly kind: 'counts' | 'final';
  readonly id: number;
  readonly state: PeriodCountersState;
  /** With an alarm context: the thread's top-talker lists (context/talker-summary.ts). */
  readonly talkers?: TalkerSummary;
  readonly packets: number;
  readonly malformed: number;
  /** Milliseconds the thread spent decoding and counting them. */
  readonly busyMs: number;
  readonly received: number;
  readonly dropped: number;
  /** `final` only: why the capture ended, when it failed. */
  readonly error?: string;
}

export type LiveWorkerReply =
  | { readonly kind: 'ready'; readonly warnings: string[] }
  | { readonly kind: 'failed'; readonly message: string; readonly code?: string }
  | LiveCounts;

/** What a harvest added to the analyzer. */
export interface Harvested {
  readonly packets: number;
  readonly malformed: number;
  /** The busiest thread's counting time (ms): the period's REAL_TIME, as the threads count side by side. */
  readonly busyMs: number;
}

/** The counting threads of a live run: analyzer.workers when set, else as for files (1 below 4 cores). */
export function resolveLiveWorkers(setting: number): number {
  if (setting > 0) return setting;
  const cores = availableParallelism();
  return cores >= AUTO_WORKERS_MIN_CORES ? Math.min(cores, MAX_AUTO_WORKERS) : 1;
}

/** A fan-out group id per run (pid-based, as the kernel's groups are shared by every process of a network namespace). */
let nextGroup = (process.pid * 31) & 0xffff;

/**
 * The thread's script, laid out as count-worker.js is (dist/src/pipeline/; the Debian
 * package bundles it there too).
 */
const WORKER_SCRIPT = new URL('../pipeline/live-count-worker.js', import.meta.url);

interface Thread {
  readonly worker: Worker;
  /** Requests waiting for an answer, by id (null: the thread died first). */
  readonly pending: Map<number, (c: LiveCounts | null) => void>;
  received: number;
  dropped: number;
  packets: number;
  /** Its final answer came (or it died): nothing more to ask. */
  done: boolean;
}

export class LiveWorkerCapture implements PacketSource {
  readonly live = true;
  private readonly threads: Thread[] = [];
  /** Answers not merged yet (a final one arrives on its own, after `stop`). */
  private unmerged: Array<LiveCounts & { thread: number }> = [];
  private readonly warningList = new Set<string>();
  private failure: Error | undefined;
  private nextId = 0;
  private resolveFinished!: () => void;
  private readonly finished = new Promise<void>((resolve) => (this.resolveFinished = resolve));

  private constructor(
    readonly name: string,
    private readonly analyzer: Analyzer,
  ) {}

  /**
   * Starts `n` threads, each opening its capture in a new fan-out group; resolves once every
   * capture is open. A capture that cannot open ends them all and throws, naming the thread.
   */
  static async start(n: number, setup: Omit<LiveWorkerSetup, 'fanoutGroup'>, analyzer: Analyzer): Promise<LiveWorkerCapture> {
    const fanoutGroup = nextGroup;
    nextGroup = (nextGroup + 1) & 0xffff;
    const self = new LiveWorkerCapture(setup.live.device, analyzer);
    const opened: Array<Promise<void>> = [];
    for (let k = 0; k < n; k++) opened.push(self.spawn(k, n, { ...setup, fanoutGroup }));
    const results = await Promise.allSettled(opened);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed !== undefined) {
      await self.close();
      throw failed.reason;
    }
    return self;
  }

  private spawn(k: number, n: number, setup: LiveWorkerSetup): Promise<void> {
    const worker = new Worker(WORKER_SCRIPT, { workerData: setup });
    const t: Thread = { worker, pending: new Map(), received: 0, dropped: 0, packets: 0, done: false };
    this.threads.push(t);
    const who = `capture thread ${k + 1} of ${n} on ${this.name}`;
    return new Promise<void>((resolve, reject) => {
      let ready = false;
      const died = (why: string): void => {
        if (!ready) {
          reject(new CaptureError('ECAPTURE', `${who}: ${why}`));
          return;
        }
        if (t.done) return;
        this.fail(`${who}: ${why}`);
        this.finish(t);
      };
      worker.on('message', (m: LiveWorkerReply) => {
        if (m.kind === 'ready') {
          ready = true;
          for (const w of m.warnings) this.warningList.add(w);
          resolve();
        } else if (m.kind === 'failed') {
          t.done = true;
          reject(new CaptureError((m.code ?? 'EPCAP') as CaptureErrorCode, `${who}: ${m.message}`));
        } else {
          t.received = m.received;
          t.dropped = m.dropped;
          t.packets += m.packets;
          this.unmerged.push({ ...m, thread: k });
          if (m.kind === 'counts') {
            t.pending.get(m.id)?.(m);
            t.pending.delete(m.id);
          } else {
            if (m.error !== undefined) this.fail(`${who}: ${m.error}`);
            this.finish(t);
          }
        }
      });
      worker.on('error', (err) => died(err.message));
      worker.on('exit', (code) => died(`the thread exited (code ${code})`));
    });
  }

  /** The first failure ends the run: every other capture is stopped and hands over what it holds. */
  private fail(message: string): void {
    this.failure ??= new CaptureError('ECAPTURE', message);
    this.stop();
  }

  private finish(t: Thread): void {
    t.done = true;
    for (const answer of t.pending.values()) answer(null);
    t.pending.clear();
    if (this.threads.every((x) => x.done)) this.resolveFinished();
  }

  /**
   * Period end: asks every thread for its counts, merges them (and any final answers) into the
   * analyzer in thread order. Never rejects: a thread that died contributes what it sent.
   */
  async harvest(): Promise<Harvested> {
    await Promise.all(
      this.threads.map((t) => {
        if (t.done) return null;
        const id = this.nextId++;
        return new Promise<LiveCounts | null>((resolve) => {
          t.pending.set(id, resolve);
          t.worker.postMessage({ kind: 'counts', id } satisfies LiveWorkerRequest);
        });
      }),
    );
    const answers = this.unmerged;
    this.unmerged = [];
    let packets = 0;
    let malformed = 0;
    const busy = new Map<number, number>();
    for (const a of answers) {
      this.analyzer.mergePeriodState(a.state);
      if (a.talkers !== undefined) this.analyzer.addTalkers(a.talkers);
      packets += a.packets;
      malformed += a.malformed;
      busy.set(a.thread, (busy.get(a.thread) ?? 0) + a.busyMs);
    }
    return { packets, malformed, busyMs: Math.max(0, ...busy.values()) };
  }

  /** Packets each thread counted so far (answered), in thread order: how the kernel spread them. */
  workerPackets(): number[] {
    return this.threads.map((t) => t.packets);
  }

  /** Resolves to null once every thread handed over its last counts (after `stop`); rejects with the first thread's failure. */
  async next(): Promise<null> {
    await this.finished;
    if (this.failure !== undefined) throw this.failure;
    return null;
  }

  /** Received and dropped summed over the captures, as of their latest answers. */
  stats(): SourceStats {
    let received = 0, dropped = 0, packets = 0;
    for (const t of this.threads) {
      received += t.received;
      dropped += t.dropped;
      packets += t.packets;
    }
    return { bytesRead: 0, bytesTotal: 0, packets, received, dropped };
  }

  warnings(): readonly string[] {
    return [...this.warningList];
  }

  /** Every capture stops and hands over what it holds (its final answer). */
  stop(): void {
    for (const t of this.threads) if (!t.done) t.worker.postMessage({ kind: 'stop' } satisfies LiveWorkerRequest);
  }

  /** Ends the threads (their captures close with them). */
  async close(): Promise<void> {
    for (const t of this.threads) this.finish(t);
    await Promise.all(this.threads.map((t) => t.worker.terminate()));
  }
}
