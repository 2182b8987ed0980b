/**
 * HyperLogLog (Flajolet et al. 2007) with 2^14 registers and a 32-bit MurmurHash3 of each
 * value's text: relative standard error 1.04/sqrt(16384) = 0.81 %, so 98 % of estimates are
 * within 2 % (about 2.5 sigma). Small cardinalities use linear counting, very large ones the
 * 32-bit correction, as in the paper. Used only above DistinctSet's exact bound.
 */
const P = 14;
const M = 1 << P;
const ALPHA = 0.7213 / (1 + 1.079 / M);
const TWO32 = 2 ** 32;

/** MurmurHash3 x86 32-bit of the UTF-16 code units of `s`. */
export function murmur3(s: string, seed = 0x9747b28c): number {
  let h = seed >>> 0;
  const n = s.length;
  let i = 0;
  const mix = (k: number): void => {
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
  };
  for (; i + 1 < n; i += 2) {
    mix(s.charCodeAt(i) | (s.charCodeAt(i + 1) << 16));
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  if (i < n) mix(s.charCodeAt(i));
  h ^= n * 2;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Registers of a sketch (2^14 bytes): what travels between sensors and the aggregator. */
export const HLL_REGISTERS = M;

export class HyperLogLog {
  private readonly registers = new Uint8Array(M);

  /** A sketch from saved registers (another sketch's `bytes()`). */
  static fromBytes(bytes: Uint8Array): HyperLogLog {
    if (bytes.length !== M) throw new RangeError(`a HyperLogLog sketch has ${M} registers, got ${bytes.length}`);
    const h = new HyperLogLog();
    h.registers.set(bytes);
    return h;
  }

  /** The registers (a copy). */
  bytes(): Uint8Array {
    return this.registers.slice();
  }

  /** Becomes the sketch of the union: the register-wise maximum (lossless: as if every value had been added here). */
  merge(other: HyperLogLog): void {
    const a = this.registers, b = other.registers;
    for (let i = 0; i < M; i++) if (b[i] > a[i]) a[i] = b[i];
  }

  add(value: string): void {
    const h = murmur3(value);
    const idx = h >>> (32 - P);
    const rest = (h << P) >>> 0;
    // Rank: position of the first 1 bit in the remaining 32 - P bits (32 - P + 1 when none).
    const rank = rest === 0 ? 32 - P + 1 : Math.clz32(rest) + 1;
    if (rank > this.registers[idx]) this.registers[idx] = rank;
  }

  estimate(): number {
    let sum = 0;
    let zeros = 0;
    for (let i = 0; i < M; i++) {
      sum += 2 ** -this.registers[i];
      if (this.registers[i] === 0) zeros++;
    }
    const e = (ALPHA * M * M) / sum;
    if (e <= 2.5 * M && zeros > 0) return M * Math.log(M / zeros);
    if (e > TWO32 / 30) return -TWO32 * Math.log(1 - e / TWO32);
    return e;
  }
}
