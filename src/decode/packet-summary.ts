/**
 * What the decoder learns about one packet: a single instance is reused for every packet
 * (no per-packet allocation); counters read it right after `decodePacket` filled it.
 */

/** Bits of `PacketSummary.layers`: which headers were present and whole. */
export const LAYER_ARP = 1 << 0;
export const LAYER_IPV4 = 1 << 1;
export const LAYER_IPV6 = 1 << 2;
export const LAYER_TCP = 1 << 3;
export const LAYER_UDP = 1 << 4;
/** ICMPv4 or ICMPv6. */
export const LAYER_ICMP = 1 << 5;
/** An IPv4/IPv6 fragment other than the first (no transport header to read). */
export const LAYER_FRAGMENT = 1 << 6;
/** Either IP version. */
export const LAYER_IP = LAYER_IPV4 | LAYER_IPV6;
/**
 * Every LAYER_* bit: a new layer bit must be added here (a test checks it), and the counters'
 * shape table (`counters/sum-table.ts`) sizes itself from it.
 */
export const LAYER_ALL = LAYER_ARP | LAYER_IPV4 | LAYER_IPV6 | LAYER_TCP | LAYER_UDP | LAYER_ICMP | LAYER_FRAGMENT;

/** TCP flag bits as in the header's flags byte. */
export const TCP_FIN = 0x01;
export const TCP_SYN = 0x02;
export const TCP_RST = 0x04;
export const TCP_PSH = 0x08;
export const TCP_ACK = 0x10;
export const TCP_URG = 0x20;
export const TCP_ECE = 0x40;
export const TCP_CWR = 0x80;
/** The whole flags byte (FIN..CWR): every flag can be counted. */
export const TCP_ALL = 0xff;

export class PacketSummary {
  /** LAYER_* bits of the headers that were present and whole. */
  layers = 0;
  /** 1 when a header was cut short or inconsistent (decoding stopped there), else 0. */
  malformed = 0;
  /** Length on the wire. */
  wireLen = 0;
  /** IPv4 total length, or IPv6 payload length + 40 (header values, not captured bytes). */
  ipBytes = 0;
  /**
   * Source and destination addresses as four 32-bit big-endian words. IPv4 addresses are
   * stored IPv4-mapped (0, 0, 0xffff, addr) so one set can hold both families.
   */
  readonly src = new Uint32Array(4);
  readonly dst = new Uint32Array(4);
  /** TCP or UDP ports (0 when absent). */
  srcPort = 0;
  dstPort = 0;
  /** TCP flags byte (TCP_* bits), 0 when not TCP. */
  tcpFlags = 0;

  reset(): void {
    this.layers = 0;
    this.malformed = 0;
    this.wireLen = 0;
    this.ipBytes = 0;
    this.srcPort = 0;
    this.dstPort = 0;
    this.tcpFlags = 0;
  }
}
