/**
 * Every declared sum counter (PKTS, IP, SYN, ...) at the cost of one histogram update per
 * packet: packets are tallied by their "shape" (layer bits, TCP flag bits, malformed flag),
 * with the IP bytes of each shape; at the end of the period each rule sums the shapes it
 * matches. Only the shapes seen during the period are visited then.
 */
import type { PacketSummary } from '../decode/packet-summary.js';
import type { Counter, SumRule } from './counter.js';

const LAYER_BITS = 7;
const FLAG_MASK = 0x3f; // FIN..URG: the flags rules can ask for
const SHAPES = 1 << (LAYER_BITS + 6 + 1);

export class SumTable implements Counter {
  private readonly packets = new Float64Array(SHAPES);
  private readonly ipBytes = new Float64Array(SHAPES);
  private readonly touched = new Int32Array(SHAPES);
  private nTouched = 0;
  private readonly sums: Float64Array;

  constructor(private readonly rules: readonly SumRule[]) {
    this.sums = new Float64Array(rules.length);
  }

  process(p: PacketSummary): void {
    const shape = p.layers | ((p.tcpFlags & FLAG_MASK) << LAYER_BITS) | (p.malformed << (LAYER_BITS + 6));
    if (this.packets[shape]++ === 0) this.touched[this.nTouched++] = shape;
    this.ipBytes[shape] += p.ipBytes;
  }

  /** Turns the period's histogram into the sums (call once, before reading the slots). */
  private settle(): void {
    this.sums.fill(0);
    for (let t = 0; t < this.nTouched; t++) {
      const shape = this.touched[t];
      const layers = shape & ((1 << LAYER_BITS) - 1);
      const flags = (shape >>> LAYER_BITS) & FLAG_MASK;
      const malformed = shape >>> (LAYER_BITS + 6);
      this.rules.forEach((r, j) => {
        if (r.anyLayer !== 0 && (layers & r.anyLayer) === 0) return;
        if ((r.anyTcpFlag ?? 0) !== 0 && (flags & (r.anyTcpFlag as number)) === 0) return;
        this.sums[j] += r.add === 'one' ? this.packets[shape] : r.add === 'ipBytes' ? this.ipBytes[shape] : malformed * this.packets[shape];
      });
    }
  }

  /** Not a counter itself: each sum is read through `slot(j)`. */
  value(): number {
    return 0;
  }

  reset(): void {
    for (let t = 0; t < this.nTouched; t++) {
      this.packets[this.touched[t]] = 0;
      this.ipBytes[this.touched[t]] = 0;
    }
    this.nTouched = 0;
    this.settled = false;
  }

  private settled = false;

  /** A read-only view of sum `j` for the analyzer (the table resets itself). */
  slot(j: number): Counter {
    return {
      value: () => {
        if (!this.settled) {
          this.settle();
          this.settled = true;
        }
        return this.sums[j];
      },
      reset() {},
    };
  }
}
