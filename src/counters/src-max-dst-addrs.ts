import type { CounterDef } from './counter.js';

export const SRC_MAX_DST_ADDRS: CounterDef = {
  name: 'SRC_MAX_DST_ADDRS',
  description: 'largest number of distinct destination addresses one source opened something with (TCP without ACK/RST, UDP towards a lower port, ICMP echo/timestamp request, ARP request)',
  fanOut: 'addresses',
};
