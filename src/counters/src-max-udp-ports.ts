import type { CounterDef } from './counter.js';
import { LAYER_UDP, type PacketSummary } from '../decode/packet-summary.js';
import { SourceFanOut } from './source-fanout.js';

/**
 * UDP port fan-out. UDP has no handshake to say who opens: a datagram counts when its
 * destination port is below its source port, the usual shape of a request (a service port
 * below an ephemeral one). A server's replies go the other way and do not count, so a busy
 * DNS server does not "contact" every client port; a scanner's probes (one source port, the
 * service ports as destinations) do.
 */
class UdpPortFanOut extends SourceFanOut {
  process(p: PacketSummary): void {
    if ((p.layers & LAYER_UDP) !== 0 && p.dstPort < p.srcPort) this.contact(p.src, 0, 0, 0, p.dstPort);
  }
}

export const SRC_MAX_UDP_PORTS: CounterDef = {
  name: 'SRC_MAX_UDP_PORTS',
  description: 'largest number of distinct UDP destination ports one source sent requests to (destination port below source port)',
  create: () => new UdpPortFanOut(),
};
