/**
 * Who is behind an alarm: the heaviest source addresses, destination addresses and
 * destination ports of the alarmed period (see src/context/top-talkers.ts for how they are
 * counted and the error bound).
 */
export interface TopAddress {
  readonly addr: string;
  /** Packets of the period with this address (a lower bound, exact in most periods). */
  readonly pkts: number;
  /** pkts / IP packets of the period. */
  readonly share: number;
}

export interface TopPort {
  readonly port: number;
  readonly proto: 'tcp' | 'udp';
  readonly pkts: number;
  /** pkts / TCP and UDP packets of the period. */
  readonly share: number;
}

/**
 * The source behind a fan-out statistic's value (the one that contacted the most ports or
 * addresses): a low-rate scanner that never makes the top talkers by volume.
 */
export interface TopFanOut {
  /** TCP_PORT_FANOUT, UDP_PORT_FANOUT or ADDR_FANOUT. */
  readonly stat: string;
  readonly addr: string;
  /** Distinct ports or addresses it contacted in the period. */
  readonly targets: number;
}

export interface AlarmContext {
  readonly top_src: readonly TopAddress[];
  readonly top_dst: readonly TopAddress[];
  readonly top_dst_port: readonly TopPort[];
  /** Present when a fan-out statistic is loaded and some source contacted something. */
  readonly top_fanout?: readonly TopFanOut[];
}

/** The context's JSON text (keys in the order above). */
export function alarmContextToJson(c: AlarmContext): string {
  return JSON.stringify({ top_src: c.top_src, top_dst: c.top_dst, top_dst_port: c.top_dst_port, top_fanout: c.top_fanout });
}

/** One line for people: `src 198.51.100.7 62% ... | dst ... | port tcp/80 97% ...`. */
export function alarmContextText(c: AlarmContext): string {
  const pct = (s: number): string => `${(s * 100).toFixed(s < 0.1 ? 1 : 0)}%`;
  const list = (items: string[]): string => (items.length === 0 ? '-' : items.join(', '));
  return (
    `src ${list(c.top_src.map((a) => `${a.addr} ${pct(a.share)}`))}` +
    ` | dst ${list(c.top_dst.map((a) => `${a.addr} ${pct(a.share)}`))}` +
    ` | port ${list(c.top_dst_port.map((p) => `${p.proto}/${p.port} ${pct(p.share)}`))}` +
    (c.top_fanout === undefined ? '' : ` | fan-out ${list(c.top_fanout.map((f) => `${f.stat} ${f.addr} ${f.targets}`))}`)
  );
}
