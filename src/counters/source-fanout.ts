/**
 * Per-source fan-out: for each source, the number of distinct targets it contacted in the
 * period, of three kinds (TCP destination ports, UDP destination ports, destination
 * addresses); each fan-out counter is the largest count of its kind. See docs/scan-statistics.md.
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
 * One table serves every loaded fan-out counter (the analyzer builds it from the counters'
 * `fanOut` declarations, as it builds the SumTable from `sum`s): one call and one source lookup
 * per packet (`SourceIds`), whatever the number of fan-out statistics. Per source id and kind,
 * `state` holds the count and the first target (when it fits a word: a port or an IPv4
 * address); only a second, different target of the same source and kind goes to that kind's
 * `ContactSet`. Most sources of a period contact one target, so most opening packets cost the
 * source lookup alone; a target is a repeat when it equals the first or is in the contact set.
 *
 * Exact while a period has at most `SourceIds.capacity` sources and, per kind, at most
 * `ContactSet.capacity` contacts beyond each source's first. Past either bound a contact is
 * not counted but tallied in `overflow(kind)`: the value is then a lower bound (never more than
 * the truth), and the analyzer reports the period as approximate.
 */
import type { Counter } from './counter.js';
import {
  LAYER_ARP, LAYER_ICMP, LAYER_IPV4, LAYER_TCP, LAYER_UDP, TCP_ACK, TCP_RST, type PacketSummary,
} from '../decode/packet-summary.js';
import { CONTACT_CAPACITY, ContactSet } from './contact-set.js';
import { SOURCE_CAPACITY, SourceIds } from './source-ids.js';
import { addressText } from '../context/address-text.js';
import { stateMismatch, type ContactsState, type CounterState } from './counter-state.js';

/** What a contact's target is, and which packets are contacts. */
export type FanOutKind = 'tcpPorts' | 'udpPorts' | 'addresses';

const TCP = 1, UDP = 2, ADDR = 4;
const BIT: Record<FanOutKind, number> = { tcpPorts: TCP, udpPorts: UDP, addresses: ADDR };
/**
 * State words per source, in its `SourceIds` slot: [tcp count, first tcp port, udp count,
 * first udp port, address count, first address]. The address count's top bit says the first
 * address is held (an IPv4 one; an IPv6 first address goes to the contact set).
 */
const STATE = 6;
const COUNT: Record<FanOutKind, number> = { tcpPorts: 0, udpPorts: 2, addresses: 4 };
const HELD = 0x80000000;

const ECHO_V4 = 8;
const TIMESTAMP_V4 = 13;
const ECHO_V6 = 128;
const ARP_REQUEST = 1;

/** The default bounds, for messages and docs. */
export const FANOUT_BOUNDS = { sources: SOURCE_CAPACITY, contacts: CONTACT_CAPACITY } as const;

/** What `netspot ls` says of the fan-out statistics' bounds. */
export const FANOUT_BOUND_NOTE =
  `exact up to ${SOURCE_CAPACITY} sources and ${CONTACT_CAPACITY} contacts a period, past them a lower bound and the period counted as approximate`;

export interface FanOutBounds {
  /** Sources a period (default SOURCE_CAPACITY). */
  sources?: number;
  /** Contacts a period and kind beyond each source's first (default CONTACT_CAPACITY). */
  contacts?: number;
}

export class FanOutTable implements Counter {
  readonly sources: SourceIds;
  private readonly enabled: number;
  private readonly tcp: ContactSet;
  private readonly udp: ContactSet;
  private readonly addr: ContactSet;
  /** The largest count of each kind this period, kept as counts grow (no scan at period end). */
  private readonly maxima = new Uint32Array(6);
  /** Contacts lost this period because the source table was full, by the packet's kind bits. */
  private readonly lostSources = new Uint32Array((TCP | UDP | ADDR) + 1);

  constructor(kinds: readonly FanOutKind[], bounds: FanOutBounds = {}) {
    this.enabled = kinds.reduce((m, k) => m | BIT[k], 0);
    this.sources = new SourceIds(STATE, bounds.sources);
    this.tcp = new ContactSet(bounds.contacts);
    this.udp = new ContactSet(bounds.contacts);
    this.addr = new ContactSet(bounds.contacts);
  }

  process(p: PacketSummary): void {
    const layers = p.layers;
    let kinds: number;
    if ((layers & LAYER_TCP) !== 0) {
      if ((p.tcpFlags & (TCP_ACK | TCP_RST)) !== 0) return;
      kinds = TCP | ADDR;
    } else if ((layers & LAYER_UDP) !== 0) {
      if (p.dstPort >= p.srcPort) return;
      kinds = UDP | ADDR;
    } else if ((layers & LAYER_ICMP) !== 0) {
      const t = p.icmpType;
      if ((layers & LAYER_IPV4) !== 0 ? t !== ECHO_V4 && t !== TIMESTAMP_V4 : t !== ECHO_V6) return;
      kinds = ADDR;
    } else if ((layers & LAYER_ARP) !== 0 && p.arpOp === ARP_REQUEST) kinds = ADDR;
    else return;
    kinds &= this.enabled;
    if (kinds === 0) return;
    const ids = this.sources;
    const o = ids.find(p.src);
    if (o < 0) {
      this.lostSources[kinds]++;
      return;
    }
    const st = ids.table, id = ids.lastId;
    if ((kinds & TCP) !== 0) this.contactPort(this.tcp, st, o, 0, id, p.dstPort);
    else if ((kinds & UDP) !== 0) this.contactPort(this.udp, st, o + 2, 2, id, p.dstPort);
    if ((kinds & ADDR) !== 0) this.contactAddress(st, o, id, p.dst);
  }

  /** Source `id` (state at `st[o]`) sent to address `d[0..3]`: counted when new. */
  private contactAddress(st: Uint32Array, o: number, id: number, d: Uint32Array): void {
    const maxima = this.maxima;
    const v4 = d[2] === 0xffff && d[1] === 0 && d[0] === 0;
    const n = st[o + 4];
    if (n === 0) {
      if (v4) {
        st[o + 4] = HELD | 1;
        st[o + 5] = d[3];
      } else {
        st[o + 4] = 1;
        this.addr.add(id, d);
      }
      if (maxima[4] === 0) maxima[4] = 1;
    } else if (!(v4 && n >= HELD && st[o + 5] === d[3]) && this.addr.add(id, d)) {
      st[o + 4] = n + 1;
      const c = (n + 1) & ~HELD;
      if (c > maxima[4]) maxima[4] = c;
    }
  }

  /**
   * Source `id` sent to `port`: counted at `st[o]` (the first port at `st[o + 1]`) when new,
   * the kind's maximum at `maxima[k]`.
   */
  private contactPort(set: ContactSet, st: Uint32Array, o: number, k: number, id: number, port: number): void {
    const n = st[o];
    if (n === 0) {
      st[o] = 1;
      st[o + 1] = port;
      if (this.maxima[k] === 0) this.maxima[k] = 1;
    } else if (st[o + 1] !== port && set.addPort(id, port)) {
      st[o] = n + 1;
      if (n + 1 > this.maxima[k]) this.maxima[k] = n + 1;
    }
  }

  /** The largest count of `kind` this period (0 when no source contacted anything). */
  max(kind: FanOutKind): number {
    return this.maxima[COUNT[kind]];
  }

  /**
   * For each enabled kind with a contact this period: a source holding the maximum, and the
   * count. Ties go to the lowest address, not to the first source to reach the maximum: the
   * answer must not depend on the order the packets (or the merged parts of a period, from
   * worker threads or sensors) came in. Per period: one pass over the sources, allocates.
   */
  topSources(): Array<{ kind: FanOutKind; addr: string; targets: number }> {
    const kinds = (Object.keys(BIT) as FanOutKind[]).filter((k) => (this.enabled & BIT[k]) !== 0 && this.max(k) > 0);
    if (kinds.length === 0) return [];
    const best = kinds.map(() => [] as number[]);
    this.sources.forEach((_id, s0, s1, s2, s3, st, o) => {
      for (let j = 0; j < kinds.length; j++) {
        const k = kinds[j];
        const n = st[o + COUNT[k]] & ~HELD;
        if (n !== this.max(k)) continue;
        const b = best[j];
        if (b.length === 0 || s0 < b[0] || (s0 === b[0] && (s1 < b[1] || (s1 === b[1] && (s2 < b[2] || (s2 === b[2] && s3 < b[3])))))) {
          best[j] = [s0, s1, s2, s3];
        }
      }
    });
    return kinds.map((k, j) => {
      const [s0, s1, s2, s3] = best[j];
      return { kind: k, addr: addressText(s0, s1, s2, s3), targets: this.max(k) };
    });
  }

  /** Contacts of `kind` this period that were not counted (a bound was reached). */
  overflow(kind: FanOutKind): number {
    return this.setOf(kind).overflow + this.lostOf(kind);
  }

  /** Not a counter itself: each kind is read through `view(kind)`. */
  value(): number {
    return 0;
  }

  /**
   * The period's distinct contacts of `kind` (8 words each: source, target; counter-state.ts)
   * and how many did not fit: each source's count follows from them. Per period: allocates.
   */
  stateOf(kind: FanOutKind): ContactsState {
    const k = COUNT[kind];
    const set = this.setOf(kind);
    const src = new Uint32Array(this.sources.size * 4);
    const out: number[] = [];
    this.sources.forEach((id, s0, s1, s2, s3, st, o) => {
      src.set([s0, s1, s2, s3], id * 4);
      const n = st[o + k];
      if (n === 0) return;
      // The first target is held in the source's state words (not in the contact set).
      if (kind !== 'addresses') out.push(s0, s1, s2, s3, 0, 0, 0, st[o + k + 1]);
      else if (n >= HELD) out.push(s0, s1, s2, s3, 0, 0, 0xffff, st[o + 5]);
    });
    set.forEach((id, t0, t1, t2, t3) => out.push(src[id * 4], src[id * 4 + 1], src[id * 4 + 2], src[id * 4 + 3], t0, t1, t2, t3));
    return { kind: 'contacts', contacts: Uint32Array.from(out), contactOverflow: set.overflow, sourceOverflow: this.lostOf(kind) };
  }

  /**
   * Replays another part's contacts of `kind` as packets would add them, so that each source
   * ends with the size of the union of its targets; bounds hold as when counting, and the
   * part's own overflow is added.
   */
  mergeKind(kind: FanOutKind, state: CounterState): void {
    if (state.kind !== 'contacts') throw stateMismatch('a fan-out counter', state);
    const c = state.contacts, s = new Uint32Array(4), t = new Uint32Array(4);
    const ids = this.sources;
    for (let at = 0; at + 8 <= c.length; at += 8) {
      for (let w = 0; w < 4; w++) {
        s[w] = c[at + w];
        t[w] = c[at + 4 + w];
      }
      const o = ids.find(s);
      if (o < 0) {
        this.lostSources[BIT[kind]]++;
        continue;
      }
      if (kind === 'tcpPorts') this.contactPort(this.tcp, ids.table, o, 0, ids.lastId, t[3]);
      else if (kind === 'udpPorts') this.contactPort(this.udp, ids.table, o + 2, 2, ids.lastId, t[3]);
      else this.contactAddress(ids.table, o, ids.lastId, t);
    }
    this.setOf(kind).overflow += state.contactOverflow;
    this.lostSources[BIT[kind]] += state.sourceOverflow;
  }

  /** One kind as a packet counter of the analyzer's state list: its contacts are its state. */
  kindState(kind: FanOutKind): Counter {
    return {
      value: () => this.max(kind),
      state: () => this.stateOf(kind),
      merge: (state: CounterState) => this.mergeKind(kind, state),
      reset() {},
    };
  }

  private setOf(kind: FanOutKind): ContactSet {
    return kind === 'tcpPorts' ? this.tcp : kind === 'udpPorts' ? this.udp : this.addr;
  }

  /** Contacts of `kind` lost this period because the source table was full. */
  private lostOf(kind: FanOutKind): number {
    let lost = 0;
    for (let m = 1; m < this.lostSources.length; m++) if ((m & BIT[kind]) !== 0) lost += this.lostSources[m];
    return lost;
  }

  reset(): void {
    this.sources.clear();
    this.tcp.clear();
    this.udp.clear();
    this.addr.clear();
    this.lostSources.fill(0);
    this.maxima.fill(0);
  }

  /** A read-only counter of one kind for the analyzer (the table resets itself). */
  view(kind: FanOutKind): Counter {
    return {
      value: () => this.max(kind),
      approximate: () => this.overflow(kind) > 0,
      reset() {},
    };
  }
}
