/**
 * Loads the native libpcap addon (native/, built by scripts/build-native.mjs) on first use,
 * so that analysing capture files works on machines where it could not be built.
 */
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CaptureError } from './capture-error.js';

/** Opaque handle of an open capture. */
declare const nativeCaptureBrand: unique symbol;
export type NativeCaptureHandle = { readonly [nativeCaptureBrand]: true };

/** Arrays the capture thread writes a batch into (a PacketBatch fits). */
export interface NativeBatchArrays {
  data: Uint8Array;
  offset: Uint32Array;
  caplen: Uint32Array;
  wirelen: Uint32Array;
  tsSec: Float64Array;
  tsNsec: Uint32Array;
}

export interface NativeOpenOptions {
  device: string;
  snaplen: number;
  promisc: boolean;
  /** Kernel ring size in bytes; 0 keeps libpcap's default. */
  bufferSize: number;
  /** libpcap read timeout: longest wait before a partly filled buffer is delivered. */
  timeoutMs: number;
  immediate: boolean;
  /** Join this PACKET_FANOUT group (hash of the flow) after activation; absent: capture alone. */
  fanoutGroup?: number;
  filter?: string;
}

export interface NativeOpenResult {
  handle: NativeCaptureHandle;
  /** pcap_datalink of the handle (LINKTYPE_* / DLT_* value). */
  linkType: number;
  snaplen: number;
  /** True when libpcap delivers nanosecond timestamps. */
  nano: boolean;
  /** pcap_activate's warning, if any (e.g. promiscuous mode not supported). */
  warning?: string;
}

/** Events delivered to `onEvent(kind, block, count, text)` on the JavaScript thread. */
export const EVENT_BATCH = 1;
export const EVENT_ERROR = 2;
export const EVENT_END = 3;
export type NativeEventHandler = (kind: number, block: number, count: number, text: string | undefined) => void;

export interface NativeDeviceAddress {
  /** 'inet' (IPv4), 'inet6' or 'link' (hardware address). */
  family: 'inet' | 'inet6' | 'link';
  address: string;
  netmask?: string;
  broadcast?: string;
  destination?: string;
}

export interface NativeDevice {
  name: string;
  description?: string;
  flags: {
    up: boolean;
    running: boolean;
    loopback: boolean;
    wireless: boolean;
    connection: 'connected' | 'disconnected' | 'not-applicable' | 'unknown';
  };
  addresses: NativeDeviceAddress[];
}

/** Errors thrown by the addon carry a `code`: EPERM, ENODEV, EIFACEDOWN, EFILTER, EFANOUT, EPCAP, EINVAL. */
export interface NativeError extends Error {
  code?: string;
}

export interface PcapBinding {
  /** Activates and filters on a pool thread (never blocking JavaScript), then starts capturing. */
  open(options: NativeOpenOptions, batches: NativeBatchArrays[], onEvent: NativeEventHandler): Promise<NativeOpenResult>;
  release(handle: NativeCaptureHandle, block: number): void;
  /** drain=true: deliver what libpcap still holds, then END; false: END as soon as possible. */
  stop(handle: NativeCaptureHandle, drain: boolean): void;
  /** After END: joins the capture thread and closes libpcap. */
  dispose(handle: NativeCaptureHandle): void;
  /** [received, dropped, ifDropped] as last sampled by the capture thread. */
  stats(handle: NativeCaptureHandle): [number, number, number];
  /** Compiles a BPF expression for `linkType` on a pool thread; rejects with EFILTER and libpcap's message. */
  compileFilter(filter: string, linkType: number, snaplen: number): Promise<void>;
  listDevices(): NativeDevice[];
  libVersion(): string;
  /** One datagram to a unix datagram socket (syslog's /dev/log); throws with error.code. */
  sendUnixDatagram(path: string, data: Buffer): void;
}

const addonPath = fileURLToPath(new URL('../../../native/build/Release/netspot_pcap.node', import.meta.url));

let binding: PcapBinding | undefined;

/** What to do when the addon is missing, in one message. */
function unavailableMessage(cause: string): string {
  return (
    `live capture is unavailable: ${cause}.\n` +
    'The native libpcap binding is built when the package is installed; install its build\n' +
    'requirements (Debian/Ubuntu: apt-get install libpcap-dev g++ make python3), then re-run\n' +
    '`npm ci` (or `node scripts/build-native.mjs` in the netspot folder). Capture files can be\n' +
    'analysed without it.'
  );
}

/** The addon, loaded once; throws CaptureError('UNAVAILABLE') saying what to install. */
export function loadPcapBinding(): PcapBinding {
  if (binding !== undefined) return binding;
  if (!existsSync(addonPath)) {
    throw new CaptureError('UNAVAILABLE', unavailableMessage(`${addonPath} was not built`));
  }
  try {
    const require = createRequire(import.meta.url);
    binding = require(addonPath) as PcapBinding;
  } catch (err) {
    const reason = err instanceof Error ? err.message.split('\n')[0] : String(err);
    throw new CaptureError('UNAVAILABLE', unavailableMessage(`${addonPath} could not be loaded (${reason})`));
  }
  return binding;
}

/** True when live capture can be offered (the addon loads). */
export function isLiveCaptureAvailable(): boolean {
  try {
    loadPcapBinding();
    return true;
  } catch {
    return false;
  }
}
