/**
 * The window of a capture the readers parse in place: large reads into reused buffers.
 *
 * Two buffers alternate: the readers parse one while the next part of the input goes into the
 * other (after a reserved head room). An asynchronous input (gzip) is read ahead, so that
 * reading overlaps parsing; a synchronous one (a plain file) is read when the window moves,
 * so that the bytes are fresh in the cache when parsed. When a record spans the end of the
 * window, its head is copied into that head room, just before the bytes that follow it.
 * Buffers grow only for a record larger than themselves.
 */
import type { ByteInput } from './byte-input.js';

/** Head room before the read area of the spare buffer: records up to this size carry over. */
const MAX_HEAD_ROOM = 256 * 1024;

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

  private spare: Uint8Array | null = null;
  private readonly headRoom: number;
  /**
   * The read into `spare` after its head room, due when the window moves: already started
   * for an asynchronous input, started on the call for a synchronous one.
   */
  private prefetch: (() => Promise<number>) | null = null;

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
    this.headRoom = Math.min(MAX_HEAD_ROOM, Math.floor(size / 4));
  }

  /** Stream offset of the parse cursor. */
  get offset(): number {
    return this.base + this.pos;
  }

  /**
   * Makes `need` bytes available from `pos`; false if the input ends first.
   * Moves bytes: offsets into the buffer taken before this call are no longer valid, and the
   * previous window may be overwritten by the next read.
   */
  async ensure(need: number): Promise<boolean> {
    while (this.end - this.pos < need) {
      const tail = this.end - this.pos;
      if (this.prefetch !== null && this.spare !== null && tail <= this.headRoom && need - tail <= this.spare.length - this.headRoom) {
        await this.swap();
        if (this.eof && this.end - this.pos < need) return false;
        continue;
      }
      await this.fillInPlace(need);
      return this.end - this.pos >= need;
    }
    return true;
  }

  /** Moves to the prefetched buffer, carrying the unparsed tail over, and reads ahead again. */
  private async swap(): Promise<void> {
    const read = this.prefetch as () => Promise<number>;
    this.prefetch = null;
    const n = await read();
    const next = this.spare as Uint8Array;
    const tail = this.end - this.pos;
    const start = this.headRoom - tail;
    next.set(this.buf.subarray(this.pos, this.end), start);
    this.base += this.pos - start;
    this.spare = this.buf;
    this.buf = next;
    this.pos = start;
    this.end = this.headRoom + n;
    if (n === 0) this.eof = true;
    else this.readAhead();
  }

  /** The slow path: compact, grow if one record needs it, and fill the window now. */
  private async fillInPlace(need: number): Promise<void> {
    let pending = 0;
    if (this.prefetch !== null) {
      // Bytes read ahead come right after the current window.
      const read = this.prefetch;
      this.prefetch = null;
      pending = await read();
      if (pending === 0) this.eof = true;
    }
    const ahead = this.spare?.subarray(this.headRoom, this.headRoom + pending);
    // Past the known end of a plain file: a truncation, not a reason to grow the buffer.
    const reachable = this.streamSize < 0 || this.base + this.pos + need <= this.streamSize;
    if (this.pos > 0) {
      this.buf.copyWithin(0, this.pos, this.end);
      this.base += this.pos;
      this.end -= this.pos;
      this.pos = 0;
    }
    const wanted = Math.max(reachable ? need : 0, this.end + pending);
    if (wanted > this.buf.length) {
      const grown = new Uint8Array(Math.max(wanted, Math.min(this.buf.length * 2, wanted * 2)));
      grown.set(this.buf.subarray(0, this.end));
      this.buf = grown;
    }
    if (ahead !== undefined && pending > 0) {
      this.buf.set(ahead, this.end);
      this.end += pending;
    }
    // Fill the whole window: fewer, larger batches.
    while (!this.eof && this.end < this.buf.length) {
      const n = await this.input.read(this.buf, this.end, this.buf.length - this.end);
      if (n === 0) this.eof = true;
      this.end += n;
    }
    if (!this.eof) this.readAhead();
  }

  private readAhead(): void {
    if (this.spare === null || this.spare.length !== this.buf.length) this.spare = new Uint8Array(this.buf.length);
    const spare = this.spare, at = this.headRoom;
    if (this.input.synchronous === true) {
      this.prefetch = () => this.input.read(spare, at, spare.length - at);
      return;
    }
    const p = this.input.read(spare, at, spare.length - at);
    // A read still in flight when the source closes must not become an unhandled rejection.
    p.catch(() => {});
    this.prefetch = () => p;
  }
}
