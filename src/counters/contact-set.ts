/**
 * The distinct contacts (source address, target) of a period in fixed memory, to tell a
 * source's first contact with a target from a repeat. A target is four 32-bit words: a
 * destination address, or a port in the last word.
 *
 * Open addressing over slots of [generation, source (4 words), target (4 words)], at most half
 * full; a slot belongs to the set when its generation is the current one, so `clear()` is one
 * increment. Memory is fixed at construction: once `capacity` contacts are held, further new
 * contacts are not recorded (`add` says "seen") and are counted in `overflow`, so what is
 * built on the set stays a lower bound. `add` runs per packet and allocates nothing.
 */
const SLOT = 9;

/** Default: 32768 contacts a period (a 2.4 MB table). */
export const CONTACT_CAPACITY = 1 << 15;

export class ContactSet {
  /** Contacts held this period. */
  size = 0;
  /** New contacts this period that did not fit. */
  overflow = 0;
  readonly capacity: number;
  private readonly table: Uint32Array;
  private readonly bits: number;
  private gen = 1;

  constructor(capacity = CONTACT_CAPACITY) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`contact set capacity must be a positive integer, got ${capacity}`);
    this.capacity = capacity;
    let bits = 2;
    while (1 << bits < capacity * 2) bits++;
    this.bits = bits;
    this.table = new Uint32Array(SLOT << bits);
  }

  /**
   * Records the contact of source `s[0..3]` with target (t0, t1, t2, t3), unsigned words:
   * true when it is new this period (and was recorded).
   */
  add(s: Uint32Array, t0: number, t1: number, t2: number, t3: number): boolean {
    const s0 = s[0], s1 = s[1], s2 = s[2], s3 = s[3];
    let h = Math.imul(s3, 0x9e3779b1) ^ Math.imul(s2, 0x85ebca6b) ^ Math.imul(s1, 0xc2b2ae35) ^ Math.imul(s0, 0x27d4eb2f);
    // Mix before the target goes in, so (a, b) and (b, a) do not land together.
    h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d);
    h ^= Math.imul(t3, 0x9e3779b1) ^ Math.imul(t2, 0x85ebca6b) ^ Math.imul(t1, 0xc2b2ae35) ^ Math.imul(t0, 0x27d4eb2f);
    h = Math.imul(h ^ (h >>> 16), 0x297a2d39);
    const t = this.table, gen = this.gen, mask = (1 << this.bits) - 1;
    let i = (h ^ (h >>> 15)) >>> (32 - this.bits);
    for (;;) {
      const o = i * SLOT;
      if (t[o] !== gen) {
        if (this.size >= this.capacity) {
          this.overflow++;
          return false;
        }
        t[o] = gen;
        t[o + 1] = s0;
        t[o + 2] = s1;
        t[o + 3] = s2;
        t[o + 4] = s3;
        t[o + 5] = t0;
        t[o + 6] = t1;
        t[o + 7] = t2;
        t[o + 8] = t3;
        this.size++;
        return true;
      }
      if (t[o + 8] === t3 && t[o + 4] === s3 && t[o + 7] === t2 && t[o + 6] === t1 && t[o + 5] === t0 && t[o + 3] === s2 && t[o + 2] === s1 && t[o + 1] === s0) return false;
      i = (i + 1) & mask;
    }
  }

  /** Starts a new period. */
  clear(): void {
    this.size = 0;
    this.overflow = 0;
    if (++this.gen === 0xffffffff) {
      this.table.fill(0);
      this.gen = 1;
    }
  }
}
