import { stat } from 'node:fs/promises';
import type { Config } from '../config/schema.js';
import type { PacketSource } from '../source/packet-batch.js';
import { openCaptureFile } from '../source/capture-file.js';
import { openLiveSource, type LiveSourceOptions } from '../source/live-source.js';
import { UsageError } from '../util/errors.js';

/** Looks like a path rather than an interface name: has a slash or a capture extension. */
const PATH_LIKE = /[/\\]|\.(pcap|pcapng|cap|gz)$/i;

/**
 * `miner.device` names a capture file when such a path exists, else a network interface. Only
 * a regular file is read: a FIFO or a device is refused (opening one could block forever).
 */
export async function openSource(cfg: Config, opts: { chunkSize?: number } = {}): Promise<PacketSource> {
  const device = cfg.miner.device;
  if (device === '') throw new UsageError('no device: give a capture file or an interface with -d (miner.device)');
  const info = await stat(device).catch(() => null);
  if (info !== null) {
    if (info.isFile() && cfg.miner.filter !== '') {
      throw new UsageError('miner.filter applies to live capture only; filter a capture file beforehand (e.g. tcpdump -r IN -w OUT FILTER)');
    }
    return openCaptureFile(device, { label: 'miner.device', chunkSize: opts.chunkSize });
  }
  if (PATH_LIKE.test(device)) throw new UsageError(`${device}: no such capture file`);
  return openLiveSource(liveOptions(cfg));
}

/** The live capture the config asks for (also what each live counting thread opens). */
export function liveOptions(cfg: Config): LiveSourceOptions {
  return {
    device: cfg.miner.device,
    promiscuous: cfg.miner.promiscuous,
    snapshotLen: cfg.miner.snapshot_len,
    bufferSize: cfg.miner.buffer_size === 0 ? undefined : cfg.miner.buffer_size,
    filter: cfg.miner.filter,
  };
}
