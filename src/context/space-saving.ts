/**
 * The heaviest keys of a stream in fixed memory: Space-Saving (Metwally, Agrawal and
 * El Abbadi, 2005) with `capacity` monitored keys.
 *
 * A key is four unsigned 32-bit words (an address as `PacketSummary` stores it, or a port
 * packed into the last word). A monitored key's count goes up by the occurrence's weight
 * (1, or the sampling stride, see top-talkers.ts); a new key when every slot is taken replaces
 * the key with the smallest count m and starts at m + weight, remembering m as its possible
 * overcount (`error`).
 *
 * Bound, for a stream of total weight N: every key weighing more than N / capacity is
 * monitored, and a monitored key's true weight lies in [count - error, count], with
 * error <= N / capacity. With at most `capacity` distinct keys every count is exact (error 0).
 *
 * Layout: slots hold the keys and counts; a linear-probing hash index (a quarter full) finds a
 * key's slot; the slots at the smallest count (`mins`) give the key to replace. Counts only
 * grow, so that set stays exact until it empties, and is then rebuilt by one scan of the
 * slots. On traffic where every packet brings a new key (a spoofed flood: the costly case)
 * every slot sits at the same count, so one scan serves `capacity` replacements; a min-heap
 * instead sifted every replaced key from root to leaf, three quarters of the cost of `add`
 * (measured: docs/performance.md). Worst case (all counts distinct): one scan per
 * replacement. `add` runs per packet and allocates nothing; `reset` (per period) clears the
 * index in O(capacity).
 */
export interface HeavyKey {
  /** The key's four words. */
  readonly words: readonly [number, number, number, number];
  /** Occurrences guaranteed (count - error): exact when `error` is 0. */
  readonly min: number;
  /** Space-Saving's count: an upper bound of the occurrences. */
  readonly count: number;
  readonly error: number;
}

export class SpaceSaving {
  readonly capacity: number;
  /** Weight added since the last reset (N). */
  total = 0;
  private size = 0;
  private readonly keys: Uint32Array;
  private readonly counts: Float64Array;
  private readonly errors: Float64Array;
  /** Hash of each slot's key (its home in the index), for deletion by backward shift. */
  private readonly homes: Int32Array;
  /** Slots whose count is the smallest (the first `nMins`), and each slot's place there (-1: not there). */
  private readonly mins: Int32Array;
  private readonly minPos: Int32Array;
  private nMins = 0;
  /** Hash index: slot + 1, 0 = empty. */
  private readonly index: Int32Array;
  private readonly bits: number;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`Space-Saving capacity must be a positive integer, got ${capacity}`);
    this.capacity = capacity;
    this.keys = new Uint32Array(capacity * 4);
    this.counts = new Float64Array(capacity);
    this.errors = new Float64Array(capacity);
    this.homes = new Int32Array(capacity);
    this.mins = new Int32Array(capacity);
    this.minPos = new Int32Array(capacity).fill(-1);
    let bits = 2;
    while (1 << bits < capacity * 4) bits++;
    this.bits = bits;
    this.index = new Int32Array(1 << bits);
  }

  /** Counts one occurrence of weight `weight` of the key (w0, w1, w2, w3), unsigned 32-bit words. */
  add(w0: number, w1: number, w2: number, w3: number, weight = 1): void {
    this.total += weight;
    const index = this.index, keys = this.keys;
    const mask = index.length - 1;
    const home = hash(w0, w1, w2, w3) >>> (32 - this.bits);
    let i = home;
    for (let s1 = index[i]; s1 !== 0; s1 = index[i]) {
      const o = (s1 - 1) << 2;
      if (keys[o + 3] === w3 && keys[o + 2] === w2 && keys[o + 1] === w1 && keys[o] === w0) {
        const slot = s1 - 1;
        this.counts[slot] += weight;
        // No longer at the smallest count: it leaves that set (the last one takes its place).
        const at = this.minPos[slot];
        if (at !== -1) {
          const last = this.mins[--this.nMins];
          this.mins[at] = last;
          this.minPos[last] = at;
          this.minPos[slot] = -1;
        }
        return;
      }
      i = (i + 1) & mask;
    }
    let slot: number;
    if (this.size < this.capacity) {
      slot = this.size++;
      this.counts[slot] = weight;
      this.errors[slot] = 0;
    } else {
      // Replace a key with the smallest count: it leaves the index, which may move entries.
      if (this.nMins === 0) this.findMins();
      slot = this.mins[--this.nMins];
      this.minPos[slot] = -1;
      this.unindex(slot);
      i = home;
      while (index[i] !== 0) i = (i + 1) & mask;
      this.errors[slot] = this.counts[slot];
      this.counts[slot] += weight;
    }
    const o = slot << 2;
    keys[o] = w0;
    keys[o + 1] = w1;
    keys[o + 2] = w2;
    keys[o + 3] = w3;
    this.homes[slot] = home;
    index[i] = slot + 1;
  }

  /** Starts a new period: nothing monitored. */
  reset(): void {
    if (this.size > 0) {
      this.index.fill(0);
      this.minPos.fill(-1);
    }
    this.nMins = 0;
    this.size = 0;
    this.total = 0;
  }

  /**
   * The `n` keys with the most guaranteed occurrences (count - error), heaviest first; ties
   * by count, then by key, so the order does not depend on the slots. Per period: allocates.
   */
  top(n: number): HeavyKey[] {
    const out: HeavyKey[] = [];
    for (let s = 0; s < this.size; s++) {
      const o = s << 2, k = this.keys;
      out.push({ words: [k[o], k[o + 1], k[o + 2], k[o + 3]], min: this.counts[s] - this.errors[s], count: this.counts[s], error: this.errors[s] });
    }
    out.sort((a, b) => b.min - a.min || b.count - a.count || compareWords(a.words, b.words));
    return out.slice(0, Math.max(0, n));
  }

  /** The smallest count when every slot is taken (what an unmonitored key may have had), else 0. */
  smallestCount(): number {
    if (this.size < this.capacity) return 0;
    let m = Infinity;
    for (let s = 0; s < this.size; s++) if (this.counts[s] < m) m = this.counts[s];
    return m;
  }

  /** Removes a slot's key from the hash index (backward-shift deletion keeps probes short). */
  private unindex(slot: number): void {
    const index = this.index, homes = this.homes;
    const mask = index.length - 1;
    let i = homes[slot];
    while (index[i] !== slot + 1) i = (i + 1) & mask;
    let j = i;
    for (;;) {
      j = (j + 1) & mask;
      const s1 = index[j];
      if (s1 === 0) break;
      const h = homes[s1 - 1];
      // The entry at j may move back to i unless its home lies cyclically in (i, j].
      const stays = i <= j ? h > i && h <= j : h > i || h <= j;
      if (!stays) {
        index[i] = s1;
        i = j;
      }
    }
    index[i] = 0;
  }

  /** Collects the slots at the smallest count (the set is empty: every slot was counted since). */
  private findMins(): void {
    const counts = this.counts, mins = this.mins, minPos = this.minPos, n = this.size;
    let min = Infinity;
    for (let s = 0; s < n; s++) if (counts[s] < min) min = counts[s];
    let k = 0;
    for (let s = 0; s < n; s++) {
      if (counts[s] === min) {
        mins[k] = s;
        minPos[s] = k++;
      }
    }
    this.nMins = k;
  }
}

/** Mixes the four words; the caller keeps the high bits (Fibonacci hashing). */
function hash(w0: number, w1: number, w2: number, w3: number): number {
  let h = Math.imul(w0, 0x85ebca6b) ^ Math.imul(w1, 0xc2b2ae35) ^ Math.imul(w2, 0x27d4eb2f) ^ w3;
  h ^= h >>> 16;
  return Math.imul(h, 0x9e3779b1) >>> 0;
}

function compareWords(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < 4; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}
