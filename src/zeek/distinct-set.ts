/**
 * A distinct count per period: exact (a Set) up to `exactBound` values, then a HyperLogLog
 * sketch (0.81 % standard error) so that memory stays bounded whatever the traffic.
 */
import { HyperLogLog } from './hyperloglog.js';

/** Values counted exactly per feature and period before switching to the sketch. */
export const DISTINCT_EXACT_BOUND = 100_000;

export class DistinctSet {
  private exact: Set<string> | null = new Set();
  private sketch: HyperLogLog | null = null;

  constructor(private readonly exactBound = DISTINCT_EXACT_BOUND) {}

  add(v: string): void {
    if (this.exact !== null) {
      this.exact.add(v);
      if (this.exact.size > this.exactBound) {
        const s = new HyperLogLog();
        for (const x of this.exact) s.add(x);
        this.sketch = s;
        this.exact = null;
      }
      return;
    }
    (this.sketch as HyperLogLog).add(v);
  }

  /** True once the count is an estimate. */
  get estimated(): boolean {
    return this.exact === null;
  }

  count(): number {
    return this.exact !== null ? this.exact.size : Math.round((this.sketch as HyperLogLog).estimate());
  }
}
