import { LAYER_TCP, TCP_ACK, TCP_SYN } from '../decode/packet-summary.js';
import type { CounterDef } from './counter.js';

/** The second segment of the handshake: a listening port accepting a connection attempt. */
export const SYN_ACK: CounterDef = {
  name: 'SYN_ACK',
  description: 'TCP segments with both SYN and ACK (connection attempts accepted)',
  sum: { anyLayer: LAYER_TCP, allTcpFlags: TCP_SYN | TCP_ACK, add: 'one' },
};
