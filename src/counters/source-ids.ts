/**
 * The sources of one period, each with a small dense id (0, 1, 2, ... in order of first sight),
 * in bounded memory: what the fan-out counters index their per-source state by, so that a
 * packet costs one lookup of its source whatever number of statistics read it.
 *
 * Open addressing over slots, at most half full, cleared by a generation increment: IPv4
 * sources (the common case) in 3-word slots [generation, address, id], others in 6-word slots
 * [generation, address (4 words), id]. The tables start small and double as needed; at most
 * `capacity` sources get an id: past that, `id` returns -1 and the caller counts what it lost.
 * `id` runs per packet and allocates nothing except to grow.
 */
const V4_SLOT = 3;
const V6_SLOT = 6;
const INITIAL_BITS = 11;

/** Default bound: 65536 sources a period (tables of at most 1.5 MB for IPv4, 3.1 MB for IPv6). */
export const SOURCE_CAPACITY = 1 << 16;

export class SourceIds {
  /** Sources holding an id this period (ids are 0 .. size - 1). */
  size = 0;
  /** Whether the last `id` call saw its source for the first time this period. */
  fresh = false;
  readonly capacity: number;
  private v4: Uint32Array = new Uint32Array(V4_SLOT << INITIAL_BITS);
  private v4Bits = INITIAL_BITS;
  private v4Size = 0;
  private v6: Uint32Array = new Uint32Array(V6_SLOT << INITIAL_BITS);
  private v6Bits = INITIAL_BITS;
  private gen = 1;

  constructor(capacity = SOURCE_CAPACITY) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`source table capacity must be a positive integer, got ${capacity}`);
    this.capacity = capacity;
  }

  /** The id of source `s[0..3]` (given one if new), or -1 when the bound is reached. */
  id(s: Uint32Array): number {
    if (s[2] === 0xffff && s[1] === 0 && s[0] === 0) return this.idV4(s[3]);
    return this.idV6(s[0], s[1], s[2], s[3]);
  }

  private idV4(a: number): number {
    const t = this.v4, gen = this.gen, mask = (1 << this.v4Bits) - 1;
    let i = Math.imul(a, 0x9e3779b1) >>> (32 - this.v4Bits);
    for (;;) {
      const o = i * V4_SLOT;
      if (t[o] !== gen) {
        if (this.size >= this.capacity) return -1;
        if (this.v4Size + 1 > 1 << (this.v4Bits - 1)) {
          this.v4 = this.rehash(this.v4, ++this.v4Bits, V4_SLOT);
          return this.idV4(a);
        }
        t[o] = gen;
        t[o + 1] = a;
        t[o + 2] = this.size;
        this.v4Size++;
        this.fresh = true;
        return this.size++;
      }
      if (t[o + 1] === a) {
        this.fresh = false;
        return t[o + 2];
      }
      i = (i + 1) & mask;
    }
  }

  private idV6(s0: number, s1: number, s2: number, s3: number): number {
    const t = this.v6, gen = this.gen, mask = (1 << this.v6Bits) - 1;
    let i = hashV6(s0, s1, s2, s3) >>> (32 - this.v6Bits);
    for (;;) {
      const o = i * V6_SLOT;
      if (t[o] !== gen) {
        if (this.size >= this.capacity) return -1;
        if (this.size - this.v4Size + 1 > 1 << (this.v6Bits - 1)) {
          this.v6 = this.rehash(this.v6, ++this.v6Bits, V6_SLOT);
          return this.idV6(s0, s1, s2, s3);
        }
        t[o] = gen;
        t[o + 1] = s0;
        t[o + 2] = s1;
        t[o + 3] = s2;
        t[o + 4] = s3;
        t[o + 5] = this.size;
        this.fresh = true;
        return this.size++;
      }
      if (t[o + 4] === s3 && t[o + 3] === s2 && t[o + 2] === s1 && t[o + 1] === s0) {
        this.fresh = false;
        return t[o + 5];
      }
      i = (i + 1) & mask;
    }
  }

  /** Starts a new period. */
  clear(): void {
    this.size = 0;
    this.v4Size = 0;
    if (++this.gen === 0xffffffff) {
      this.v4.fill(0);
      this.v6.fill(0);
      this.gen = 1;
    }
  }

  /** A table twice as large (`bits`) holding this period's sources. */
  private rehash(old: Uint32Array, bits: number, slot: number): Uint32Array {
    const gen = this.gen, mask = (1 << bits) - 1;
    const t = new Uint32Array(slot << bits);
    for (let o = 0; o < old.length; o += slot) {
      if (old[o] !== gen) continue;
      const h = slot === V4_SLOT ? Math.imul(old[o + 1], 0x9e3779b1) >>> 0 : hashV6(old[o + 1], old[o + 2], old[o + 3], old[o + 4]);
      let i = h >>> (32 - bits);
      while (t[i * slot] === gen) i = (i + 1) & mask;
      t.set(old.subarray(o, o + slot), i * slot);
    }
    return t;
  }
}

function hashV6(s0: number, s1: number, s2: number, s3: number): number {
  const h = Math.imul(s3, 0x9e3779b1) ^ Math.imul(s2, 0x85ebca6b) ^ Math.imul(s1, 0xc2b2ae35) ^ Math.imul(s0, 0x27d4eb2f);
  return Math.imul(h ^ (h >>> 15), 0x2c1b3c6d) >>> 0;
}
