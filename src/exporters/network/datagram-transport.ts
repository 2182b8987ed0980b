/**
 * Records as UDP datagrams, one record per datagram. The socket is connected, so a peer with
 * no listener shows up as ECONNREFUSED on a later send (and the send is retried) rather than
 * as silence; a datagram lost on the way is not seen (UDP says nothing).
 */
import { createSocket, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import type { QueuedRecord } from './record-queue.js';
import type { Transport } from './background-sender.js';
import type { UdpAddress } from './address.js';

export interface DatagramOptions {
  /** Sent as its own datagram first, each time the socket is (re)created (a CSV header). */
  preamble?: () => string;
  frame: (payload: string) => string;
}

export class DatagramTransport implements Transport {
  readonly peer: string;
  private socket: Socket | null = null;

  constructor(private readonly address: UdpAddress, private readonly opts: DatagramOptions) {
    this.peer = address.text;
  }

  async send(batch: readonly QueuedRecord[]): Promise<void> {
    let s = this.socket;
    if (s === null) {
      s = await this.open();
      const pre = this.opts.preamble?.();
      if (pre !== undefined && pre !== '') await this.sendOne(s, pre);
    }
    for (let i = this.progress.get(batch) ?? 0; i < batch.length; i++) {
      this.progress.set(batch, i);
      await this.sendOne(s, this.opts.frame(batch[i].payload));
    }
  }

  // How far a batch got before a send failed: its retry starts there (no duplicates).
  private readonly progress = new WeakMap<readonly QueuedRecord[], number>();

  async close(): Promise<void> {
    const s = this.socket;
    this.socket = null;
    if (s !== null) await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  private sendOne(s: Socket, text: string): Promise<void> {
    return new Promise((resolve, reject) => {
      s.send(text, (err) => {
        if (err) {
          this.discard(s);
          reject(err);
        } else resolve();
      });
    });
  }

  /** Forgets a socket after an error; the next send opens a new one. */
  private discard(s: Socket): void {
    if (this.socket === s) this.socket = null;
    try {
      s.close();
    } catch {
      // already closed
    }
  }

  private open(): Promise<Socket> {
    const { host, port } = this.address;
    const s = createSocket(isIPv6(host) ? 'udp6' : 'udp4');
    return new Promise((resolve, reject) => {
      s.once('error', (err) => {
        this.discard(s);
        reject(err);
      });
      s.connect(port, host, () => {
        s.removeAllListeners('error');
        s.on('error', () => this.discard(s));
        this.socket = s;
        resolve(s);
      });
    });
  }
}
