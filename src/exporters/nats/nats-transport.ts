/**
 * Sends queued snapshots to JetStream: each is published with a message ID (the sensor's
 * subject, the period, this process) and counts as sent once the stream acknowledged storing
 * it. A retried batch (an ack lost with the server) is stored once: JetStream drops a message
 * ID it has seen within its duplicate window. The connection is opened on the first send and
 * again after it is lost; the BackgroundSender does the retrying.
 */
import type { NatsConnection } from '@nats-io/transport-node';
import { jetstream, type JetStreamClient } from '@nats-io/jetstream';
import { RejectedError, type Transport } from '../network/background-sender.js';
import type { QueuedRecord } from '../network/record-queue.js';
import { connectNats, ensureStream, jetstreamManager, type NatsLinkOptions } from '../../scale-out/nats-link.js';

/** How long a publish waits for the stream's acknowledgement, ms. */
const ACK_TIMEOUT_MS = 5000;

/** A queued record's payload: the message ID, a newline, the message. */
export function withMessageId(id: string, body: string): string {
  return `${id}\n${body}`;
}

export class NatsTransport implements Transport {
  readonly peer: string;
  private nc: NatsConnection | undefined;
  private js: JetStreamClient | undefined;

  constructor(
    private readonly link: NatsLinkOptions,
    private readonly subject: string,
    private readonly stream: string,
  ) {
    this.peer = link.url;
  }

  async send(batch: readonly QueuedRecord[], signal: AbortSignal): Promise<void> {
    const js = await this.ready();
    // Larger than the server takes: retrying cannot help (the batch is dropped and counted).
    const max = this.nc?.info?.max_payload ?? Infinity;
    for (const r of batch) {
      const bytes = Buffer.byteLength(r.payload) - r.payload.indexOf('\n') - 1;
      if (bytes > max) throw new RejectedError(`snapshot larger than the server's max_payload of ${max} bytes`);
    }
    const onAbort = (): void => void this.drop();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      await Promise.all(
        batch.map((r) => {
          const nl = r.payload.indexOf('\n');
          return js.publish(this.subject, r.payload.slice(nl + 1), { msgID: r.payload.slice(0, nl), timeout: ACK_TIMEOUT_MS });
        }),
      );
    } catch (err) {
      // A lost server shows as timeouts: start over with a fresh connection next time.
      if (this.nc?.isClosed() !== false) await this.drop();
      throw err;
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }

  private async ready(): Promise<JetStreamClient> {
    if (this.nc !== undefined && !this.nc.isClosed() && this.js !== undefined) return this.js;
    await this.drop();
    const nc = await connectNats(this.link, false);
    try {
      await ensureStream(await jetstreamManager(nc), this.stream);
    } catch (err) {
      await nc.close().catch(() => undefined);
      throw err;
    }
    this.nc = nc;
    this.js = jetstream(nc);
    return this.js;
  }

  private async drop(): Promise<void> {
    const nc = this.nc;
    this.nc = undefined;
    this.js = undefined;
    await nc?.close().catch(() => undefined);
  }

  async close(): Promise<void> {
    await this.drop();
  }
}
