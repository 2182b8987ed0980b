/**
 * Every declared sum counter (PKTS, IP, SYN, ...) at the cost of one histogram update per
 * packet: packets are tallied by their "shape" (layer bits, TCP flag bits, malformed flag),
 * with the IP bytes of each shape; at the end of the period each rule sums the shapes it
 * matches. Only the shapes seen during the period are visited then.
 */
import { LAYER_ALL, TCP_ALL, type PacketSummary } from '../decode/packet-summary.js';
import type { Counter, SumRule } from './counter.js';
import { stateMismatch, type CounterState, type ShapeState } from './counter-state.js';

/** Number of bits needed to hold `mask` (its highest set bit + 1). */
function bitWidth(mask: number): number {
  return 32 - Math.clz32(mask);
}

/**
 * Where each part of a packet's shape lies: layers in the low bits, then the whole TCP flags
 * byte, then the malformed flag. Derived from LAYER_ALL and TCP_ALL, so a new layer or flag
 * bit widens the table instead of colliding; checked when this module loads.
 */
export const SHAPE_LAYOUT = (() => {
  const layerBits = bitWidth(LAYER_ALL);
  const flagBits = bitWidth(TCP_ALL);
  const layout = {
    layerBits,
    flagShift: layerBits,
    flagBits,
    malformedShift: layerBits + flagBits,
    /** Entries of the table: every combination of layers, flags and malformed. */
    shapes: 2 ** (layerBits + flagBits + 1),
  };
  if (LAYER_ALL !== 2 ** layerBits - 1 || TCP_ALL !== 2 ** flagBits - 1) {
    throw new Error('sum table: LAYER_ALL and TCP_ALL must be contiguous low bits');
  }
  if (layout.shapes > 2 ** 20) throw new Error(`sum table: ${layout.shapes} shapes is too large a table`);
  return Object.freeze(layout);
})();

const FLAG_SHIFT = SHAPE_LAYOUT.flagShift;
const MALFORMED_SHIFT = SHAPE_LAYOUT.malformedShift;

export class SumTable implements Counter {
  private readonly packets = new Float64Array(SHAPE_LAYOUT.shapes);
  private readonly ipBytes = new Float64Array(SHAPE_LAYOUT.shapes);
  private readonly touched = new Int32Array(SHAPE_LAYOUT.shapes);
  private nTouched = 0;
  private readonly sums: Float64Array;

  constructor(private readonly rules: readonly SumRule[]) {
    this.sums = new Float64Array(rules.length);
  }

  process(p: PacketSummary): void {
    const shape = p.layers | (p.tcpFlags << FLAG_SHIFT) | (p.malformed << MALFORMED_SHIFT);
    if (this.packets[shape]++ === 0) this.touched[this.nTouched++] = shape;
    this.ipBytes[shape] += p.ipBytes;
  }

  /** Turns the period's histogram into the sums (call once, before reading the slots). */
  private settle(): void {
    this.sums.fill(0);
    for (let t = 0; t < this.nTouched; t++) {
      const shape = this.touched[t];
      const layers = shape & LAYER_ALL;
      const flags = (shape >>> FLAG_SHIFT) & TCP_ALL;
      const malformed = shape >>> MALFORMED_SHIFT;
      this.rules.forEach((r, j) => {
        if (r.anyLayer !== 0 && (layers & r.anyLayer) === 0) return;
        if ((r.anyTcpFlag ?? 0) !== 0 && (flags & (r.anyTcpFlag as number)) === 0) return;
        const all = r.allTcpFlags ?? 0;
        if ((flags & all) !== all) return;
        if ((flags & (r.noTcpFlag ?? 0)) !== 0) return;
        this.sums[j] += r.add === 'one' ? this.packets[shape] : r.add === 'ipBytes' ? this.ipBytes[shape] : malformed * this.packets[shape];
      });
    }
  }

  /** Not a counter itself: each sum is read through `slot(j)`. */
  value(): number {
    return 0;
  }

  /** The period's histogram (shapes seen, their packets and IP bytes). */
  state(): ShapeState {
    const n = this.nTouched;
    const shapes = Uint32Array.from(this.touched.subarray(0, n));
    const packets = new Float64Array(n), ipBytes = new Float64Array(n);
    for (let t = 0; t < n; t++) {
      packets[t] = this.packets[shapes[t]];
      ipBytes[t] = this.ipBytes[shapes[t]];
    }
    return { kind: 'shapes', shapes, packets, ipBytes };
  }

  /** Adds another table's histogram: the sums are integers, exact in any order. */
  merge(state: CounterState): void {
    if (state.kind !== 'shapes') throw stateMismatch('the sum counters', state);
    const { shapes, packets, ipBytes } = state;
    for (let t = 0; t < shapes.length; t++) {
      const shape = shapes[t];
      if (!(shape < SHAPE_LAYOUT.shapes)) throw new RangeError(`counter state: packet shape ${shape} out of range`);
      if (packets[t] === 0) continue;
      if (this.packets[shape] === 0) this.touched[this.nTouched++] = shape;
      this.packets[shape] += packets[t];
      this.ipBytes[shape] += ipBytes[t];
    }
    this.settled = false;
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
