import type { CounterDef } from './counter.js';

export const SRC_MAX_TCP_PORTS: CounterDef = {
  name: 'SRC_MAX_TCP_PORTS',
  description: 'largest number of distinct TCP destination ports one source opened or probed (segments without ACK and RST)',
  fanOut: 'tcpPorts',
};
