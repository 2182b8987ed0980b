/**
 * Server-Sent Events fan-out: each event is formatted once and written to every subscriber.
 * Publishing never waits for a client: a write to a client that does not read only queues
 * bytes, and a client with more than `maxQueued` bytes pending is dropped (a last `error`
 * event says why, if it can still get through, then the connection is cut), so a stalled
 * client costs at most its queue and one cheap check per event. The number of subscribers is
 * bounded too; a dropped client keeps its slot until its connection is gone, so reconnecting
 * stalled clients cannot pile up queues.
 */
import type { ServerResponse } from 'node:http';

/** How long a dropped client has to take its last event before its connection is destroyed. */
const DROP_GRACE_MS = 1_000;

export interface EventHubOptions {
  keepAliveMs?: number;
  /** Subscribers at once. */
  maxClients?: number;
  /** Bytes pending for one subscriber before it is dropped. */
  maxQueued?: number;
}

export class EventHub {
  /** Subscribers being written to. */
  private readonly clients = new Set<ServerResponse>();
  /** Subscribers and dropped clients whose connection is not closed yet (what the limit counts). */
  private open = 0;
  private timer: NodeJS.Timeout | undefined;
  private nextId = 1;
  private droppedCount = 0;
  readonly keepAliveMs: number;
  readonly maxClients: number;
  readonly maxQueued: number;

  constructor(opts: EventHubOptions = {}) {
    this.keepAliveMs = opts.keepAliveMs ?? 15_000;
    this.maxClients = opts.maxClients ?? 64;
    this.maxQueued = opts.maxQueued ?? 1024 * 1024;
  }

  /** Subscribers being written to. */
  get size(): number {
    return this.clients.size;
  }

  /** Subscribers dropped for falling behind, over the hub's life. */
  get dropped(): number {
    return this.droppedCount;
  }

  /** Whether one more subscriber would be accepted. */
  get hasRoom(): boolean {
    return this.open < this.maxClients;
  }

  /** Starts streaming to `res` (headers already chosen by the route); false when full. */
  subscribe(res: ServerResponse): boolean {
    if (!this.hasRoom) return false;
    this.open++;
    this.clients.add(res);
    res.once('close', () => {
      this.open--;
      this.clients.delete(res);
    });
    if (this.timer === undefined) {
      this.timer = setInterval(() => this.writeAll(': keep-alive\n\n'), this.keepAliveMs);
      this.timer.unref();
    }
    return true;
  }

  /** Sends one event (`json` is the data line, already serialized) to every subscriber. */
  publish(event: string, json: string): void {
    if (this.clients.size === 0) return;
    this.writeAll(`id: ${this.nextId++}\nevent: ${event}\ndata: ${json}\n\n`);
  }

  /** Ends every stream (server shutdown). */
  closeAll(): void {
    for (const res of this.clients) res.end();
    this.clients.clear();
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  private writeAll(frame: string): void {
    for (const res of this.clients) {
      if (res.writableLength + frame.length > this.maxQueued) this.drop(res);
      else res.write(frame);
    }
  }

  private drop(res: ServerResponse): void {
    this.clients.delete(res);
    this.droppedCount++;
    const why = JSON.stringify({
      error:
        `event stream dropped: ${res.writableLength} bytes were waiting for this client (limit ${this.maxQueued}); ` +
        'read faster, then reconnect and catch up with /api/series and /api/alarms',
      code: 503,
    });
    res.end(`event: error\ndata: ${why}\n\n`);
    // A client that does not read would hold its queue forever: cut it after a grace period.
    const cut = setTimeout(() => res.destroy(), DROP_GRACE_MS);
    cut.unref();
    res.once('close', () => clearTimeout(cut));
  }
}
