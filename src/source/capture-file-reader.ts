/**
 * What the pcap and pcapng readers share: the window they parse, the reused batch, progress,
 * warnings and closing. Each format only says how to `fill` the batch.
 */
import { createPacketBatch, type PacketBatch, type PacketSource, type SourceStats } from './packet-batch.js';
import type { ChunkBuffer } from './chunk-buffer.js';

/** Larger captured lengths are corruption, not packets (libpcap's own limit is far lower). */
export const MAX_CAPLEN = 16 * 1024 * 1024;
/**
 * Packets per batch. Small on purpose: a batch's records are read twice, once to find them and
 * once to decode them, and 1024 typical packets (about 256 KiB) are still in the core's L2 cache
 * on the second pass. Batches of 65536 (a whole 4 MiB window) made the whole run about 20%
 * slower (docs/performance.md).
 */
export const BATCH_CAPACITY = 1024;

export abstract class CaptureFileReader implements PacketSource {
  readonly live = false;
  protected readonly batch: PacketBatch = createPacketBatch(BATCH_CAPACITY);
  protected packets = 0;
  protected done = false;
  protected closed = false;
  protected readonly warningList: string[] = [];
  /**
   * A corrupt record met after some packets of the window were parsed: those packets are handed
   * out first, and this error on the next call, so that nothing read before it is lost.
   */
  protected pendingError: Error | undefined;

  constructor(
    readonly name: string,
    protected readonly path: string,
    protected readonly chunks: ChunkBuffer,
    private readonly fileSize: number,
    private readonly compressed: boolean,
  ) {}

  /** Parses the next packets into `batch`; null at the end of the file. */
  protected abstract fill(): Promise<PacketBatch | null>;

  async next(): Promise<PacketBatch | null> {
    if (this.done || this.closed) return null;
    if (this.pendingError !== undefined) {
      this.done = true;
      throw this.pendingError;
    }
    try {
      return await this.fill();
    } catch (err) {
      // A read interrupted by close() is an end, not an error.
      if (this.closed) return null;
      throw err;
    }
  }

  stats(): SourceStats {
    return {
      bytesRead: this.compressed ? this.chunks.input.fileBytesRead() : this.chunks.offset,
      bytesTotal: this.fileSize,
      packets: this.packets,
      dropped: 0,
      received: 0,
    };
  }

  warnings(): readonly string[] {
    return [...this.chunks.input.warnings, ...this.warningList];
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.done = true;
    await this.chunks.input.close();
  }
}
