/**
 * The drift of a stream: mean of its last `depth` accepted values, in a ring buffer with a
 * running sum. The sum is recomputed from the buffer each time the ring wraps, so rounding
 * errors cannot pile up over a long stream.
 */
export class DriftWindow {
  readonly values: Float64Array;
  /** Values held (up to depth). */
  count = 0;
  /** Next slot to overwrite. */
  cursor = 0;
  sum = 0;

  constructor(readonly depth: number) {
    this.values = new Float64Array(depth);
  }

  get full(): boolean {
    return this.count === this.depth;
  }

  /** Mean of the values held (NaN when empty). */
  mean(): number {
    return this.sum / this.count;
  }

  push(x: number): void {
    const values = this.values;
    if (this.count === this.depth) this.sum -= values[this.cursor];
    else this.count++;
    values[this.cursor] = x;
    this.sum += x;
    if (++this.cursor === this.depth) {
      this.cursor = 0;
      let sum = 0;
      for (let i = 0; i < this.depth; i++) sum += values[i];
      this.sum = sum;
    }
  }
}
