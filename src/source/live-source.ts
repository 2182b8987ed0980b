/**
 * A live network interface as a PacketSource, through the native libpcap addon.
 *
 * A capture thread in the addon copies packets into a few large batches that JavaScript
 * allocated once (see docs/live-capture.md); each filled batch costs one JavaScript call.
 * The batch handed out by `next()` stays valid until the following `next()` call, which
 * gives it back to the capture thread.
 */
import { realpathSync } from 'node:fs';
import { UsageError } from '../util/errors.js';
import { CaptureError } from './capture-error.js';
import { badFilterError } from './bpf-filter.js';
import {
  EVENT_BATCH,
  EVENT_END,
  EVENT_ERROR,
  loadPcapBinding,
  type NativeCaptureHandle,
  type NativeError,
  type PcapBinding,
} from './native-binding.js';
import { createPacketBatch, type PacketBatch, type PacketSource, type SourceStats } from './packet-batch.js';

export interface LiveSourceOptions {
  /** Interface name: "eth0", "lo", "any" (all interfaces, Linux cooked link type)... */
  device: string;
  /** Put the interface in promiscuous mode (default true, as NetSpot). */
  promiscuous?: boolean;
  /** Bytes kept of each packet (default 65535, as NetSpot). */
  snapshotLen?: number;
  /** Kernel capture buffer in bytes (default 32 MiB; 0 keeps libpcap's 2 MiB). */
  bufferSize?: number;
  /** BPF expression applied in the kernel; a bad one is a UsageError quoting libpcap. */
  filter?: string;
  /** Longest time libpcap holds packets before handing them over, ms (default 10). */
  readTimeoutMs?: number;
  /** libpcap immediate mode: every packet as soon as it arrives (more wake-ups; default false). */
  immediate?: boolean;
  /** Packets per batch (default 16384). */
  batchPackets?: number;
  /** Bytes per batch buffer (default 4 MiB, at least twice the snapshot length). */
  batchBytes?: number;
  /** Batches in the pool shared with the capture thread, 2..16 (default 4). */
  batchCount?: number;
  /**
   * Linux: join this PACKET_FANOUT group (0..65535) after activation; the kernel spreads the
   * packets over the group's captures by flow hash (live workers). -1 (default): capture alone.
   */
  fanoutGroup?: number;
}

/** libpcap's counters for the capture, widened to 64 bits. */
export interface LiveCaptureStats {
  /** Packets the kernel accepted for this capture (after the BPF filter), drops included. */
  received: number;
  /** Packets dropped because the capture buffer was full. */
  dropped: number;
  /** Packets the interface itself dropped, when the driver tells. */
  ifDropped: number;
}

const DEFAULTS = {
  promiscuous: true,
  snapshotLen: 65535,
  bufferSize: 32 * 1024 * 1024,
  readTimeoutMs: 10,
  immediate: false,
  batchPackets: 16384,
  batchBytes: 4 * 1024 * 1024,
  batchCount: 4,
  fanoutGroup: -1,
};

interface Waiter {
  resolve(batch: PacketBatch | null): void;
  reject(err: Error): void;
}

export class LiveSource implements PacketSource {
  readonly live = true;
  readonly name: string;
  /** Link type of every packet of this capture (pcap_datalink). */
  linkType = 0;
  /** Snapshot length libpcap actually applies. */
  snapshotLen = 0;

  private readonly binding: PcapBinding;
  private readonly options: Required<LiveSourceOptions>;
  private handle!: NativeCaptureHandle;
  private readonly batches: PacketBatch[];
  /** Packet count of each published batch. */
  private readonly counts: Uint32Array;
  /** FIFO of published batch indexes (a ring: a batch is queued at most once). */
  private readonly ready: Int32Array;
  private readyHead = 0;
  private readyLength = 0;
  /** Batch currently lent to the caller, -1 when none. */
  private held = -1;
  private waiter: Waiter | null = null;
  private failure: CaptureError | null = null;
  private ended = false;
  private closed = false;
  private readonly endWaiters: Array<() => void> = [];
  private packets = 0;
  private finalStats: LiveCaptureStats | null = null;
  private readonly warningList: string[] = [];

  /** Use openLiveSource(). */
  constructor(binding: PcapBinding, options: Required<LiveSourceOptions>) {
    this.binding = binding;
    this.options = options;
    this.name = options.device;
    const count = options.batchCount;
    const bytes = Math.max(options.batchBytes, 2 * options.snapshotLen);
    this.batches = [];
    for (let i = 0; i < count; i++) {
      this.batches.push(createPacketBatch(options.batchPackets, new Uint8Array(bytes)));
    }
    this.counts = new Uint32Array(count);
    this.ready = new Int32Array(count);
  }

  /** Activates the capture (libpcap's activation and filter compilation run off the event loop). */
  async activate(): Promise<void> {
    const { binding, options } = this;
    let opened;
    try {
      opened = await binding.open(
        {
          device: options.device,
          snaplen: options.snapshotLen,
          promisc: options.promiscuous,
          bufferSize: options.bufferSize,
          timeoutMs: options.readTimeoutMs,
          immediate: options.immediate,
          fanoutGroup: options.fanoutGroup < 0 ? undefined : options.fanoutGroup,
          filter: options.filter === '' ? undefined : options.filter,
        },
        this.batches,
        this.onEvent,
      );
    } catch (err) {
      throw openError(options, err as NativeError);
    }
    this.handle = opened.handle;
    this.linkType = opened.linkType;
    this.snapshotLen = opened.snaplen;
    for (const batch of this.batches) batch.linkType.fill(opened.linkType);
    if (opened.warning) this.warningList.push(`${options.device}: ${opened.warning}`);
    if (!opened.nano) this.warningList.push(`${options.device}: timestamps have microsecond precision only`);
  }

  next(): Promise<PacketBatch | null> {
    if (this.held >= 0) {
      const block = this.held;
      this.held = -1;
      if (!this.ended) this.binding.release(this.handle, block);
    }
    if (this.closed) return Promise.resolve(null);
    if (this.readyLength > 0) return Promise.resolve(this.lend(this.dequeue()));
    if (this.failure) return Promise.reject(this.failure);
    if (this.ended) return Promise.resolve(null);
    if (this.waiter) return Promise.reject(new Error('LiveSource.next() called while a previous call is pending'));
    return new Promise((resolve, reject) => {
      this.waiter = { resolve, reject };
    });
  }

  /** libpcap's received/dropped counts (sampled by the capture thread, at most ~10 ms old). */
  captureStats(): LiveCaptureStats {
    if (this.finalStats) return this.finalStats;
    const [received, dropped, ifDropped] = this.binding.stats(this.handle);
    return { received, dropped, ifDropped };
  }

  stats(): SourceStats {
    const { received, dropped } = this.captureStats();
    return { bytesRead: 0, bytesTotal: 0, packets: this.packets, dropped, received };
  }

  warnings(): readonly string[] {
    return this.warningList;
  }

  /**
   * Stops capturing but keeps what was captured: `next()` goes on returning the packets
   * still in the buffers (libpcap's included), then null. For a clean Ctrl-C.
   */
  stop(): void {
    if (!this.ended && !this.closed) this.binding.stop(this.handle, true);
  }

  /** Stops at once, dropping buffered packets; a pending `next()` resolves to null. */
  close(): Promise<void> {
    this.closed = true;
    this.readyLength = 0;
    const waiter = this.waiter;
    this.waiter = null;
    waiter?.resolve(null);
    if (this.ended) return Promise.resolve();
    this.binding.stop(this.handle, false);
    return new Promise((resolve) => this.endWaiters.push(resolve));
  }

  /** Runs on the JavaScript thread once per batch, error or end (a bound field: no per-call closure). */
  private readonly onEvent = (kind: number, block: number, count: number, text: string | undefined): void => {
    if (kind === EVENT_BATCH) {
      if (this.closed) {
        this.binding.release(this.handle, block);
        return;
      }
      this.counts[block] = count;
      if (this.waiter) {
        const waiter = this.waiter;
        this.waiter = null;
        waiter.resolve(this.lend(block));
      } else {
        this.enqueue(block);
      }
    } else if (kind === EVENT_ERROR) {
      this.failure = new CaptureError('ECAPTURE', `capture on ${this.name} failed: ${text ?? 'unknown libpcap error'}`);
      if (this.waiter && !this.closed) {
        const waiter = this.waiter;
        this.waiter = null;
        waiter.reject(this.failure);
      }
    } else if (kind === EVENT_END) {
      this.finalStats = this.captureStats();
      this.ended = true;
      this.held = -1;
      this.binding.dispose(this.handle);
      const waiter = this.waiter;
      this.waiter = null;
      if (waiter) {
        if (this.failure && !this.closed) waiter.reject(this.failure);
        else waiter.resolve(null);
      }
      for (const resolve of this.endWaiters.splice(0)) resolve();
    }
  };

  private lend(block: number): PacketBatch {
    const batch = this.batches[block];
    batch.count = this.counts[block];
    this.packets += batch.count;
    this.held = block;
    return batch;
  }

  private enqueue(block: number): void {
    const n = this.ready.length;
    this.ready[(this.readyHead + this.readyLength) % n] = block;
    this.readyLength++;
  }

  private dequeue(): number {
    const block = this.ready[this.readyHead];
    this.readyHead = (this.readyHead + 1) % this.ready.length;
    this.readyLength--;
    return block;
  }
}

/** How to grant capture rights, for the permission error. */
function privilegeHelp(): string {
  let node = process.execPath;
  try {
    node = realpathSync(node);
  } catch {
    // keep execPath
  }
  return (
    'Live capture needs the CAP_NET_RAW and CAP_NET_ADMIN capabilities. Run as root, or grant them\n' +
    `to the node binary: sudo setcap cap_net_raw,cap_net_admin=eip ${node}\n` +
    'or, under systemd, in the [Service] section of the unit:\n' +
    '  AmbientCapabilities=CAP_NET_RAW CAP_NET_ADMIN\n' +
    '  CapabilityBoundingSet=CAP_NET_RAW CAP_NET_ADMIN\n' +
    '(see docs/live-capture.md)'
  );
}

/** Turns the addon's coded error into a message that says what to do. */
function openError(options: Required<LiveSourceOptions>, err: NativeError): Error {
  const dev = options.device;
  const detail = err.message;
  switch (err.code) {
    case 'EFILTER':
      return badFilterError(options.filter, detail);
    case 'EPERM':
      return new CaptureError('EPERM', `cannot capture on ${dev}: permission denied (libpcap: ${detail}).\n${privilegeHelp()}`);
    case 'ENODEV':
      return new CaptureError('ENODEV', `cannot capture on ${dev}: no such interface (libpcap: ${detail}); \`netspot ls devices\` lists them`);
    case 'EIFACEDOWN':
      return new CaptureError('EIFACEDOWN', `cannot capture on ${dev}: the interface is down (libpcap: ${detail}); bring it up with \`ip link set ${dev} up\``);
    case 'EFANOUT':
      return new CaptureError('EFANOUT', `cannot share ${dev} between capture threads: ${detail}`);
    case 'EINVAL':
      return new UsageError(`live capture on ${dev}: ${detail}`);
    default:
      return new CaptureError('EPCAP', `cannot capture on ${dev}: ${detail}`);
  }
}

function checkInteger(name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new UsageError(`live capture option ${name}: expected an integer in [${min}, ${max}], got ${value}`);
  }
}

/** Options with defaults, checked; a bad one is a UsageError naming it. */
export function resolveLiveOptions(options: LiveSourceOptions): Required<LiveSourceOptions> {
  if (typeof options.device !== 'string' || options.device === '') {
    throw new UsageError('live capture: a device name is required (e.g. eth0, lo, any)');
  }
  const o: Required<LiveSourceOptions> = {
    device: options.device,
    promiscuous: options.promiscuous ?? DEFAULTS.promiscuous,
    snapshotLen: options.snapshotLen ?? DEFAULTS.snapshotLen,
    bufferSize: options.bufferSize ?? DEFAULTS.bufferSize,
    filter: options.filter ?? '',
    readTimeoutMs: options.readTimeoutMs ?? DEFAULTS.readTimeoutMs,
    immediate: options.immediate ?? DEFAULTS.immediate,
    batchPackets: options.batchPackets ?? DEFAULTS.batchPackets,
    batchBytes: options.batchBytes ?? DEFAULTS.batchBytes,
    batchCount: options.batchCount ?? DEFAULTS.batchCount,
    fanoutGroup: options.fanoutGroup ?? DEFAULTS.fanoutGroup,
  };
  checkInteger('snapshot_len', o.snapshotLen, 1, 262144);
  checkInteger('buffer_size', o.bufferSize, 0, 2 ** 31 - 1);
  checkInteger('read timeout (ms)', o.readTimeoutMs, 1, 60000);
  checkInteger('batch packets', o.batchPackets, 1, 1 << 22);
  checkInteger('batch bytes', o.batchBytes, 1, 2 ** 31 - 1);
  checkInteger('batch count', o.batchCount, 2, 16);
  checkInteger('fan-out group', o.fanoutGroup, -1, 0xffff);
  return o;
}

/**
 * Opens `options.device` for live capture: checks the options, loads the native binding,
 * activates libpcap and applies the BPF filter. Throws UsageError (bad option or filter)
 * or CaptureError (binding missing, no permission, no such interface...).
 */
export async function openLiveSource(options: LiveSourceOptions): Promise<LiveSource> {
  const resolved = resolveLiveOptions(options);
  const binding = loadPcapBinding();
  const source = new LiveSource(binding, resolved);
  await source.activate();
  return source;
}
