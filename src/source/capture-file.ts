/**
 * Opens a capture file as a PacketSource: classic pcap or pcapng, recognised by magic number,
 * either of them gzip-compressed (recognised by its own magic, whatever the file name).
 */
import type { FileHandle } from 'node:fs/promises';
import { basename } from 'node:path';
import { FileInput, GzipInput, type ByteInput } from './byte-input.js';
import { ChunkBuffer } from './chunk-buffer.js';
import type { PacketSource } from './packet-batch.js';
import { pcapByteOrder, PcapReader } from './pcap-reader.js';
import { BLOCK_SHB, PcapngReader } from './pcapng-reader.js';
import { InputError, UsageError } from '../util/errors.js';
import { openInputFile } from '../util/safe-open.js';

export interface CaptureFileOptions {
  /** Size of the read window in bytes (default 512 KiB); tests use tiny ones. */
  chunkSize?: number;
  /** Where the path came from, for messages (default "capture file"; the pipeline says miner.device). */
  label?: string;
}

/**
 * The read window: small enough that a window read on the parsing thread is still in that
 * core's L2 cache when parsed (the window, its spare and a batch's decoding), large enough that
 * reads cost little. 512 KiB and 256 KiB ran at the same speed; 4 MiB about 10% slower.
 */
export const DEFAULT_CHUNK_SIZE = 512 * 1024;

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
  // Refuses FIFOs and devices without blocking on them (see util/safe-open.ts).
  const handle: FileHandle = await openInputFile(path, opts.label ?? 'capture file');
  let size: number;
  let input: ByteInput | null = null;
  try {
    const st = await handle.stat();
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
    // The bytes themselves are not quoted: the path may name a file the caller cannot read
    // otherwise (the server runs with more rights than its API clients).
    throw new InputError(`${path}: not a pcap or pcapng capture${gzip ? ' (after gzip)' : ''}: unknown magic number at byte offset 0`);
  } catch (err) {
    if (input !== null) await input.close().catch(() => {});
    else await handle.close().catch(() => {});
    throw err instanceof InputError || err instanceof UsageError ? err : new InputError(`${path}: ${(err as Error).message}`);
  }
}
