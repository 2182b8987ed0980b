/**
 * A count per source address for one period, in bounded memory: how many distinct targets each
 * source contacted (`ContactSet` says which contacts are new).
 *
 * Open addressing over slots, at most half full, cleared by a generation increment: IPv4
 * sources (the common case) in 3-word slots [generation, address, count], others in 6-word
 * slots [generation, address (4 words), count]. The table starts small and doubles as needed up to
 * `capacity` sources; a new source beyond that is not counted (`overflow`), so the largest
 * count stays a lower bound. `increment` runs per packet and allocates nothing except to grow;
 * `max` runs per period.
 */
const SLOT = 6;
const V4_SLOT = 3;

/** Default bound: 65536 sources a period (tables of at most 1.5 MB for IPv4, 3.1 MB for IPv6). */
export const SOURCE_CAPACITY = 1 << 16;
const INITIAL = 1024;

export class SourceCounts {
  /** Sources counted this period. */
  size = 0;
  /** New sources this period that did not fit. */
  overflow = 0;
  readonly capacity: number;
  private table: Uint32Array;
  private bits: number;
  private limit: number;
  private gen = 1;
  private v4 = new Uint32Array(V4_SLOT << 11);
  private v4Bits = 11;
  private v4Size = 0;

  constructor(capacity = SOURCE_CAPACITY) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`source table capacity must be a positive integer, got ${capacity}`);
    this.capacity = capacity;
    let bits = 2;
    while (1 << bits < Math.min(capacity, INITIAL) * 2) bits++;
    this.bits = bits;
    this.limit = Math.min(capacity, 1 << (bits - 1));
    this.table = new Uint32Array(SLOT << bits);
  }

  /** One more for the source `s[0..3]`. */
  increment(s: Uint32Array): void {
    if (s[2] === 0xffff && s[1] === 0 && s[0] === 0) {
      this.incrementV4(s[3]);
      return;
    }
    const s0 = s[0], s1 = s[1], s2 = s[2], s3 = s[3];
    const t = this.table, gen = this.gen, mask = (1 << this.bits) - 1;
    let i = hash(s0, s1, s2, s3) >>> (32 - this.bits);
    for (;;) {
      const o = i * SLOT;
      if (t[o] !== gen) {
        if (this.size - this.v4Size >= this.limit || this.size >= this.capacity) {
          if (this.limit >= this.capacity || this.size >= this.capacity) {
            this.overflow++;
            return;
          }
          this.grow();
          this.increment(s);
          return;
        }
        t[o] = gen;
        t[o + 1] = s0;
        t[o + 2] = s1;
        t[o + 3] = s2;
        t[o + 4] = s3;
        t[o + 5] = 1;
        this.size++;
        return;
      }
      if (t[o + 4] === s3 && t[o + 3] === s2 && t[o + 2] === s1 && t[o + 1] === s0) {
        t[o + 5]++;
        return;
      }
      i = (i + 1) & mask;
    }
  }

  private incrementV4(a: number): void {
    const t = this.v4, gen = this.gen, mask = (1 << this.v4Bits) - 1;
    let i = Math.imul(a, 0x9e3779b1) >>> (32 - this.v4Bits);
    for (;;) {
      const o = i * V4_SLOT;
      if (t[o] !== gen) {
        if (this.size >= this.capacity) {
          this.overflow++;
          return;
        }
        if (this.v4Size + 1 > 1 << (this.v4Bits - 1)) {
          this.growV4();
          this.incrementV4(a);
          return;
        }
        t[o] = gen;
        t[o + 1] = a;
        t[o + 2] = 1;
        this.size++;
        this.v4Size++;
        return;
      }
      if (t[o + 1] === a) {
        t[o + 2]++;
        return;
      }
      i = (i + 1) & mask;
    }
  }

  private growV4(): void {
    const old = this.v4, gen = this.gen;
    const bits = this.v4Bits + 1, mask = (1 << bits) - 1;
    const t = new Uint32Array(V4_SLOT << bits);
    for (let o = 0; o < old.length; o += V4_SLOT) {
      if (old[o] !== gen) continue;
      let i = Math.imul(old[o + 1], 0x9e3779b1) >>> (32 - bits);
      while (t[i * V4_SLOT] === gen) i = (i + 1) & mask;
      t.set(old.subarray(o, o + V4_SLOT), i * V4_SLOT);
    }
    this.v4 = t;
    this.v4Bits = bits;
  }

  /** The largest count of the period (0 when no source was counted). */
  max(): number {
    const gen = this.gen;
    let m = 0;
    const t = this.table;
    for (let o = 0; o < t.length; o += SLOT) if (t[o] === gen && t[o + 5] > m) m = t[o + 5];
    const v = this.v4;
    for (let o = 0; o < v.length; o += V4_SLOT) if (v[o] === gen && v[o + 2] > m) m = v[o + 2];
    return m;
  }

  /** Starts a new period. */
  clear(): void {
    this.size = 0;
    this.v4Size = 0;
    this.overflow = 0;
    if (++this.gen === 0xffffffff) {
      this.v4.fill(0);
      this.table.fill(0);
      this.gen = 1;
    }
  }

  /** A table twice as large holding this period's sources. */
  private grow(): void {
    const old = this.table, gen = this.gen;
    const bits = this.bits + 1, mask = (1 << bits) - 1;
    const t = new Uint32Array(SLOT << bits);
    for (let o = 0; o < old.length; o += SLOT) {
      if (old[o] !== gen) continue;
      let i = hash(old[o + 1], old[o + 2], old[o + 3], old[o + 4]) >>> (32 - bits);
      while (t[i * SLOT] === gen) i = (i + 1) & mask;
      t.set(old.subarray(o, o + SLOT), i * SLOT);
    }
    this.table = t;
    this.bits = bits;
    this.limit = Math.min(this.capacity, 1 << (bits - 1));
  }
}

function hash(s0: number, s1: number, s2: number, s3: number): number {
  const h = Math.imul(s3, 0x9e3779b1) ^ Math.imul(s2, 0x85ebca6b) ^ Math.imul(s1, 0xc2b2ae35) ^ Math.imul(s0, 0x27d4eb2f);
  return Math.imul(h ^ (h >>> 15), 0x2c1b3c6d) >>> 0;
}
