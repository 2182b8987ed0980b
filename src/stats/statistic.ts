/** Counter values at the end of a period, by counter name. */
export type CounterValues = Readonly<Record<string, number>>;

/**
 * A statistic: a pure function of the counters of one period, watched by its own detector.
 * `null` means "no value this period" (the detector does not see it).
 */
export interface StatDef {
  /** NetSpot's name, e.g. `R_SYN`. */
  readonly name: string;
  readonly description: string;
  /** Exact definition in terms of counters, for `netspot ls` and the docs. */
  readonly formula: string;
  /** Counters the statistic reads; only the counters some loaded statistic needs are computed. */
  readonly requires: readonly string[];
  /**
   * false: recorded but never given a detector, so it never alarms (a measure of NetSpot
   * itself, such as its speed, is not a property of the traffic). Default true.
   */
  readonly judged?: boolean;
  /**
   * The values the statistic can take, [0, 1] for a share (R_SYN); default [0, Infinity). A
   * threshold outside it can never be crossed: the back end says so once.
   */
  readonly range?: readonly [number, number];
  compute(c: CounterValues): number | null;
}

/** The range of a share: a part of a whole. */
export const SHARE: readonly [number, number] = [0, 1];

/** The range of a count or rate: what every packet statistic is when not a share. */
export const NON_NEGATIVE: readonly [number, number] = [0, Infinity];

/**
 * NetSpot's ratio rule: a zero numerator gives 0 (even over a zero denominator), a zero
 * denominator with a non-zero numerator gives no value.
 */
export function ratio(numerator: number, denominator: number): number | null {
  if (numerator === 0) return 0;
  if (denominator === 0) return null;
  return numerator / denominator;
}
