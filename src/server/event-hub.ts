/**
 * Server-Sent Events fan-out: each event is formatted once and written to every subscriber.
 * A subscriber that stops reading is cut off once it has `maxBuffered` bytes pending, so a
 * stalled client cannot make the server hoard memory (it reconnects and catches up through
 * /api/series and /api/alarms).
 */
import type { ServerResponse } from 'node:http';

export class EventHub {
  private readonly clients = new Set<ServerResponse>();
  private timer: NodeJS.Timeout | undefined;
  private nextId = 1;

  constructor(
    private readonly keepAliveMs = 15_000,
    private readonly maxBuffered = 4 * 1024 * 1024,
  ) {}

  get size(): number {
    return this.clients.size;
  }

  /** Starts streaming to `res` (headers already chosen by the route). */
  subscribe(res: ServerResponse): void {
    this.clients.add(res);
    res.on('close', () => this.clients.delete(res));
    if (this.timer === undefined) {
      this.timer = setInterval(() => this.writeAll(': keep-alive\n\n'), this.keepAliveMs);
      this.timer.unref();
    }
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
      if (res.writableLength > this.maxBuffered) {
        this.clients.delete(res);
        res.destroy();
        continue;
      }
      res.write(frame);
    }
  }
}
