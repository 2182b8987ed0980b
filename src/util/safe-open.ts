/**
 * Opening the files a user names (capture inputs, record outputs) without ever blocking.
 *
 * A plain `open()` of a FIFO waits for the other end: on the event loop (openSync) the whole
 * process stops answering; through the thread pool (fs.promises) a pool thread hangs for good
 * and so does every later file operation queued behind it. So: look at the path first (stat
 * does not open), open with O_NONBLOCK (a FIFO then opens at once for reading, or fails with
 * ENXIO for writing when nobody reads), and check the type again on the open handle (the path
 * may have been swapped in between). Anything but a regular file is refused, with the key and
 * the path in the message. Every source and exporter that opens a named file goes through here.
 */
import { constants } from 'node:fs';
import { mkdir, open, stat, type FileHandle } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { dirname } from 'node:path';
import { InputError, UsageError } from './errors.js';

const { O_RDONLY, O_WRONLY, O_CREAT, O_APPEND, O_NONBLOCK, O_NOCTTY } = constants;

/** What a non-regular file is, for the message. */
function kindOf(st: Stats): string {
  if (st.isFIFO()) return 'a FIFO';
  if (st.isDirectory()) return 'a directory';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

function notRegular(label: string, path: string, st: Stats, hint: string): UsageError {
  return new UsageError(`${label} ${path} is ${kindOf(st)}: only a regular file is accepted${hint}`);
}

/** "ENOENT: no such file or directory, open '/x'" -> "no such file or directory (ENOENT)". */
export function ioReason(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  const text = (e?.message ?? String(err)).replace(/^[A-Z]+: /, '').replace(/, \w+( '.*')?$/s, '');
  return e?.code !== undefined ? `${text} (${e.code})` : text;
}

async function closeQuietly(handle: FileHandle): Promise<void> {
  await handle.close().catch(() => {});
}

/**
 * Opens an existing regular file for reading. `label` names where the path came from
 * (`miner.device`). Refuses FIFOs, devices, directories and sockets without opening them.
 */
export async function openInputFile(path: string, label: string): Promise<FileHandle> {
  const hint = ' (a capture file to analyse; FIFOs and devices are refused)';
  let before: Stats;
  try {
    before = await stat(path);
  } catch (err) {
    throw new InputError(`cannot open ${label} ${path}: ${ioReason(err)}`);
  }
  if (!before.isFile()) throw notRegular(label, path, before, hint);
  let handle: FileHandle;
  try {
    handle = await open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY);
  } catch (err) {
    throw new InputError(`cannot open ${label} ${path}: ${ioReason(err)}`);
  }
  const st = await handle.stat().catch(async (err: unknown) => {
    await closeQuietly(handle);
    throw new InputError(`cannot open ${label} ${path}: ${ioReason(err)}`);
  });
  if (!st.isFile()) {
    await closeQuietly(handle);
    throw notRegular(label, path, st, hint);
  }
  return handle;
}

export type OutputMode = 'truncate' | 'append';

/**
 * Opens an output file for writing, creating it (and its folder) when missing. Only a
 * regular file or a path that does not exist yet is accepted: /dev/stdout, FIFOs, sockets
 * and devices are refused (the console exporter writes to stdout). The file is truncated
 * only once it is known to be a regular file, so refusing never destroys anything.
 */
export async function openOutputFile(path: string, label: string, mode: OutputMode): Promise<FileHandle> {
  const hint = ' (or a path that does not exist yet; FIFOs, devices and /dev/stdout are refused)';
  const before = await stat(path).catch(() => null);
  if (before !== null && !before.isFile()) throw notRegular(label, path, before, hint);
  let handle: FileHandle;
  try {
    if (before === null) await mkdir(dirname(path), { recursive: true });
    handle = await open(path, O_WRONLY | O_CREAT | O_NONBLOCK | O_NOCTTY | (mode === 'append' ? O_APPEND : 0), 0o644);
  } catch (err) {
    // ENXIO: a FIFO created since the stat, with no reader.
    throw new InputError(`cannot open ${label} ${path}: ${ioReason(err)}`);
  }
  try {
    const st = await handle.stat();
    if (!st.isFile()) throw notRegular(label, path, st, hint);
    if (mode === 'truncate') await handle.truncate(0);
    return handle;
  } catch (err) {
    await closeQuietly(handle);
    throw err instanceof UsageError ? err : new InputError(`cannot open ${label} ${path}: ${ioReason(err)}`);
  }
}
