/**
 * The window of a capture the readers parse in place: one reused buffer refilled in large
 * reads. When a record spans the end of the window, its head is moved to the start and the
 * rest is read after it; the buffer grows only for a record larger than itself.
 */
import type { ByteInput } from './byte-input.js';

export class ChunkBuffer {
  buf: Uint8Array;
  /** Parse cursor: first unconsumed byte. */
  pos = 0;
  /** End of the valid bytes. */
  end = 0;
  /** Offset in the (decompressed) stream of buf[0]. */
  base = 0;
  /** True once the input returned its last byte. */
  eof = false;

  /**
   * @param streamSize size of the stream when known (plain files), else -1: a record that
   *   claims to go past it is a truncation, and the buffer is not grown for it.
   */
  constructor(
    readonly input: ByteInput,
    size: number,
    private readonly streamSize: number,
  ) {
    this.buf = new Uint8Array(size);
  }

  /** Stream offset of the parse cursor. */
  get offset(): number {
    return this.base + this.pos;
  }

  /**
   * Makes `need` bytes available from `pos`; false if the input ends first.
   * Moves bytes: offsets into the buffer taken before this call are no longer valid.
   */
  async ensure(need: number): Promise<boolean> {
    if (this.end - this.pos >= need) return true;
    // Past the known end of a plain file: a truncation, not a reason to grow the buffer.
    const reachable = this.streamSize < 0 || this.base + this.pos + need <= this.streamSize;
    if (this.pos > 0) {
      this.buf.copyWithin(0, this.pos, this.end);
      this.base += this.pos;
      this.end -= this.pos;
      this.pos = 0;
    }
    if (reachable && need > this.buf.length) {
      const grown = new Uint8Array(Math.max(need, Math.min(this.buf.length * 2, need * 2)));
      grown.set(this.buf.subarray(0, this.end));
      this.buf = grown;
    }
    // Fill the whole window: fewer, larger batches.
    while (!this.eof && this.end < this.buf.length) {
      const n = await this.input.read(this.buf, this.end, this.buf.length - this.end);
      if (n === 0) this.eof = true;
      this.end += n;
    }
    return this.end - this.pos >= need;
  }
}
