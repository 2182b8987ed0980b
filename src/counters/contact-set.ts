/**
 * The distinct contacts (source address, target) of a period in fixed memory, to tell a
 * source's first contact with a target from a repeat. A target is four 32-bit words: a
 * destination address, or a port in the last word.
 *
 * Open addressing over slots of [generation, source (4 words), target (4 words)], at most half
 * full; a slot belongs to the set when its generation is the current one, so `clear()` is one
 * increment. The table starts small (it stays in cache for ordinary traffic) and doubles as
 * needed up to `capacity` contacts, its bound: once that many are held, further new contacts
 * are not recorded (`add` says "seen") and are counted in `overflow`, so what is built on the
 * set stays a lower bound. `add` runs per packet and allocates nothing except to grow.
 */
const SLOT = 9;

/** Default bound: 65536 contacts a period (a table of at most 4.7 MB). */
export const CONTACT_CAPACITY = 1 << 16;
/** Contacts the first table holds (74 KB). */
const INITIAL = 1024;

export class ContactSet {
  /** Contacts held this period. */
  size = 0;
  /** New contacts this period that did not fit. */
  overflow = 0;
  readonly capacity: number;
  private table: Uint32Array;
  private bits: number;
  /** Contacts the current table may hold (half its slots, at most `capacity`). */
  private limit: number;
  private gen = 1;

  constructor(capacity = CONTACT_CAPACITY) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`contact set capacity must be a positive integer, got ${capacity}`);
    this.capacity = capacity;
    let bits = 2;
    while (1 << bits < Math.min(capacity, INITIAL) * 2) bits++;
    this.bits = bits;
    this.limit = Math.min(capacity, 1 << (bits - 1));
    this.table = new Uint32Array(SLOT << bits);
  }

  /**
   * Records the contact of source `s[0..3]` with target `t[0..3]` (arrays, so that no word is
   * boxed on the way): true when it is new this period (and was recorded).
   */
  add(s: Uint32Array, t: Uint32Array): boolean {
    const s0 = s[0], s1 = s[1], s2 = s[2], s3 = s[3], t0 = t[0], t1 = t[1], t2 = t[2], t3 = t[3];
    const tab = this.table, gen = this.gen, mask = (1 << this.bits) - 1;
    let i = hash(s0, s1, s2, s3, t0, t1, t2, t3) >>> (32 - this.bits);
    for (;;) {
      const o = i * SLOT;
      if (tab[o] !== gen) {
        if (this.size >= this.limit) {
          if (this.limit >= this.capacity) {
            this.overflow++;
            return false;
          }
          this.grow();
          return this.add(s, t);
        }
        tab[o] = gen;
        tab[o + 1] = s0;
        tab[o + 2] = s1;
        tab[o + 3] = s2;
        tab[o + 4] = s3;
        tab[o + 5] = t0;
        tab[o + 6] = t1;
        tab[o + 7] = t2;
        tab[o + 8] = t3;
        this.size++;
        return true;
      }
      if (tab[o + 8] === t3 && tab[o + 4] === s3 && tab[o + 7] === t2 && tab[o + 6] === t1 && tab[o + 5] === t0 && tab[o + 3] === s2 && tab[o + 2] === s1 && tab[o + 1] === s0) return false;
      i = (i + 1) & mask;
    }
  }

  /** A table twice as large holding this period's contacts. */
  private grow(): void {
    const old = this.table, gen = this.gen;
    const bits = this.bits + 1, mask = (1 << bits) - 1;
    const t = new Uint32Array(SLOT << bits);
    for (let o = 0; o < old.length; o += SLOT) {
      if (old[o] !== gen) continue;
      let i = hash(old[o + 1], old[o + 2], old[o + 3], old[o + 4], old[o + 5], old[o + 6], old[o + 7], old[o + 8]) >>> (32 - bits);
      while (t[i * SLOT] === gen) i = (i + 1) & mask;
      t.set(old.subarray(o, o + SLOT), i * SLOT);
    }
    this.table = t;
    this.bits = bits;
    this.limit = Math.min(this.capacity, 1 << (bits - 1));
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

/** Mixes a contact's eight words; the caller keeps the high bits. */
function hash(s0: number, s1: number, s2: number, s3: number, t0: number, t1: number, t2: number, t3: number): number {
  let h = Math.imul(s3, 0x9e3779b1) ^ Math.imul(s2, 0x85ebca6b) ^ Math.imul(s1, 0xc2b2ae35) ^ Math.imul(s0, 0x27d4eb2f);
  // Mix before the target goes in, so (a, b) and (b, a) do not land together.
  h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d);
  h ^= Math.imul(t3, 0x9e3779b1) ^ Math.imul(t2, 0x85ebca6b) ^ Math.imul(t1, 0xc2b2ae35) ^ Math.imul(t0, 0x27d4eb2f);
  h = Math.imul(h ^ (h >>> 16), 0x297a2d39);
  return (h ^ (h >>> 15)) >>> 0;
}
