import type { CounterDef } from './counter.js';
import { LAYER_TCP, TCP_ACK, TCP_RST, type PacketSummary } from '../decode/packet-summary.js';
import { SourceFanOut } from './source-fanout.js';

/**
 * TCP port fan-out. Only segments without ACK and RST count: they open (SYN) or probe (FIN,
 * NULL, Xmas) a port; everything else answers or continues a connection, and counting it would
 * make every busy server "contact" its clients' many ephemeral ports.
 */
class TcpPortFanOut extends SourceFanOut {
  process(p: PacketSummary): void {
    if ((p.layers & LAYER_TCP) !== 0 && (p.tcpFlags & (TCP_ACK | TCP_RST)) === 0) this.contact(p.src, 0, 0, 0, p.dstPort);
  }
}

export const SRC_MAX_TCP_PORTS: CounterDef = {
  name: 'SRC_MAX_TCP_PORTS',
  description: 'largest number of distinct TCP destination ports one source opened or probed (segments without ACK and RST)',
  create: () => new TcpPortFanOut(),
};
