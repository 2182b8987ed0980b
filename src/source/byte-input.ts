/**
 * Where a capture's bytes come from: a plain file read with positioned reads, or a gzip file
 * decompressed as a stream. Both fill a caller's buffer, so the reader above owns the memory.
 */
import { createReadStream } from 'node:fs';
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
  close(): Promise<void>;
}

export class FileInput implements ByteInput {
  private position = 0;
  readonly warnings: string[] = [];

  constructor(
    private readonly handle: FileHandle,
    private readonly path: string,
  ) {}

  async read(buf: Uint8Array, offset: number, length: number): Promise<number> {
    let result;
    try {
      result = await this.handle.read(buf, offset, length, this.position);
    } catch (err) {
      throw new InputError(`${this.path}: read error at byte offset ${this.position}: ${(err as Error).message}`);
    }
    this.position += result.bytesRead;
    return result.bytesRead;
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
