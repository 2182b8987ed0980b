/**
 * Single-tail SPOT with libspot 2.0 semantics (Siffer et al., KDD 2017): learns the tail of a
 * stream beyond an excess threshold t with a GPD and keeps an anomaly threshold z such that
 * P(X beyond z) = q. `low` watches the lower tail (excesses are measured downwards from t).
 */
import { GpdFitter } from './gpd-fit.js';
import { gpdTailProbability, gpdTailQuantile } from './gpd.js';
import { p2Quantile } from './p2-quantile.js';
import { Peaks } from './peaks.js';
import { SpotParameterError } from './spot-parameter-error.js';
import { type TailSnapshot, decodeNumber, encodeNumber, ensureConsistent, sumAgrees } from './snapshot.js';

/** libspot's step results. */
export const SpotResult = {
  NORMAL: 0,
  /** The value was an excess: the model was updated. */
  EXCESS: 1,
  /** The value was beyond the anomaly threshold and discarded: the model is unchanged. */
  ANOMALY: 2,
  /** The value was NaN: nothing changed (libspot's -ERR_DATA_IS_NAN). */
  NAN_INPUT: -1005,
} as const;
export type SpotResult = (typeof SpotResult)[keyof typeof SpotResult];

/** What `Spot.fit` returns: libspot's 0, or its -ERR_ANOMALY_THRESHOLD_IS_NAN. */
export const SpotFitResult = {
  OK: 0,
  /** The batch had too few distinct excesses to fit the tail: the anomaly threshold is NaN. */
  ANOMALY_THRESHOLD_IS_NAN: -1004,
} as const;
export type SpotFitResult = (typeof SpotFitResult)[keyof typeof SpotFitResult];

/** Parameters of a single-tail SPOT (libspot's `spot_init` arguments). */
export interface SpotOptions {
  /** Probability of an anomaly: 0 < q < 1 - level. */
  q: number;
  /** Quantile level of the excess threshold: 0 <= level < 1. */
  level: number;
  /** Watch the lower tail instead of the upper one. */
  low: boolean;
  /** Values beyond the anomaly threshold are flagged and kept out of the model. */
  discard_anomalies: boolean;
  /** Number of peaks kept when bounded. */
  max_excess: number;
  /** false: keep every peak (memory grows with the number of excesses). */
  bounded: boolean;
}

export const SPOT_DEFAULTS: SpotOptions = {
  q: 1e-4,
  level: 0.98,
  low: false,
  discard_anomalies: true,
  max_excess: 200,
  bounded: true,
};

export class Spot {
  readonly q: number;
  readonly level: number;
  readonly low: boolean;
  readonly discardAnomalies: boolean;
  /** +1 for the upper tail, -1 for the lower one. */
  readonly upDown: number;
  /** Values seen by the model (discarded anomalies excluded). */
  n = 0;
  /** Excesses seen by the model (not bounded by max_excess). */
  nt = 0;
  excessThreshold = NaN;
  anomalyThreshold = NaN;
  readonly peaks: Peaks;
  private readonly fitter = new GpdFitter();

  constructor(options: Partial<SpotOptions> = {}) {
    const o = { ...SPOT_DEFAULTS, ...options };
    checkSpotOptions(o);
    this.q = o.q;
    this.level = o.level;
    this.low = o.low;
    this.discardAnomalies = o.discard_anomalies;
    this.upDown = o.low ? -1 : 1;
    this.peaks = new Peaks(o.bounded, o.max_excess);
  }

  /** GPD shape of the fitted tail. */
  get gamma(): number {
    return this.fitter.gamma;
  }

  /** GPD scale of the fitted tail. */
  get sigma(): number {
    return this.fitter.sigma;
  }

  /** The parameters this instance was built with. */
  get options(): SpotOptions {
    return {
      q: this.q,
      level: this.level,
      low: this.low,
      discard_anomalies: this.discardAnomalies,
      max_excess: this.peaks.capacity,
      bounded: this.peaks.bounded,
    };
  }

  /**
   * Calibrates on a batch: excess threshold from P², peaks, GPD fit, anomaly threshold.
   * Throws when the excess threshold cannot be computed (fewer than 5 values, or NaN where
   * P² needs numbers). As in libspot, a NaN in the batch counts in n and is never a peak, and
   * the anomaly threshold may still be NaN when the batch has too few distinct peaks to fit
   * (e.g. a constant batch): the result then says so, as libspot's error code does; the
   * threshold becomes finite once the stream brings enough excesses. A second call starts over
   * (libspot would keep the previous peaks).
   */
  fit(batch: ArrayLike<number>): SpotFitResult {
    if (batch.length < 5) {
      throw new RangeError(`SPOT fit needs at least 5 values, got ${batch.length}`);
    }
    const t = p2Quantile(this.low ? 1 - this.level : this.level, batch);
    if (t !== t) throw new RangeError('SPOT fit: the excess threshold of the batch is NaN');
    this.peaks.clear();
    this.nt = 0;
    this.n = batch.length;
    this.excessThreshold = t;
    for (let i = 0; i < batch.length; i++) {
      const excess = this.upDown * (batch[i] - t);
      if (excess > 0) {
        this.nt++;
        this.peaks.push(excess);
      }
    }
    this.fitter.fit(this.peaks);
    this.anomalyThreshold = this.quantile(this.q);
    return this.anomalyThreshold === this.anomalyThreshold ? SpotFitResult.OK : SpotFitResult.ANOMALY_THRESHOLD_IS_NAN;
  }

  /** Processes one value (after `fit`); returns a SpotResult. */
  step(x: number): SpotResult {
    if (x !== x) return SpotResult.NAN_INPUT;
    if (this.discardAnomalies && this.upDown * (x - this.anomalyThreshold) > 0) {
      return SpotResult.ANOMALY;
    }
    this.n++;
    const excess = this.upDown * (x - this.excessThreshold);
    if (excess >= 0) {
      this.nt++;
      this.peaks.push(excess);
      this.fitter.fit(this.peaks);
      this.anomalyThreshold = this.quantile(this.q);
      return SpotResult.EXCESS;
    }
    return SpotResult.NORMAL;
  }

  /** True when `x` is beyond the anomaly threshold (what `step` would flag). */
  isBeyond(x: number): boolean {
    return this.upDown * (x - this.anomalyThreshold) > 0;
  }

  /** The value exceeded with probability `p` under the current model (in the watched direction). */
  quantile(p: number): number {
    const s = this.nt / this.n;
    return this.excessThreshold + this.upDown * gpdTailQuantile(this.fitter.gamma, this.fitter.sigma, s, p);
  }

  /** Probability under the current model of a value at least as extreme as `z`. */
  probability(z: number): number {
    const s = this.nt / this.n;
    return gpdTailProbability(this.fitter.gamma, this.fitter.sigma, s, this.upDown * (z - this.excessThreshold));
  }

  /** The model's state as a plain, JSON-ready object (parameters excluded). */
  saveState(): TailSnapshot {
    const p = this.peaks;
    return {
      n: this.n,
      nt: this.nt,
      excess_threshold: encodeNumber(this.excessThreshold),
      anomaly_threshold: encodeNumber(this.anomalyThreshold),
      gamma: encodeNumber(this.gamma),
      sigma: encodeNumber(this.sigma),
      peaks: {
        values: Array.from(p.data.subarray(0, p.size)),
        cursor: p.cursor,
        filled: p.filled,
        sum: encodeNumber(p.sum),
        sum_squares: encodeNumber(p.sumSquares),
        min: encodeNumber(p.min),
        max: encodeNumber(p.max),
      },
    };
  }

  /**
   * Puts back a state from `saveState` (already shape-checked); throws a SnapshotError when
   * it contradicts itself or these parameters. `where` names it in messages.
   */
  loadState(state: TailSnapshot, where: string): void {
    const p = state.peaks;
    const size = p.values.length;
    const bounded = this.peaks.bounded;
    const capacity = this.peaks.capacity;
    ensureConsistent(state.n >= state.nt, `${where}: n < nt`);
    if (bounded) {
      ensureConsistent(size === Math.min(state.nt, capacity), `${where}: ${size} peaks for nt=${state.nt} and max_excess=${capacity}`);
      ensureConsistent(p.filled ? size === capacity : p.cursor === size, `${where}: peaks cursor/filled contradict the number of peaks`);
      ensureConsistent(p.cursor < capacity, `${where}: peaks cursor beyond max_excess`);
    } else {
      ensureConsistent(size === state.nt && p.cursor === size && !p.filled, `${where}: unbounded peaks contradict nt`);
    }
    let min = NaN;
    let max = NaN;
    for (const v of p.values) {
      if (min !== min || v < min) min = v;
      if (max !== max || v > max) max = v;
    }
    const savedMin = decodeNumber(p.min);
    const savedMax = decodeNumber(p.max);
    ensureConsistent(Object.is(min, savedMin) || min === savedMin, `${where}: peaks min is not the smallest peak`);
    ensureConsistent(Object.is(max, savedMax) || max === savedMax, `${where}: peaks max is not the largest peak`);
    ensureConsistent(sumAgrees(decodeNumber(p.sum), p.values), `${where}: peaks sum does not match the peaks`);
    ensureConsistent(sumAgrees(decodeNumber(p.sum_squares), p.values, true), `${where}: peaks sum of squares does not match the peaks`);
    this.n = state.n;
    this.nt = state.nt;
    this.excessThreshold = decodeNumber(state.excess_threshold);
    this.anomalyThreshold = decodeNumber(state.anomaly_threshold);
    this.fitter.gamma = decodeNumber(state.gamma);
    this.fitter.sigma = decodeNumber(state.sigma);
    this.peaks.load(p.values, p.cursor, p.filled, {
      sum: decodeNumber(p.sum),
      sumSquares: decodeNumber(p.sum_squares),
      min: savedMin,
      max: savedMax,
    });
  }
}

/** Throws a SpotParameterError naming the first bad parameter. */
export function checkSpotOptions(o: SpotOptions): void {
  if (typeof o.level !== 'number' || !(o.level >= 0 && o.level < 1)) {
    throw new SpotParameterError('level', o.level, 'a number with 0 <= level < 1');
  }
  if (typeof o.q !== 'number' || !(o.q > 0 && o.q < 1 - o.level)) {
    throw new SpotParameterError('q', o.q, `a number with 0 < q < 1 - level = ${+(1 - o.level).toPrecision(12)}`);
  }
  if (typeof o.low !== 'boolean') throw new SpotParameterError('low', o.low, 'true or false');
  if (typeof o.discard_anomalies !== 'boolean') {
    throw new SpotParameterError('discard_anomalies', o.discard_anomalies, 'true or false');
  }
  if (typeof o.bounded !== 'boolean') throw new SpotParameterError('bounded', o.bounded, 'true or false');
  if (!Number.isInteger(o.max_excess) || o.max_excess < 1 || o.max_excess > MAX_EXCESS_LIMIT) {
    throw new SpotParameterError('max_excess', o.max_excess, `an integer from 1 to ${MAX_EXCESS_LIMIT}`);
  }
}

/** Upper bound on max_excess: each refit scans every peak, so more is unusable anyway. */
export const MAX_EXCESS_LIMIT = 10_000_000;
