/**
 * Records over a stream socket (TCP or a unix stream socket): connects on the first send,
 * reconnects on the next send after any error, and writes each batch in one write. A
 * connection starts with the preamble, if any (a CSV header).
 */
import { connect, type Socket } from 'node:net';
import type { QueuedRecord } from './record-queue.js';
import type { Transport } from './background-sender.js';
import type { TcpAddress, UnixAddress } from './address.js';

export interface StreamOptions {
  /** Sent first on every new connection. */
  preamble?: () => string;
  /** A record as written on the stream (a line, an octet-counted syslog frame). */
  frame: (payload: string) => string;
  connectTimeoutMs?: number;
}

export class StreamTransport implements Transport {
  readonly peer: string;
  private socket: Socket | null = null;

  constructor(private readonly address: UnixAddress | TcpAddress, private readonly opts: StreamOptions) {
    this.peer = address.text;
  }

  async send(batch: readonly QueuedRecord[], signal: AbortSignal): Promise<void> {
    let text = '';
    let socket = this.socket;
    if (socket === null) {
      socket = await this.connect(signal);
      text = this.opts.preamble?.() ?? '';
    }
    for (const r of batch) text += this.opts.frame(r.payload);
    const s = socket;
    await new Promise<void>((resolve, reject) => {
      const onAbort = (): void => {
        s.destroy(new Error('aborted'));
      };
      signal.addEventListener('abort', onAbort, { once: true });
      s.write(text, (err) => {
        signal.removeEventListener('abort', onAbort);
        if (err) {
          this.drop(s);
          reject(err);
        } else resolve();
      });
    });
  }

  async close(): Promise<void> {
    const s = this.socket;
    this.socket = null;
    if (s === null) return;
    await new Promise<void>((resolve) => {
      s.once('close', () => resolve());
      s.end();
      setTimeout(() => s.destroy(), 1000).unref();
    });
  }

  private connect(signal: AbortSignal): Promise<Socket> {
    const a = this.address;
    return new Promise<Socket>((resolve, reject) => {
      const s = a.scheme === 'unix' ? connect({ path: a.path }) : connect({ host: a.host, port: a.port });
      const timer = setTimeout(() => s.destroy(new Error(`no connection within ${(this.opts.connectTimeoutMs ?? 5000) / 1000} s`)), this.opts.connectTimeoutMs ?? 5000);
      const onAbort = (): void => {
        s.destroy(new Error('aborted'));
      };
      signal.addEventListener('abort', onAbort, { once: true });
      const fail = (err: Error): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        s.destroy();
        reject(err);
      };
      s.once('error', fail);
      s.once('connect', () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        s.off('error', fail);
        s.setNoDelay(true);
        // Whatever the peer says is ignored; its end or an error ends the connection.
        s.resume();
        s.on('error', () => this.drop(s));
        s.on('end', () => this.drop(s));
        s.on('close', () => this.drop(s));
        this.socket = s;
        resolve(s);
      });
    });
  }

  private drop(s: Socket): void {
    if (this.socket === s) this.socket = null;
    s.destroy();
  }
}
