import { InputError } from '../util/errors.js';

/**
 * Why a live capture could not start or stopped:
 * - UNAVAILABLE: the native libpcap binding was not built on this machine;
 * - EPERM: no permission to capture (CAP_NET_RAW / CAP_NET_ADMIN missing);
 * - ENODEV: no such interface; EIFACEDOWN: the interface is down;
 * - ECAPTURE: the capture failed while running (e.g. the interface went away);
 * - EFANOUT: the capture could not join its PACKET_FANOUT group (live workers);
 * - EPCAP: anything else libpcap reported.
 */
export type CaptureErrorCode = 'UNAVAILABLE' | 'EPERM' | 'ENODEV' | 'EIFACEDOWN' | 'ECAPTURE' | 'EFANOUT' | 'EPCAP';

/** A live capture problem (runtime error, exit 1); `code` tells which. */
export class CaptureError extends InputError {
  override name = 'CaptureError';
  readonly code: CaptureErrorCode;

  constructor(code: CaptureErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}
