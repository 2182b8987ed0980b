/**
 * Per-source fan-out: the largest number of distinct targets (destination ports, or
 * destination addresses) one source contacted in the period, in bounded memory.
 *
 * Only opening packets are contacts, never answers: counting replies would make every busy
 * server "contact" its clients' many ephemeral ports and addresses.
 * - TCP: a segment without ACK and RST, which opens (SYN) or probes (FIN, NULL, Xmas) a port.
 * - UDP: no handshake says who opens; a datagram whose destination port is below its source
 *   port has the usual shape of a request (service port below an ephemeral one), a server's
 *   reply the other shape. A scanner's probes (one source port, service ports) are requests.
 * - Address fan-out also counts ICMP echo / timestamp requests (ICMPv6 echo request) and ARP
 *   requests for IPv4 (a sweep of the local subnet).
 *
 * A contact (source, target) seen for the first time this period (`ContactSet`) adds one to its
 * source in a Space-Saving structure (context/space-saving.ts): that stream holds the period's
 * N distinct contacts, so a source's count there is its number of distinct targets.
 *
 * Value: the largest guaranteed count (count − error) among the k monitored sources. With true
 * largest fan-out F, the value V satisfies F − N/k ≤ V ≤ F: it never overstates, and it is
 * exact when at most k sources made contacts in the period, or whenever the heaviest source was
 * monitored from its first contact on (error 0). Past the contact set's bound new contacts are
 * not counted (`overflow`), so V stays a lower bound.
 *
 * One class for the three kinds (not one subclass each) keeps the pipeline's per-packet call
 * site polymorphic rather than megamorphic.
 */
import type { Counter } from './counter.js';
import {
  LAYER_ARP, LAYER_ICMP, LAYER_IPV4, LAYER_TCP, LAYER_UDP, TCP_ACK, TCP_RST, type PacketSummary,
} from '../decode/packet-summary.js';
import { ContactSet } from './contact-set.js';
import { SourceCounts } from './source-counts.js';
import { stateMismatch, type ContactsState, type CounterState } from './counter-state.js';

/** What a contact's target is, and which packets are contacts. */
export const enum FanOutKind {
  /** Destination ports of opening TCP segments. */
  TcpPorts,
  /** Destination ports of UDP requests. */
  UdpPorts,
  /** Destination addresses of opening packets of any kind. */
  Addresses,
}

const ECHO_V4 = 8;
const TIMESTAMP_V4 = 13;
const ECHO_V6 = 128;
const ARP_REQUEST = 1;

export class SourceFanOut implements Counter {
  readonly contacts: ContactSet;
  readonly sources: SourceCounts;
  /** A port target (0, 0, 0, port), reused. */
  private readonly port = new Uint32Array(4);

  constructor(readonly kind: FanOutKind, contactCapacity?: number, sourceCapacity?: number) {
    this.contacts = new ContactSet(contactCapacity);
    this.sources = new SourceCounts(sourceCapacity);
  }

  process(p: PacketSummary): void {
    const layers = p.layers;
    if (this.kind === FanOutKind.TcpPorts) {
      if ((layers & LAYER_TCP) !== 0 && (p.tcpFlags & (TCP_ACK | TCP_RST)) === 0) this.contactPort(p.src, p.dstPort);
    } else if (this.kind === FanOutKind.UdpPorts) {
      if ((layers & LAYER_UDP) !== 0 && p.dstPort < p.srcPort) this.contactPort(p.src, p.dstPort);
    } else {
      let opening: boolean;
      if ((layers & LAYER_TCP) !== 0) opening = (p.tcpFlags & (TCP_ACK | TCP_RST)) === 0;
      else if ((layers & LAYER_UDP) !== 0) opening = p.dstPort < p.srcPort;
      else if ((layers & LAYER_ICMP) !== 0) {
        const t = p.icmpType;
        opening = (layers & LAYER_IPV4) !== 0 ? t === ECHO_V4 || t === TIMESTAMP_V4 : t === ECHO_V6;
      } else opening = (layers & LAYER_ARP) !== 0 && p.arpOp === ARP_REQUEST;
      if (opening && this.contacts.add(p.src, p.dst)) this.sources.increment(p.src);
    }
  }

  /** Source `s[0..3]` contacted a port: counted once per period per pair. */
  private contactPort(s: Uint32Array, port: number): void {
    this.port[3] = port;
    if (this.contacts.add(s, this.port)) this.sources.increment(s);
  }

  value(): number {
    return this.sources.max();
  }

  /** The period's distinct contacts and how many did not fit: the per-source counts follow from them. */
  state(): ContactsState {
    return { kind: 'contacts', contacts: this.contacts.entries(), contactOverflow: this.contacts.overflow, sourceOverflow: this.sources.overflow };
  }

  /**
   * Replays another part's contacts: a contact new here adds one to its source, as a packet
   * would, so each source ends with the size of the union of its targets; bounds hold as when
   * counting, and the part's own overflow is added.
   */
  merge(state: CounterState): void {
    if (state.kind !== 'contacts') throw stateMismatch('a fan-out counter', state);
    const c = state.contacts, s = new Uint32Array(4), t = new Uint32Array(4);
    for (let o = 0; o + 8 <= c.length; o += 8) {
      for (let w = 0; w < 4; w++) {
        s[w] = c[o + w];
        t[w] = c[o + 4 + w];
      }
      if (this.contacts.add(s, t)) this.sources.increment(s);
    }
    this.contacts.overflow += state.contactOverflow;
    this.sources.overflow += state.sourceOverflow;
  }

  reset(): void {
    this.contacts.clear();
    this.sources.clear();
  }
}
