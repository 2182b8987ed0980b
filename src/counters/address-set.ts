/**
 * A set of 128-bit addresses (four 32-bit words; IPv4 stored IPv4-mapped) with O(1) clear.
 *
 * Open addressing with linear probing over typed arrays; a slot belongs to the set when its
 * generation equals the current one, so `clear()` is a single increment instead of a wipe.
 * Only `add` runs per packet and it never allocates (except when the table grows).
 */
export class AddressSet {
  private words: Uint32Array;
  private gens: Uint32Array;
  private mask: number;
  private gen = 1;
  size = 0;

  constructor(initialCapacity = 1024) {
    let cap = 16;
    while (cap < initialCapacity * 2) cap <<= 1;
    this.words = new Uint32Array(cap * 4);
    this.gens = new Uint32Array(cap);
    this.mask = cap - 1;
  }

  /** Adds the address in `a[0..3]`; returns true when it was not in the set. */
  add(a: Uint32Array): boolean {
    const w0 = a[0], w1 = a[1], w2 = a[2], w3 = a[3];
    let h = Math.imul(w0 ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(w1, 0xc2b2ae35);
    h = Math.imul(h ^ w2, 0x27d4eb2f) ^ w3;
    h ^= h >>> 16;
    h = Math.imul(h, 0x7feb352d);
    h ^= h >>> 15;
    const words = this.words, gens = this.gens, mask = this.mask, gen = this.gen;
    let i = h & mask;
    for (;;) {
      if (gens[i] !== gen) break;
      const o = i << 2;
      if (words[o] === w0 && words[o + 1] === w1 && words[o + 2] === w2 && words[o + 3] === w3) return false;
      i = (i + 1) & mask;
    }
    const o = i << 2;
    words[o] = w0;
    words[o + 1] = w1;
    words[o + 2] = w2;
    words[o + 3] = w3;
    gens[i] = gen;
    if (++this.size * 2 > mask + 1) this.grow();
    return true;
  }

  clear(): void {
    this.size = 0;
    if (++this.gen === 0xffffffff) {
      this.gens.fill(0);
      this.gen = 1;
    }
  }

  private grow(): void {
    const oldWords = this.words, oldGens = this.gens, gen = this.gen;
    const cap = (this.mask + 1) * 2;
    this.words = new Uint32Array(cap * 4);
    this.gens = new Uint32Array(cap);
    this.mask = cap - 1;
    this.size = 0;
    const tmp = new Uint32Array(4);
    for (let i = 0; i < oldGens.length; i++) {
      if (oldGens[i] !== gen) continue;
      tmp.set(oldWords.subarray(i << 2, (i << 2) + 4));
      this.add(tmp);
    }
  }
}
