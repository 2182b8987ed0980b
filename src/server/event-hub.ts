/**
 * Server-Sent Events fan-out: each event is formatted once and handed to every subscriber.
 * Publishing never waits for a client. While a client's connection is backed up, its events
 * wait in its own queue (references to the shared frame strings: a few bytes each, however many
 * clients wait) and go out in one write when the connection drains. A client with more than
 * `maxQueued` bytes pending is dropped (a last `error` event says why, if it can still get
 * through, then the connection is cut), so a stalled client costs at most its queue and one
 * array push per event. The number of subscribers is bounded too; a dropped client keeps its
 * slot until its connection is gone, so reconnecting stalled clients cannot pile up queues.
 */
import type { ServerResponse } from 'node:http';

/** How long a dropped client has to take its last event before its connection is destroyed. */
const DROP_GRACE_MS = 5_000;

export interface EventHubOptions {
  keepAliveMs?: number;
  /** Subscribers at once. */
  maxClients?: number;
  /** Bytes pending for one subscriber before it is dropped. */
  maxQueued?: number;
}

/** One subscriber and the frames waiting for its connection to drain. */
class Subscriber {
  readonly queue: string[] = [];
  queued = 0;
  backedUp = false;

  constructor(readonly res: ServerResponse) {}

  /** Bytes waiting for this client: in its queue and in the connection's buffers. */
  get pending(): number {
    return this.queued + this.res.writableLength;
  }

  send(frame: string): void {
    if (this.backedUp) {
      this.queue.push(frame);
      this.queued += frame.length;
    } else if (!this.res.write(frame)) this.backedUp = true;
  }

  /** The connection drained: everything queued goes out in one write. */
  flush(): void {
    this.backedUp = false;
    if (this.queue.length === 0) return;
    const text = this.queue.join('');
    this.queue.length = 0;
    this.queued = 0;
    if (!this.res.write(text)) this.backedUp = true;
  }
}

export class EventHub {
  /** Subscribers being written to. */
  private readonly clients = new Set<Subscriber>();
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
    const socket = res.socket;
    if (!this.hasRoom || socket === null) return false;
    const sub = new Subscriber(res);
    this.open++;
    this.clients.add(sub);
    res.on('drain', () => {
      if (this.clients.has(sub)) sub.flush();
    });
    // The slot is held until the connection itself is gone, with whatever it still buffers.
    socket.once('close', () => {
      this.open--;
      this.clients.delete(sub);
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

  /** Ends every stream (server shutdown), after what is queued for it. */
  closeAll(): void {
    for (const sub of this.clients) {
      sub.flush();
      sub.res.end();
    }
    this.clients.clear();
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  private writeAll(frame: string): void {
    for (const sub of this.clients) {
      if (sub.pending + frame.length > this.maxQueued) this.drop(sub);
      else sub.send(frame);
    }
  }

  private drop(sub: Subscriber): void {
    const { res } = sub;
    this.clients.delete(sub);
    this.droppedCount++;
    const why = JSON.stringify({
      error:
        `event stream dropped: ${sub.pending} bytes were waiting for this client (limit ${this.maxQueued}); ` +
        'read faster, then reconnect and catch up with /api/series and /api/alarms',
      code: 503,
    });
    // What was queued is not sent: only the reason, after what the connection already holds;
    // then the connection closes (not kept alive for another request).
    sub.queue.length = 0;
    sub.queued = 0;
    const socket = res.socket;
    res.end(`event: error\ndata: ${why}\n\n`, () => socket?.end());
    if (socket === null) return;
    // A client that does not read would hold its buffers (and its slot) forever: cut it after a
    // grace period, counted from when the event loop is free again (not from inside a batch).
    let cut: NodeJS.Timeout | undefined;
    const grace = setImmediate(() => {
      cut = setTimeout(() => socket.destroy(), DROP_GRACE_MS);
      cut.unref();
    });
    socket.once('close', () => {
      clearImmediate(grace);
      clearTimeout(cut);
    });
  }
}
