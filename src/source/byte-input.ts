/**
 * Where a capture's bytes come from: a plain file read with positioned reads, or a gzip file
 * decompressed as a stream. Both fill a caller's buffer, so the reader above owns the memory.
 */
import { createReadStream, readSync } from 'node:fs';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { FileHandle } from 'node:fs/promises';
import { createGunzip, type Gunzip } from 'node:zlib';
import type { ReadStream } from 'node:fs';
import { InputError } from '../util/errors.js';

export interface ByteInput {
  /** Reads up to `length` bytes into `buf` at `offset`; 0 means the end of the input. */
  read(buf: Uint8Array, offset: number, length: number): Promise<number>;
  /** Bytes consumed from the file (compressed bytes for gzip). */
  fileBytesRead(): number;
  /** Problems that ended the input early without being fatal (a truncated gzip stream). */
  readonly warnings: string[];
  /**
   * True when `read` does its work on the calling thread: the reader then reads when it needs
   * the bytes, not ahead of time (chunk-buffer.ts).
   */
  readonly synchronous?: boolean;
  close(): Promise<void>;
}

/** A synchronous reader gives the event loop a turn at least this often (timers, signals, sockets). */
export const YIELD_MS = 10;

/**
 * A plain file, read on the calling thread (readSync) in windows of a few hundred KiB. Reading
 * on the thread that parses leaves the bytes in that core's cache: with reads done ahead on
 * libuv's thread pool, parsing found them in another core's cache, and the whole run was
 * about 10% slower (docs/performance.md). Every YIELD_MS the read waits for one turn of the
 * event loop, so exporters, timers, signals and the server keep running. Only regular files
 * come here (util/safe-open.ts refuses FIFOs and devices), so a read never waits for a writer.
 */
export class FileInput implements ByteInput {
  private position = 0;
  private lastTurn = performance.now();
  readonly warnings: string[] = [];
  readonly synchronous = true;
  /** The open file's descriptor (counting threads read their jobs through it). */
  readonly fd: number;

  constructor(
    private readonly handle: FileHandle,
    private readonly path: string,
  ) {
    this.fd = handle.fd;
  }

  async read(buf: Uint8Array, offset: number, length: number): Promise<number> {
    if (performance.now() - this.lastTurn >= YIELD_MS) {
      await nextTurn();
      this.lastTurn = performance.now();
    }
    let n;
    try {
      n = readSync(this.handle.fd, buf, offset, length, this.position);
    } catch (err) {
      throw new InputError(`${this.path}: read error at byte offset ${this.position}: ${(err as Error).message}`);
    }
    this.position += n;
    return n;
  }

  fileBytesRead(): number {
    return this.position;
  }

  async close(): Promise<void> {
    await this.handle.close();
  }
}

/** gzip (one or several members), decompressed by node:zlib as a stream. */
export class GzipInput implements ByteInput {
  private readonly fileStream: ReadStream;
  private readonly gunzip: Gunzip;
  private readonly chunks: AsyncIterator<Buffer>;
  private pending: Buffer | null = null;
  private pendingPos = 0;
  private ended = false;
  private produced = 0;
  readonly warnings: string[] = [];

  constructor(
    private readonly handle: FileHandle,
    private readonly path: string,
    chunkSize: number,
  ) {
    this.fileStream = createReadStream('', { fd: handle, autoClose: false, start: 0, highWaterMark: Math.min(chunkSize, 1 << 20) });
    this.gunzip = createGunzip({ chunkSize: Math.max(64 * 1024, Math.min(chunkSize, 1 << 20)) });
    this.fileStream.on('error', (err) => this.gunzip.destroy(err));
    this.fileStream.pipe(this.gunzip);
    this.chunks = this.gunzip[Symbol.asyncIterator]();
  }

  async read(buf: Uint8Array, offset: number, length: number): Promise<number> {
    let copied = 0;
    while (copied < length) {
      if (this.pending === null || this.pendingPos >= this.pending.length) {
        if (this.ended || copied > 0) break;
        const chunk = await this.nextChunk();
        if (chunk === null) break;
        this.pending = chunk;
        this.pendingPos = 0;
      }
      const n = Math.min(length - copied, this.pending.length - this.pendingPos);
      buf.set(this.pending.subarray(this.pendingPos, this.pendingPos + n), offset + copied);
      this.pendingPos += n;
      copied += n;
    }
    this.produced += copied;
    return copied;
  }

  private async nextChunk(): Promise<Buffer | null> {
    try {
      const r = await this.chunks.next();
      if (r.done) {
        this.ended = true;
        return null;
      }
      return r.value;
    } catch (err) {
      this.ended = true;
      const e = err as NodeJS.ErrnoException;
      if (e.code === 'Z_BUF_ERROR') {
        // The compressed stream stops early: keep what was decompressed, like a cut capture.
        this.warnings.push(`${this.path}: gzip stream truncated after ${this.produced} decompressed bytes`);
        return null;
      }
      throw new InputError(
        `${this.path}: corrupt gzip data near compressed byte offset ${this.fileStream.bytesRead}: ${e.message}`,
      );
    }
  }

  fileBytesRead(): number {
    return this.fileStream.bytesRead;
  }

  async close(): Promise<void> {
    this.fileStream.unpipe(this.gunzip);
    this.fileStream.destroy();
    this.gunzip.destroy();
    await this.handle.close();
  }
}
