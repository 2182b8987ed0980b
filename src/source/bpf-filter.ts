/** Checks a BPF expression before any capture starts (configuration validation). */
import { UsageError } from '../util/errors.js';
import { LINKTYPE_ETHERNET } from '../decode/link-types.js';
import { loadPcapBinding, type NativeError } from './native-binding.js';

/** Usage error for a filter libpcap rejected, quoting libpcap's message. */
export function badFilterError(filter: string, libpcapMessage: string): UsageError {
  return new UsageError(`invalid BPF filter ${JSON.stringify(filter)}: ${libpcapMessage}`);
}

/**
 * Throws a UsageError quoting libpcap when `filter` does not compile for `linkType`
 * (Ethernet by default). Needs the native binding (CaptureError('UNAVAILABLE') otherwise).
 */
export async function checkBpfFilter(filter: string, linkType = LINKTYPE_ETHERNET, snapshotLen = 65535): Promise<void> {
  try {
    await loadPcapBinding().compileFilter(filter, linkType, snapshotLen);
  } catch (err) {
    const e = err as NativeError;
    if (e.code === 'EFILTER') throw badFilterError(filter, e.message);
    throw err;
  }
}
