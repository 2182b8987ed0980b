/**
 * Every declared sum counter (PKTS, IP, SYN, ...) evaluated in one pass per packet: a loop
 * over typed arrays of rules instead of one method call per counter and packet.
 */
import type { PacketSummary } from '../decode/packet-summary.js';
import type { Counter, SumRule } from './counter.js';

const ADD_ONE = 0;
const ADD_IP_BYTES = 1;
const ADD_MALFORMED = 2;

export class SumTable implements Counter {
  private readonly layers: Int32Array;
  private readonly flags: Int32Array;
  private readonly adds: Int32Array;
  readonly values: Float64Array;
  private readonly n: number;

  constructor(rules: readonly SumRule[]) {
    this.n = rules.length;
    this.layers = Int32Array.from(rules, (r) => r.anyLayer);
    this.flags = Int32Array.from(rules, (r) => r.anyTcpFlag ?? 0);
    this.adds = Int32Array.from(rules, (r) => (r.add === 'one' ? ADD_ONE : r.add === 'ipBytes' ? ADD_IP_BYTES : ADD_MALFORMED));
    this.values = new Float64Array(this.n);
  }

  process(p: PacketSummary): void {
    const layers = p.layers;
    const tcpFlags = p.tcpFlags;
    const L = this.layers, F = this.flags, A = this.adds, v = this.values;
    for (let j = 0; j < this.n; j++) {
      const l = L[j], f = F[j];
      if ((l === 0 || (layers & l) !== 0) && (f === 0 || (tcpFlags & f) !== 0)) {
        const a = A[j];
        v[j] += a === ADD_ONE ? 1 : a === ADD_IP_BYTES ? p.ipBytes : p.malformed;
      }
    }
  }

  /** The table's own value is not a counter: each sum is read through `slot(j)`. */
  value(): number {
    return 0;
  }

  reset(): void {
    this.values.fill(0);
  }

  /** A read-only view of sum `j` for the analyzer (reset by the table itself). */
  slot(j: number): Counter {
    const values = this.values;
    return { value: () => values[j], reset() {} };
  }
}
