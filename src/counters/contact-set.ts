/**
 * The distinct contacts (source, target) of a period in bounded memory, to tell a source's
 * contact with a target from a repeat. The source is its id of the period (`SourceIds`), a
 * target four 32-bit words: a destination address, or a port (0, 0, 0, port).
 *
 * Two open-addressing tables, at most half full: a port or IPv4 target (the common case) takes
 * a 4-word slot [generation, source, target words 2 and 3], an IPv6 target a 6-word slot
 * [generation, source, target (4 words)]; small slots keep the table in
 * cache. A slot belongs to the set when its generation is the current one, so `clear()` is one
 * increment. Each table starts small and doubles as needed; together they hold at most
 * `capacity` contacts: past that, new contacts are not recorded (`add` says "seen") and are
 * counted in `overflow`, so what is built on the set stays a lower bound. `add` runs per packet
 * and allocates nothing except to grow.
 */
const SHORT = 4;
const LONG = 6;

/** Default bound: 65536 contacts a period (tables of at most 2 MB, or 3.1 MB for IPv6). */
export const CONTACT_CAPACITY = 1 << 16;
/** Slots of each table at first. */
const INITIAL_BITS = 11;

export class ContactSet {
  /** Contacts held this period. */
  size = 0;
  /** New contacts this period that did not fit. */
  overflow = 0;
  readonly capacity: number;
  private short = new Uint32Array(SHORT << INITIAL_BITS);
  private shortBits = INITIAL_BITS;
  private long = new Uint32Array(LONG << INITIAL_BITS);
  private longBits = INITIAL_BITS;
  private gen = 1;

  constructor(capacity = CONTACT_CAPACITY) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`contact set capacity must be a positive integer, got ${capacity}`);
    this.capacity = capacity;
  }

  /**
   * Records the contact of source `s` (an id) with target `t[0..3]` (an array, so that no word
   * is boxed on the way): true when it is new this period (and was recorded).
   */
  add(s: number, t: Uint32Array): boolean {
    if (t[0] === 0 && t[1] === 0 && (t[2] === 0 || t[2] === 0xffff)) return this.addShort(s, t[2], t[3]);
    return this.addLong(s, t[0], t[1], t[2], t[3]);
  }

  /** `add` for a port target (0, 0, 0, port). */
  addPort(s: number, port: number): boolean {
    return this.addShort(s, 0, port);
  }

  private addShort(s3: number, t2: number, t3: number): boolean {
    const tab = this.short, gen = this.gen, mask = (1 << this.shortBits) - 1;
    let h = Math.imul(s3, 0x9e3779b1);
    h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d) ^ Math.imul(t3, 0x85ebca6b) ^ t2;
    h = Math.imul(h ^ (h >>> 16), 0x297a2d39);
    let i = (h ^ (h >>> 15)) >>> (32 - this.shortBits);
    for (;;) {
      const o = i << 2;
      if (tab[o] !== gen) {
        if (!this.room(true)) return false;
        if (tab !== this.short) return this.addShort(s3, t2, t3);
        tab[o] = gen;
        tab[o + 1] = s3;
        tab[o + 2] = t2;
        tab[o + 3] = t3;
        this.size++;
        this.shortSize++;
        return true;
      }
      if (tab[o + 3] === t3 && tab[o + 1] === s3 && tab[o + 2] === t2) return false;
      i = (i + 1) & mask;
    }
  }

  private addLong(s: number, t0: number, t1: number, t2: number, t3: number): boolean {
    const tab = this.long, gen = this.gen, mask = (1 << this.longBits) - 1;
    let i = longHash(s, t0, t1, t2, t3) >>> (32 - this.longBits);
    for (;;) {
      const o = i * LONG;
      if (tab[o] !== gen) {
        if (!this.room(false)) return false;
        if (tab !== this.long) return this.addLong(s, t0, t1, t2, t3);
        tab[o] = gen;
        tab[o + 1] = s;
        tab[o + 2] = t0;
        tab[o + 3] = t1;
        tab[o + 4] = t2;
        tab[o + 5] = t3;
        this.size++;
        return true;
      }
      if (tab[o + 5] === t3 && tab[o + 1] === s && tab[o + 4] === t2 && tab[o + 3] === t1 && tab[o + 2] === t0) return false;
      i = (i + 1) & mask;
    }
  }

  /**
   * Before inserting into a table: false (and one more overflow) when the bound is reached;
   * grows the table when it would be more than half full (the caller then probes again).
   */
  private room(short: boolean): boolean {
    if (this.size >= this.capacity) {
      this.overflow++;
      return false;
    }
    const bits = short ? this.shortBits : this.longBits;
    if (this.count(short) + 1 > 1 << (bits - 1)) this.grow(short);
    return true;
  }

  private shortSize = 0;

  /** Contacts held in one table (the other's are `size` minus these). */
  private count(short: boolean): number {
    return short ? this.shortSize : this.size - this.shortSize;
  }

  /** A table twice as large holding this period's contacts. */
  private grow(short: boolean): void {
    const slot = short ? SHORT : LONG;
    const old = short ? this.short : this.long, gen = this.gen;
    const bits = (short ? this.shortBits : this.longBits) + 1, mask = (1 << bits) - 1;
    const tab = new Uint32Array(slot << bits);
    for (let o = 0; o < old.length; o += slot) {
      if (old[o] !== gen) continue;
      let h: number;
      if (short) {
        h = Math.imul(old[o + 1], 0x9e3779b1);
        h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d) ^ Math.imul(old[o + 3], 0x85ebca6b) ^ old[o + 2];
        h = Math.imul(h ^ (h >>> 16), 0x297a2d39);
        h = (h ^ (h >>> 15)) >>> 0;
      } else h = longHash(old[o + 1], old[o + 2], old[o + 3], old[o + 4], old[o + 5]);
      let i = h >>> (32 - bits);
      while (tab[i * slot] === gen) i = (i + 1) & mask;
      tab.set(old.subarray(o, o + slot), i * slot);
    }
    if (short) {
      this.short = tab;
      this.shortBits = bits;
    } else {
      this.long = tab;
      this.longBits = bits;
    }
  }

  /**
   * Calls `fn` with every contact of the period: the source id and the target's four words
   * (a port is 0, 0, 0, port; an IPv4 address 0, 0, 0xffff, address). Per period only.
   */
  forEach(fn: (id: number, t0: number, t1: number, t2: number, t3: number) => void): void {
    const gen = this.gen;
    const s = this.short;
    for (let o = 0; o < s.length; o += SHORT) if (s[o] === gen) fn(s[o + 1], 0, 0, s[o + 2], s[o + 3]);
    const l = this.long;
    for (let o = 0; o < l.length; o += LONG) if (l[o] === gen) fn(l[o + 1], l[o + 2], l[o + 3], l[o + 4], l[o + 5]);
  }

  /** Starts a new period. */
  clear(): void {
    this.size = 0;
    this.shortSize = 0;
    this.overflow = 0;
    if (++this.gen === 0xffffffff) {
      this.short.fill(0);
      this.long.fill(0);
      this.gen = 1;
    }
  }
}

/** Mixes a contact's five words; the caller keeps the high bits. */
function longHash(s: number, t0: number, t1: number, t2: number, t3: number): number {
  let h = Math.imul(s, 0x9e3779b1);
  h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d);
  h ^= Math.imul(t3, 0x9e3779b1) ^ Math.imul(t2, 0x85ebca6b) ^ Math.imul(t1, 0xc2b2ae35) ^ Math.imul(t0, 0x27d4eb2f);
  h = Math.imul(h ^ (h >>> 16), 0x297a2d39);
  return (h ^ (h >>> 15)) >>> 0;
}
