/**
 * The part every network exporter shares: records wait in a bounded queue (RecordQueue) and
 * a background loop sends them in batches. A failed send is retried with exponential backoff
 * and jitter until it goes through (the transport reconnects by itself); meanwhile the queue
 * keeps its bound by dropping the oldest data. `close` sends what is left within a deadline
 * and counts the rest as dropped. Every drop is counted and reported in a rate-limited warning.
 */
import type { ExporterHealth } from '../exporter.js';
import { RecordQueue, type QueuedRecord, type RecordKind } from './record-queue.js';

/** How records reach one peer. */
export interface Transport {
  /** The peer, for messages (e.g. "tcp://127.0.0.1:5140"). */
  readonly peer: string;
  /**
   * Sends a batch; resolves once the peer has it. Throws a RejectedError when the peer refuses
   * the batch for good (retrying cannot help), any other error when a retry may succeed.
   */
  send(batch: readonly QueuedRecord[], signal: AbortSignal): Promise<void>;
  /** Releases connections (after the last send). */
  close(): Promise<void>;
}

/** The peer refused a batch for good (bad request, authentication): dropped, not retried. */
export class RejectedError extends Error {}

export interface SenderOptions {
  /** The exporter's name, in warnings and health. */
  name: string;
  transport: Transport;
  /** Records the queue holds at most (exporter.X.queue_size). */
  queueSize: number;
  /** Records per send at most. */
  batchSize: number;
  /** How long `close` may spend sending what is left, ms (exporter.X.flush_timeout). */
  flushTimeoutMs: number;
  onWarning?: (message: string) => void;
  /** First retry delay and its ceiling, ms. */
  retryMinMs?: number;
  retryMaxMs?: number;
  /** Minimum time between two warnings of the same kind, ms. */
  warnEveryMs?: number;
  /**
   * How long records may wait for a full batch, ms (default 200): when periods come fast (a
   * capture file), one request carries many periods instead of one request per period.
   */
  lingerMs?: number;
}

export class BackgroundSender {
  private readonly queue: RecordQueue;
  private readonly abort = new AbortController();
  private batch: QueuedRecord[] | null = null;
  private loop: Promise<void> = Promise.resolve();
  private running = false;
  private closed = false;
  private lingerTimer: NodeJS.Timeout | undefined;
  private wakeSleep: (() => void) | undefined;
  private failures = 0;
  private downSinceMs = 0;
  private lastDownWarnMs = 0;

  private sent = 0;
  private dropped = 0;
  private droppedAlarms = 0;
  private connected = true;
  private lastError: string | null = null;

  // Drops not yet reported, by reason, and when the last drop warning went out.
  private unreported = new Map<string, { data: number; alarms: number }>();
  private lastDropWarnMs = -Infinity;

  constructor(private readonly opts: SenderOptions) {
    this.queue = new RecordQueue(opts.queueSize);
  }

  /** Queues a record; never waits. After `close`, the record is counted as dropped. */
  push(kind: RecordKind, payload: string): void {
    if (this.closed) {
      this.countDrop(kind === 'alarm' ? 0 : 1, kind === 'alarm' ? 1 : 0, 'exporter closed');
      return;
    }
    const lost = this.queue.push(kind, payload);
    if (lost !== null) this.countDrop(lost === 'data' ? 1 : 0, lost === 'alarm' ? 1 : 0, `queue full (queue_size ${this.opts.queueSize})`);
  }

  /** Sends what is queued (called at each period end): now if a batch is full, else a little later. */
  wake(): void {
    if (this.running || this.abort.signal.aborted || this.queue.length === 0) return;
    // Waiting for a full batch makes sense only while the queue has room to spare.
    if (this.queue.length < Math.min(this.opts.batchSize, Math.ceil(this.opts.queueSize / 2)) && !this.closed) {
      this.lingerTimer ??= setTimeout(() => {
        this.lingerTimer = undefined;
        this.start();
      }, this.opts.lingerMs ?? 200);
      return;
    }
    this.start();
  }

  private start(): void {
    clearTimeout(this.lingerTimer);
    this.lingerTimer = undefined;
    if (this.running || this.abort.signal.aborted || this.queue.length === 0) return;
    this.running = true;
    this.loop = this.drain();
  }

  health(): ExporterHealth {
    return {
      name: this.opts.name,
      sent: this.sent,
      dropped: this.dropped,
      droppedAlarms: this.droppedAlarms,
      queued: this.queue.length + (this.batch?.length ?? 0),
      connected: this.connected,
      lastError: this.lastError,
    };
  }

  /**
   * Sends what is left, for at most flushTimeoutMs; whatever is still unsent then is dropped
   * and reported. Later pushes are counted as dropped.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // The end of the run: try now rather than at the end of a retry delay.
    this.wakeSleep?.();
    this.wake();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), this.opts.flushTimeoutMs)));
    const outcome = await Promise.race([this.loop.then(() => 'done' as const), deadline]);
    clearTimeout(timer);
    if (outcome === 'late') {
      this.abort.abort();
      this.wakeSleep?.();
      await this.loop;
    }
    const left = this.queue.clear();
    let data = left.data;
    let alarms = left.alarms;
    for (const r of this.batch ?? []) r.kind === 'alarm' ? alarms++ : data++;
    this.batch = null;
    if (data + alarms > 0) {
      this.countDrop(data, alarms, `not sent within flush_timeout ${this.opts.flushTimeoutMs / 1000} s${this.lastError === null ? '' : ` (${this.lastError})`}`);
    }
    this.reportDrops(true);
    await this.opts.transport.close();
  }

  private async drain(): Promise<void> {
    const { transport, batchSize } = this.opts;
    const signal = this.abort.signal;
    while (!signal.aborted) {
      if (this.batch === null) {
        if (this.queue.length === 0) break;
        this.batch = this.queue.take(batchSize);
      }
      try {
        await transport.send(this.batch, signal);
        this.sent += this.batch.length;
        this.batch = null;
        this.up();
      } catch (err) {
        if (signal.aborted) break;
        const message = err instanceof Error ? err.message : String(err);
        if (err instanceof RejectedError) {
          const batch = this.batch ?? [];
          let alarms = 0;
          for (const r of batch) if (r.kind === 'alarm') alarms++;
          this.countDrop(batch.length - alarms, alarms, `rejected by ${transport.peer}: ${message}`);
          this.batch = null;
          continue;
        }
        this.down(message);
        await this.sleep(this.retryDelayMs());
      }
    }
    this.running = false;
  }

  private retryDelayMs(): number {
    const min = this.opts.retryMinMs ?? 100;
    const max = this.opts.retryMaxMs ?? 2000;
    const ceiling = Math.min(max, min * 2 ** Math.min(this.failures - 1, 30));
    // Jitter: senders that lost the same peer do not come back in lockstep.
    return ceiling * (0.5 + Math.random() * 0.5);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(done, ms);
      function done(): void {
        clearTimeout(t);
        resolve();
      }
      this.wakeSleep = done;
    });
  }

  private up(): void {
    if (!this.connected) {
      const secs = ((Date.now() - this.downSinceMs) / 1000).toFixed(1);
      this.warn(`exporter ${this.opts.name}: sending to ${this.opts.transport.peer} again after ${secs} s`);
    }
    this.connected = true;
    this.failures = 0;
    this.lastError = null;
  }

  private down(message: string): void {
    this.failures++;
    this.lastError = message;
    const now = Date.now();
    if (this.connected) {
      this.connected = false;
      this.downSinceMs = now;
      this.lastDownWarnMs = now;
      this.warn(
        `exporter ${this.opts.name}: cannot send to ${this.opts.transport.peer}: ${message}; ` +
          `retrying in the background (up to ${this.opts.queueSize} records wait, the oldest data are dropped first)`,
      );
    } else if (now - this.lastDownWarnMs >= 6 * (this.opts.warnEveryMs ?? 10_000)) {
      this.lastDownWarnMs = now;
      this.warn(`exporter ${this.opts.name}: still cannot send to ${this.opts.transport.peer}: ${message} (${this.health().queued} queued, ${this.dropped} dropped so far)`);
    }
  }

  private countDrop(data: number, alarms: number, reason: string): void {
    this.dropped += data + alarms;
    this.droppedAlarms += alarms;
    const u = this.unreported.get(reason) ?? { data: 0, alarms: 0 };
    u.data += data;
    u.alarms += alarms;
    this.unreported.set(reason, u);
    this.reportDrops(false);
  }

  /** One warning per reason at most every warnEveryMs (and whatever is left at close). */
  private reportDrops(final: boolean): void {
    const now = Date.now();
    if (!final && now - this.lastDropWarnMs < (this.opts.warnEveryMs ?? 10_000)) return;
    if (this.unreported.size === 0) return;
    this.lastDropWarnMs = now;
    for (const [reason, u] of this.unreported) {
      const parts = [];
      if (u.data > 0) parts.push(`${u.data} data record${u.data === 1 ? '' : 's'}`);
      if (u.alarms > 0) parts.push(`${u.alarms} alarm${u.alarms === 1 ? '' : 's'}`);
      this.warn(`exporter ${this.opts.name}: dropped ${parts.join(' and ')}: ${reason}`);
    }
    this.unreported.clear();
  }

  private warn(message: string): void {
    this.opts.onWarning?.(message);
  }
}
