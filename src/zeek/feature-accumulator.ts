/** What one feature gathers over one period, and its value at the period's end. */
import { DistinctSet } from './distinct-set.js';
import type { FeatureExpr } from './feature-expr.js';
import { scalarKey, type ZeekRecord, type ZeekScalar } from './zeek-record.js';

export interface FeatureAccumulator {
  add(r: ZeekRecord): void;
  /** The period's value; null when it has none (mean, max or ratio of no value). */
  value(): number | null;
}

function numbers(expr: FeatureExpr, r: ZeekRecord, each: (x: number) => void): void {
  const v = r.field(expr.field as string);
  if (v === null) return;
  if (expr.length === true) {
    each(Array.isArray(v) ? v.length : String(v).length);
    return;
  }
  const one = (s: ZeekScalar): void => {
    const x = typeof s === 'number' ? s : typeof s === 'boolean' ? (s ? 1 : 0) : Number(s);
    if (Number.isFinite(x)) each(x);
  };
  if (Array.isArray(v)) for (const s of v as readonly ZeekScalar[]) one(s);
  else one(v as ZeekScalar);
}

function keys(expr: FeatureExpr, r: ZeekRecord, each: (k: string) => void): void {
  const v = r.field(expr.field as string);
  if (v === null) return;
  if (Array.isArray(v)) for (const s of v as readonly ZeekScalar[]) each(scalarKey(s));
  else each(scalarKey(v as ZeekScalar));
}

export function createAccumulator(expr: FeatureExpr): FeatureAccumulator {
  switch (expr.op) {
    case 'count': {
      let n = 0;
      return { add: () => void n++, value: () => n };
    }
    case 'distinct': {
      const set = new DistinctSet();
      return { add: (r) => keys(expr, r, (k) => set.add(k)), value: () => set.count() };
    }
    case 'sum': {
      let s = 0;
      return { add: (r) => numbers(expr, r, (x) => void (s += x)), value: () => s };
    }
    case 'mean': {
      let s = 0;
      let n = 0;
      return { add: (r) => numbers(expr, r, (x) => { s += x; n++; }), value: () => (n === 0 ? null : s / n) };
    }
    case 'max': {
      let m = -Infinity;
      return { add: (r) => numbers(expr, r, (x) => void (m = x > m ? x : m)), value: () => (m === -Infinity ? null : m) };
    }
    case 'ratio': {
      let hit = 0;
      let n = 0;
      const want = expr.value as string;
      return {
        add: (r) => {
          n++;
          let found = false;
          keys(expr, r, (k) => void (found ||= k === want));
          if (found) hit++;
        },
        value: () => (n === 0 ? null : hit / n),
      };
    }
  }
}
