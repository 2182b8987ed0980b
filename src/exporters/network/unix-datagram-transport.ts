/**
 * Records as datagrams to a unix datagram socket (/dev/log), through the native addon: Node's
 * dgram module speaks UDP only. Without the addon, the first send fails with a message saying
 * so, and the records are counted as dropped at the end like any unsent ones.
 */
import { loadPcapBinding } from '../../source/native-binding.js';
import type { QueuedRecord } from './record-queue.js';
import type { Transport } from './background-sender.js';
import type { UnixAddress } from './address.js';

export class UnixDatagramTransport implements Transport {
  readonly peer: string;
  constructor(private readonly address: UnixAddress) {
    this.peer = address.text;
  }

  // How far a batch got before a send failed: its retry starts there (no duplicates).
  private readonly progress = new WeakMap<readonly QueuedRecord[], number>();

  async send(batch: readonly QueuedRecord[]): Promise<void> {
    const binding = loadPcapBinding();
    for (let i = this.progress.get(batch) ?? 0; i < batch.length; i++) {
      this.progress.set(batch, i);
      binding.sendUnixDatagram(this.address.path, Buffer.from(batch[i].payload));
    }
  }

  async close(): Promise<void> {}
}
