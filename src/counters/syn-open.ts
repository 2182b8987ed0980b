import { LAYER_TCP, TCP_ACK, TCP_SYN } from '../decode/packet-summary.js';
import type { CounterDef } from './counter.js';

/** A connection attempt: the first segment of the handshake (a SYN scan probe is one too). */
export const SYN_OPEN: CounterDef = {
  name: 'SYN_OPEN',
  description: 'TCP segments with SYN and without ACK (connection attempts)',
  sum: { anyLayer: LAYER_TCP, allTcpFlags: TCP_SYN, noTcpFlag: TCP_ACK, add: 'one' },
};
