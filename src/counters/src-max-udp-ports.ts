import type { CounterDef } from './counter.js';

export const SRC_MAX_UDP_PORTS: CounterDef = {
  name: 'SRC_MAX_UDP_PORTS',
  description: 'largest number of distinct UDP destination ports one source sent requests to (destination port below source port)',
  fanOut: 'udpPorts',
};
