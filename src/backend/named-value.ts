/**
 * What a front end hands the back end once per period (or per observation): named values.
 * Packets give statistics (R_SYN, TRAFFIC, ...), Zeek logs give feature expressions
 * (dns.count, conn.ratio(conn_state=S0), ...) or stats.log fields.
 */
export interface NamedValue {
  readonly name: string;
  /** null when the period gives no value (a ratio with a zero denominator). */
  readonly value: number | null;
  /** false: recorded, never judged (PERF). */
  readonly judged?: boolean;
  /** The values the name can take (a share: [0, 1]); a threshold outside is reported once. */
  readonly range?: readonly [number, number];
}
