/**
 * A set of IPv4 and IPv6 addresses with O(1) clear, for the distinct-address counters.
 *
 * Addresses come as four 32-bit words (IPv4 stored IPv4-mapped: 0, 0, 0xffff, addr). IPv4
 * addresses, the common case, live in their own table of [generation, address] pairs, so a
 * probe reads one cache line; IPv6 addresses in a table of 8-word slots [generation, w0..w3].
 * A slot belongs to the set when its generation is the current one, so `clear()` is a single
 * increment instead of a wipe. `add` runs per packet and allocates nothing (except to grow).
 */
const V6_SLOT = 8;

export class AddressSet {
  private v4: Uint32Array;
  private v4Bits: number;
  private v4Size = 0;
  private v6: Uint32Array;
  private v6Bits: number;
  private v6Size = 0;
  private gen = 1;

  constructor(initialCapacity = 1024) {
    this.v4Bits = bitsFor(initialCapacity);
    this.v4 = new Uint32Array(2 << this.v4Bits);
    this.v6Bits = bitsFor(initialCapacity >> 2);
    this.v6 = new Uint32Array(V6_SLOT << this.v6Bits);
  }

  get size(): number {
    return this.v4Size + this.v6Size;
  }

  /** Adds the address in `a[0..3]`. */
  add(a: Uint32Array): void {
    if (a[0] === 0 && a[1] === 0 && a[2] === 0xffff) this.addV4(a[3]);
    else this.addV6(a[0], a[1], a[2], a[3]);
  }

  private addV4(addr: number): void {
    const t = this.v4, gen = this.gen, mask = (1 << this.v4Bits) - 1;
    // Fibonacci hashing: the high bits of the product are well mixed.
    let i = Math.imul(addr, 0x9e3779b1) >>> (32 - this.v4Bits);
    for (;;) {
      const o = i << 1;
      if (t[o] !== gen) {
        t[o] = gen;
        t[o + 1] = addr;
        if (++this.v4Size * 2 > mask + 1) this.v4 = this.rehash(this.v4, ++this.v4Bits, 2);
        return;
      }
      if (t[o + 1] === addr >>> 0) return;
      i = (i + 1) & mask;
    }
  }

  private addV6(w0: number, w1: number, w2: number, w3: number): void {
    const t = this.v6, gen = this.gen, mask = (1 << this.v6Bits) - 1;
    let h = Math.imul(w0 ^ Math.imul(w1, 0x85ebca6b), 0x9e3779b1) ^ Math.imul(w2 ^ Math.imul(w3, 0xc2b2ae35), 0x27d4eb2f);
    h = Math.imul(h ^ (h >>> 15), 0x9e3779b1);
    let i = h >>> (32 - this.v6Bits);
    for (;;) {
      const o = i * V6_SLOT;
      if (t[o] !== gen) {
        t[o] = gen;
        t[o + 1] = w0;
        t[o + 2] = w1;
        t[o + 3] = w2;
        t[o + 4] = w3;
        if (++this.v6Size * 2 > mask + 1) this.v6 = this.rehash(this.v6, ++this.v6Bits, V6_SLOT);
        return;
      }
      if (t[o + 4] === w3 >>> 0 && t[o + 3] === w2 >>> 0 && t[o + 2] === w1 >>> 0 && t[o + 1] === w0 >>> 0) return;
      i = (i + 1) & mask;
    }
  }

  /** The set's addresses (per period: allocates): IPv4 ones, and IPv6 ones as four words each. */
  keys(): { v4: Uint32Array; v6: Uint32Array } {
    const gen = this.gen;
    const v4 = new Uint32Array(this.v4Size), v6 = new Uint32Array(this.v6Size * 4);
    let n = 0;
    for (let o = 0; o < this.v4.length; o += 2) if (this.v4[o] === gen) v4[n++] = this.v4[o + 1];
    n = 0;
    for (let o = 0; o < this.v6.length; o += V6_SLOT) {
      if (this.v6[o] !== gen) continue;
      v6[n++] = this.v6[o + 1];
      v6[n++] = this.v6[o + 2];
      v6[n++] = this.v6[o + 3];
      v6[n++] = this.v6[o + 4];
    }
    return { v4, v6 };
  }

  /** Adds an IPv4 address given as one word. */
  addIPv4(addr: number): void {
    this.addV4(addr >>> 0);
  }

  /** Adds an address given as four words (an IPv4-mapped one goes to the IPv4 table, as with `add`). */
  addWords(w0: number, w1: number, w2: number, w3: number): void {
    if (w0 === 0 && w1 === 0 && w2 === 0xffff) this.addV4(w3);
    else this.addV6(w0, w1, w2, w3);
  }

  clear(): void {
    this.v4Size = 0;
    this.v6Size = 0;
    if (++this.gen === 0xffffffff) {
      this.v4.fill(0);
      this.v6.fill(0);
      this.gen = 1;
    }
  }

  /** A table twice as large holding the current generation's entries. */
  private rehash(old: Uint32Array, bits: number, slot: number): Uint32Array {
    const gen = this.gen;
    const t = new Uint32Array(slot << bits);
    const mask = (1 << bits) - 1;
    for (let o = 0; o < old.length; o += slot) {
      if (old[o] !== gen) continue;
      let i: number;
      if (slot === 2) i = Math.imul(old[o + 1], 0x9e3779b1) >>> (32 - bits);
      else {
        const w0 = old[o + 1], w1 = old[o + 2], w2 = old[o + 3], w3 = old[o + 4];
        let h = Math.imul(w0 ^ Math.imul(w1, 0x85ebca6b), 0x9e3779b1) ^ Math.imul(w2 ^ Math.imul(w3, 0xc2b2ae35), 0x27d4eb2f);
        h = Math.imul(h ^ (h >>> 15), 0x9e3779b1);
        i = h >>> (32 - bits);
      }
      while (t[i * slot] === gen) i = (i + 1) & mask;
      t.set(old.subarray(o, o + slot), i * slot);
    }
    return t;
  }
}

function bitsFor(capacity: number): number {
  let bits = 4;
  while (1 << bits < capacity * 2) bits++;
  return bits;
}
