import { stat } from 'node:fs/promises';
import type { Config } from '../config/schema.js';
import type { PacketSource } from '../source/packet-batch.js';
import { openCaptureFile } from '../source/capture-file.js';
import { UsageError } from '../util/errors.js';

/** `miner.device` names a capture file when such a file exists, else a network interface. */
export async function openSource(cfg: Config): Promise<PacketSource> {
  const device = cfg.miner.device;
  if (device === '') throw new UsageError('no device: give a capture file or an interface with -d (miner.device)');
  const info = await stat(device).catch(() => null);
  if (info !== null && info.isFile()) return openCaptureFile(device);
  if (info !== null) throw new UsageError(`${device} is not a regular file`);
  throw new UsageError(`${device}: no such capture file (live capture is not available in this build)`);
}
