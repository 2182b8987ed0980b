/**
 * A counter's state for one period, as sensors send it and the aggregator merges it: sums add,
 * period measures (SOURCE_TIME) take the largest, and distinct counts travel as their members
 * (exact) or, above WIRE_EXACT_MAX members, as a HyperLogLog sketch (src/zeek/hyperloglog.ts:
 * 2^14 registers, 0.81 % relative standard error). A union of exact sets is exact; once one
 * side is a sketch, the exact sides are hashed into it and the count is an estimate.
 */
import { counterDef, type Counter } from '../counters/index.js';
import { HyperLogLog } from '../zeek/hyperloglog.js';

/** Members of a distinct set sent as such at most; a larger set goes as a sketch (16 KiB). */
export const WIRE_EXACT_MAX = 1024;

export type CounterState =
  | { readonly sum: number }
  | { readonly max: number }
  | { readonly set: readonly string[] }
  /** HyperLogLog registers, base64. */
  | { readonly hll: string };

/** How a counter's period values combine across sensors, by name; absent: they cannot (SRC_MAX_*: a per-source maximum). */
export function mergeRule(name: string): 'sum' | 'max' | 'set' | undefined {
  const def = counterDef(name);
  if (def === undefined) return undefined;
  if ('sum' in def) return 'sum';
  if (name.startsWith('NB_UNIQ_')) return 'set';
  if (name === 'SOURCE_TIME') return 'max';
  if (name === 'REAL_TIME' || name === 'IFACE_DROPPED' || name === 'IFACE_RECEIVED') return 'sum';
  return undefined;
}

interface DistinctCounter extends Counter {
  members(): string[];
}

function isDistinct(c: Counter): c is DistinctCounter {
  return typeof (c as Partial<DistinctCounter>).members === 'function';
}

/** The state of one counter whose period just ended (read before its reset); undefined when it cannot be merged. */
export function counterState(name: string, counter: Counter, value: number): CounterState | undefined {
  const rule = mergeRule(name);
  if (rule === undefined) return undefined;
  if (rule === 'set' && isDistinct(counter)) return setState(counter.members());
  if (rule === 'max') return { max: value };
  return { sum: value };
}

/** Members as they go on the wire: exact up to WIRE_EXACT_MAX, a sketch above. */
export function setState(members: readonly string[]): CounterState {
  if (members.length <= WIRE_EXACT_MAX) return { set: members };
  const h = new HyperLogLog();
  for (const m of members) h.add(m);
  return { hll: Buffer.from(h.bytes()).toString('base64') };
}

/** One counter's states from several sensors merged into a value; `estimated` once a sketch took part. */
export class MergedCounter {
  private total = 0;
  private largest = -Infinity;
  private members: Set<string> | null = null;
  private sketch: HyperLogLog | null = null;
  private kind: 'sum' | 'max' | 'set' | undefined;

  add(s: CounterState): void {
    if ('sum' in s) {
      this.kind = 'sum';
      this.total += s.sum;
    } else if ('max' in s) {
      this.kind = 'max';
      if (s.max > this.largest) this.largest = s.max;
    } else {
      this.kind = 'set';
      if ('set' in s) {
        if (this.sketch !== null) for (const m of s.set) this.sketch.add(m);
        else {
          this.members ??= new Set();
          for (const m of s.set) this.members.add(m);
        }
      } else {
        const other = HyperLogLog.fromBytes(Buffer.from(s.hll, 'base64'));
        if (this.sketch === null) {
          this.sketch = other;
          for (const m of this.members ?? []) this.sketch.add(m);
          this.members = null;
        } else this.sketch.merge(other);
      }
    }
  }

  get estimated(): boolean {
    return this.sketch !== null;
  }

  value(): number {
    if (this.kind === 'sum') return this.total;
    if (this.kind === 'max') return this.largest;
    if (this.sketch !== null) return Math.round(this.sketch.estimate());
    return this.members?.size ?? 0;
  }
}
