/**
 * The peaks of one tail (excesses over the excess threshold) with running sum, sum of squares,
 * min and max. Bounded: a ring buffer of `capacity` values where the newest overwrites the
 * oldest (libspot's "ubend"); unbounded: every peak is kept (the buffer grows).
 *
 * Sums and scans run over the storage in index order, as libspot does, so that floating-point
 * results match the reference bit for bit.
 */
export class Peaks {
  /** Storage; only the first `size` entries are peaks. */
  data: Float64Array;
  /** Number of peaks held. */
  size = 0;
  /** Next slot to write (bounded mode). */
  cursor = 0;
  /** The ring has wrapped at least once (bounded mode). */
  filled = false;
  /** Running sum of the peaks. */
  sum = 0;
  /** Running sum of the squared peaks. */
  sumSquares = 0;
  min = NaN;
  max = NaN;

  /** `capacity` = max_excess when bounded; the initial allocation otherwise. */
  constructor(
    readonly bounded: boolean,
    readonly capacity: number,
  ) {
    this.data = new Float64Array(bounded ? capacity : Math.max(16, capacity));
  }

  mean(): number {
    return this.sum / this.size;
  }

  /** Population variance, from the running sums. */
  variance(): number {
    const mean = this.sum / this.size;
    return this.sumSquares / this.size - mean * mean;
  }

  push(x: number): void {
    if (!this.bounded) {
      this.pushUnbounded(x);
      return;
    }
    let erased = NaN;
    if (this.filled) erased = this.data[this.cursor];
    this.data[this.cursor] = x;
    if (this.cursor === this.capacity - 1) {
      this.cursor = 0;
      this.filled = true;
    } else {
      this.cursor += 1;
    }
    this.size = this.filled ? this.capacity : this.cursor;

    this.sum += x;
    this.sumSquares += x * x;
    if (this.size === 1 || x < this.min) this.min = x;
    if (this.size === 1 || x > this.max) this.max = x;

    if (erased === erased) {
      this.sum -= erased;
      this.sumSquares -= erased * erased;
      // The evicted value may have been the min or the max: rescan (which also clears the
      // rounding drift of the running sums).
      if (erased <= this.min || erased >= this.max) this.recompute();
    }
  }

  private pushUnbounded(x: number): void {
    if (this.size === this.data.length) {
      const grown = new Float64Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.size++] = x;
    this.cursor = this.size;
    this.sum += x;
    this.sumSquares += x * x;
    if (this.size === 1 || x < this.min) this.min = x;
    if (this.size === 1 || x > this.max) this.max = x;
  }

  /**
   * Replaces the content with saved storage (`values` in storage order) and saved running
   * statistics, so that later pushes round exactly as they would have.
   */
  load(values: ArrayLike<number>, cursor: number, filled: boolean, sums: { sum: number; sumSquares: number; min: number; max: number }): void {
    if (!this.bounded && this.data.length < values.length) this.data = new Float64Array(values.length * 2);
    this.data.set(values as ArrayLike<number>);
    this.size = values.length;
    this.cursor = cursor;
    this.filled = filled;
    this.sum = sums.sum;
    this.sumSquares = sums.sumSquares;
    this.min = sums.min;
    this.max = sums.max;
  }

  /** Forgets every peak. */
  clear(): void {
    this.size = 0;
    this.cursor = 0;
    this.filled = false;
    this.sum = 0;
    this.sumSquares = 0;
    this.min = NaN;
    this.max = NaN;
  }

  /** Recomputes sums, min and max from the stored peaks. */
  recompute(): void {
    const data = this.data;
    let sum = 0;
    let sumSquares = 0;
    let min = NaN;
    let max = NaN;
    for (let i = 0; i < this.size; i++) {
      const v = data[i];
      sum += v;
      sumSquares += v * v;
      if (min !== min || v < min) min = v;
      if (max !== max || v > max) max = v;
    }
    this.sum = sum;
    this.sumSquares = sumSquares;
    this.min = min;
    this.max = max;
  }
}
