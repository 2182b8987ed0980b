/**
 * The sources of one period, each with a small dense id (0, 1, 2, ... in order of first sight)
 * and a few words of state of the caller's own, in bounded memory: what the fan-out counters
 * keep per source, so that a packet costs one lookup of its source (one cache line: the state
 * lies in the source's slot) whatever the number of statistics reading it.
 *
 * Open addressing over slots, at most half full, cleared by a generation increment: IPv4
 * sources (the common case) in slots [generation, address, id, state...], others in slots
 * [generation, address (4 words), id, state...]. The tables start small and double as needed;
 * at most `capacity` sources get a slot: past that, `find` returns -1 and the caller counts what
 * it lost. `find` runs per packet and allocates nothing except to grow.
 */
const V4_HEAD = 3;
const V6_HEAD = 6;
const INITIAL_BITS = 11;

/** Default bound: 65536 sources a period. */
export const SOURCE_CAPACITY = 1 << 16;

export class SourceIds {
  /** Sources holding a slot this period (ids are 0 .. size - 1). */
  size = 0;
  /** Whether the last `find` saw its source for the first time this period (its state is then all 0). */
  fresh = false;
  /** The id of the last source found. */
  lastId = 0;
  /** The table the last `find`'s offset points into (valid until the next `find`). */
  table: Uint32Array;
  readonly capacity: number;
  private readonly v4Slot: number;
  private readonly v6Slot: number;
  private v4: Uint32Array;
  private v4Bits = INITIAL_BITS;
  private v4Size = 0;
  private v6: Uint32Array;
  private v6Bits = INITIAL_BITS;
  private gen = 1;

  /** `stateWords`: words of state per source, zeroed for each new source. */
  constructor(readonly stateWords = 0, capacity = SOURCE_CAPACITY) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`source table capacity must be a positive integer, got ${capacity}`);
    this.capacity = capacity;
    this.v4Slot = V4_HEAD + stateWords;
    this.v6Slot = V6_HEAD + stateWords;
    this.v4 = new Uint32Array(this.v4Slot << INITIAL_BITS);
    this.v6 = new Uint32Array(this.v6Slot << INITIAL_BITS);
    this.table = this.v4;
  }

  /** The id of source `s[0..3]` (given one if new), or -1 when the bound is reached. */
  id(s: Uint32Array): number {
    return this.find(s) < 0 ? -1 : this.lastId;
  }

  /**
   * Finds source `s[0..3]` (adding it if new): the offset of its state in `table`, or -1 when
   * the bound is reached. Sets `fresh`, `lastId` and `table`.
   */
  find(s: Uint32Array): number {
    if (s[2] === 0xffff && s[1] === 0 && s[0] === 0) return this.findV4(s[3]);
    return this.findV6(s[0], s[1], s[2], s[3]);
  }

  private findV4(a: number): number {
    const t = this.v4, gen = this.gen, mask = (1 << this.v4Bits) - 1, slot = this.v4Slot;
    let i = Math.imul(a, 0x9e3779b1) >>> (32 - this.v4Bits);
    for (;;) {
      const o = i * slot;
      if (t[o] !== gen) {
        if (this.size >= this.capacity) return -1;
        if (this.v4Size + 1 > 1 << (this.v4Bits - 1)) {
          this.v4 = this.rehash(this.v4, ++this.v4Bits, slot, true);
          return this.findV4(a);
        }
        t[o] = gen;
        t[o + 1] = a;
        t[o + 2] = this.size;
        for (let w = o + V4_HEAD; w < o + slot; w++) t[w] = 0;
        this.v4Size++;
        return this.found(t, o + V4_HEAD, this.size++, true);
      }
      if (t[o + 1] === a) return this.found(t, o + V4_HEAD, t[o + 2], false);
      i = (i + 1) & mask;
    }
  }

  private findV6(s0: number, s1: number, s2: number, s3: number): number {
    const t = this.v6, gen = this.gen, mask = (1 << this.v6Bits) - 1, slot = this.v6Slot;
    let i = hashV6(s0, s1, s2, s3) >>> (32 - this.v6Bits);
    for (;;) {
      const o = i * slot;
      if (t[o] !== gen) {
        if (this.size >= this.capacity) return -1;
        if (this.size - this.v4Size + 1 > 1 << (this.v6Bits - 1)) {
          this.v6 = this.rehash(this.v6, ++this.v6Bits, slot, false);
          return this.findV6(s0, s1, s2, s3);
        }
        t[o] = gen;
        t[o + 1] = s0;
        t[o + 2] = s1;
        t[o + 3] = s2;
        t[o + 4] = s3;
        t[o + 5] = this.size;
        for (let w = o + V6_HEAD; w < o + slot; w++) t[w] = 0;
        return this.found(t, o + V6_HEAD, this.size++, true);
      }
      if (t[o + 4] === s3 && t[o + 3] === s2 && t[o + 2] === s1 && t[o + 1] === s0) return this.found(t, o + V6_HEAD, t[o + 5], false);
      i = (i + 1) & mask;
    }
  }

  private found(t: Uint32Array, state: number, id: number, fresh: boolean): number {
    this.table = t;
    this.lastId = id;
    this.fresh = fresh;
    return state;
  }

  /**
   * Calls `fn` with every source of the period: its id, its address's four words, the table
   * holding its state words and their offset there. Per period only.
   */
  forEach(fn: (id: number, s0: number, s1: number, s2: number, s3: number, table: Uint32Array, offset: number) => void): void {
    const gen = this.gen;
    const v4 = this.v4;
    for (let o = 0; o < v4.length; o += this.v4Slot) if (v4[o] === gen) fn(v4[o + 2], 0, 0, 0xffff, v4[o + 1], v4, o + V4_HEAD);
    const v6 = this.v6;
    for (let o = 0; o < v6.length; o += this.v6Slot) if (v6[o] === gen) fn(v6[o + 5], v6[o + 1], v6[o + 2], v6[o + 3], v6[o + 4], v6, o + V6_HEAD);
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
  private rehash(old: Uint32Array, bits: number, slot: number, v4: boolean): Uint32Array {
    const gen = this.gen, mask = (1 << bits) - 1;
    const t = new Uint32Array(slot << bits);
    for (let o = 0; o < old.length; o += slot) {
      if (old[o] !== gen) continue;
      const h = v4 ? Math.imul(old[o + 1], 0x9e3779b1) >>> 0 : hashV6(old[o + 1], old[o + 2], old[o + 3], old[o + 4]);
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
