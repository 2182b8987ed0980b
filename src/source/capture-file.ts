/**
 * Opens a capture file as a PacketSource: classic pcap or pcapng, recognised by magic number,
 * either of them gzip-compressed (recognised by its own magic, whatever the file name).
 */
import { open, type FileHandle } from 'node:fs/promises';
import { basename } from 'node:path';
import { FileInput, GzipInput, type ByteInput } from './byte-input.js';
import { ChunkBuffer } from './chunk-buffer.js';
import type { PacketSource } from './packet-batch.js';
import { pcapByteOrder, PcapReader } from './pcap-reader.js';
import { BLOCK_SHB, PcapngReader } from './pcapng-reader.js';
import { InputError } from '../util/errors.js';

export interface CaptureFileOptions {
  /** Size of the read window in bytes (default 4 MiB); tests use tiny ones. */
  chunkSize?: number;
}

export const DEFAULT_CHUNK_SIZE = 4 * 1024 * 1024;

/** The series name of a capture: its base name without `.gz` and the capture extension. */
export function captureSeriesName(path: string): string {
  let name = basename(path);
  name = name.replace(/\.(gz|gzip)$/i, '');
  const dot = name.lastIndexOf('.');
  if (dot > 0) name = name.slice(0, dot);
  return name;
}

export async function openCaptureFile(path: string, opts: CaptureFileOptions = {}): Promise<PacketSource> {
  const chunkSize = Math.max(64, Math.floor(opts.chunkSize ?? DEFAULT_CHUNK_SIZE));
  let handle: FileHandle;
  let size: number;
  try {
    handle = await open(path, 'r');
  } catch (err) {
    throw new InputError(`${path}: cannot open capture file: ${(err as Error).message}`);
  }
  let input: ByteInput | null = null;
  try {
    const st = await handle.stat();
    if (!st.isFile()) throw new InputError(`${path}: not a regular file`);
    size = st.size;
    const head = new Uint8Array(2);
    const { bytesRead } = await handle.read(head, 0, 2, 0).catch((err: Error) => {
      throw new InputError(`${path}: cannot read capture file: ${err.message}`);
    });
    const gzip = bytesRead === 2 && head[0] === 0x1f && head[1] === 0x8b;
    input = gzip ? new GzipInput(handle, path, chunkSize) : new FileInput(handle, path);
    const chunks = new ChunkBuffer(input, chunkSize, gzip ? -1 : size);
    const name = captureSeriesName(path);
    if (!(await chunks.ensure(4))) {
      throw new InputError(`${path}: not a capture file: ${chunks.end === 0 ? 'empty' : 'too short'} (byte offset 0)`);
    }
    const b = chunks.buf;
    if (pcapByteOrder(b) !== null) {
      if (!(await chunks.ensure(24))) throw new InputError(`${path}: truncated pcap global header at byte offset 0`);
      return new PcapReader(name, path, chunks, size, gzip);
    }
    if (((b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3]) >>> 0 === BLOCK_SHB) {
      if (!(await chunks.ensure(12))) throw new InputError(`${path}: truncated pcapng section header at byte offset 0`);
      return new PcapngReader(name, path, chunks, size, gzip);
    }
    const hex = Array.from(b.subarray(0, 4), (x) => x.toString(16).padStart(2, '0')).join(' ');
    throw new InputError(`${path}: not a pcap or pcapng capture${gzip ? ' (after gzip)' : ''}: magic ${hex} at byte offset 0`);
  } catch (err) {
    if (input !== null) await input.close().catch(() => {});
    else await handle.close().catch(() => {});
    throw err instanceof InputError ? err : new InputError(`${path}: ${(err as Error).message}`);
  }
}
