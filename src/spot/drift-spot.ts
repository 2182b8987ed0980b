/**
 * NetSpot's detector: SPOT on one or both tails of a stream, relative to its drift.
 *
 * - depth > 0: the drift is the mean of the last `depth` non-alarm values; the first `depth`
 *   values only fill that window (INIT) and afterwards each tail sees x - drift.
 * - the next `n_init` values (drift removed) are the calibration batch (CALIBRATION); at the
 *   last one each enabled tail is fitted on it.
 * - then every value is judged: with `alert`, a value beyond a threshold is ALERT_UP/DOWN and
 *   kept out of every model (both tails and the drift window); otherwise it feeds both tails
 *   (EXCESS_UP/DOWN when beyond an excess threshold) and the drift window.
 * - a non-finite value is MISSING and changes nothing.
 * - while a watched tail has no anomaly threshold (NaN: its fit found too few distinct
 *   excesses), values feed the models as usual but are FIT_ERROR: not judged on that tail.
 *
 * `step` allocates nothing: its status is returned and the details are left in properties.
 */
import { type SpotConfig, resolveSpotConfig, validateSpotConfig } from './config.js';
import { DriftWindow } from './drift-window.js';
import {
  type DriftSpotSnapshot,
  SNAPSHOT_FORMAT,
  SNAPSHOT_VERSION,
  SnapshotError,
  checkSnapshotShape,
  decodeNumber,
  encodeNumber,
  ensureConsistent,
  sumAgrees,
} from './snapshot.js';
import { Spot, SpotResult } from './spot.js';
import { Status } from './status.js';

type Phase = 'init' | 'calibration' | 'stream';

export class DriftSpot {
  readonly config: Readonly<SpotConfig>;

  /** Status of the last step. */
  status: Status;
  /**
   * Upper anomaly threshold the last value was judged against, drift included (NaN before
   * calibration or when the upper tail is off).
   */
  upperThreshold = NaN;
  /** Lower anomaly threshold the last value was judged against, drift included. */
  lowerThreshold = NaN;
  /** For ALERT_UP / ALERT_DOWN: probability of a value at least that extreme; NaN otherwise. */
  probability = NaN;
  /** Drift removed from the last value (0 without drift, NaN while filling the window). */
  drift = NaN;

  private phase: Phase;
  private readonly window: DriftWindow | null;
  private batch: Float64Array | null;
  private batchCount = 0;
  /** Upper-tail model (null when `up` is off). */
  readonly upper: Spot | null;
  /** Lower-tail model (null when `down` is off). */
  readonly lower: Spot | null;

  /** `config`: NetSpot's [spot] keys; missing keys take NetSpot's defaults. Throws on bad values. */
  constructor(config: Partial<SpotConfig> = {}) {
    const c = resolveSpotConfig(config);
    this.config = Object.freeze(c);
    this.window = c.depth > 0 ? new DriftWindow(c.depth) : null;
    this.phase = c.depth > 0 ? 'init' : 'calibration';
    this.status = c.depth > 0 ? Status.INIT : Status.CALIBRATION;
    this.batch = new Float64Array(c.n_init);
    const tail = (low: boolean) =>
      new Spot({ q: c.q, level: c.level, low, discard_anomalies: c.alert, max_excess: c.max_excess, bounded: c.bounded });
    this.upper = c.up ? tail(false) : null;
    this.lower = c.down ? tail(true) : null;
  }

  /** True once the tails are fitted and values are judged. */
  get calibrated(): boolean {
    return this.phase === 'stream';
  }

  /** Processes one value; returns its status (details in the properties above). */
  step(x: number): Status {
    this.probability = NaN;
    if (x - x !== 0) {
      // NaN or ±Infinity: report the current thresholds, change nothing.
      this.currentThresholds();
      return (this.status = Status.MISSING);
    }
    const window = this.window;
    if (this.phase === 'init') {
      (window as DriftWindow).push(x);
      if ((window as DriftWindow).full) this.phase = 'calibration';
      this.drift = NaN;
      this.upperThreshold = NaN;
      this.lowerThreshold = NaN;
      return (this.status = Status.INIT);
    }

    const drift = window === null ? 0 : window.mean();
    const v = x - drift;
    this.drift = drift;

    if (this.phase === 'calibration') {
      const batch = this.batch as Float64Array;
      batch[this.batchCount++] = v;
      if (window !== null) window.push(x);
      this.upperThreshold = NaN;
      this.lowerThreshold = NaN;
      if (this.batchCount === batch.length) {
        this.upper?.fit(batch);
        this.lower?.fit(batch);
        this.batch = null;
        this.phase = 'stream';
      }
      return (this.status = Status.CALIBRATION);
    }

    const upper = this.upper;
    const lower = this.lower;
    this.upperThreshold = upper === null ? NaN : upper.anomalyThreshold + drift;
    this.lowerThreshold = lower === null ? NaN : lower.anomalyThreshold + drift;
    const unfitted = (upper !== null && upper.anomalyThreshold !== upper.anomalyThreshold) ||
      (lower !== null && lower.anomalyThreshold !== lower.anomalyThreshold);
    if (this.config.alert) {
      if (upper !== null && upper.isBeyond(v)) {
        this.probability = upper.probability(v);
        return (this.status = Status.ALERT_UP);
      }
      if (lower !== null && lower.isBeyond(v)) {
        this.probability = lower.probability(v);
        return (this.status = Status.ALERT_DOWN);
      }
    }
    const up = upper === null ? SpotResult.NORMAL : upper.step(v);
    const down = lower === null ? SpotResult.NORMAL : lower.step(v);
    if (window !== null) window.push(x);
    if (unfitted) return (this.status = Status.FIT_ERROR);
    if (up === SpotResult.EXCESS) return (this.status = Status.EXCESS_UP);
    if (down === SpotResult.EXCESS) return (this.status = Status.EXCESS_DOWN);
    return (this.status = Status.NORMAL);
  }

  /** Sets the threshold properties to what the next value would be judged against. */
  currentThresholds(): void {
    if (this.phase !== 'stream') {
      this.drift = this.phase === 'init' ? NaN : this.window === null ? 0 : this.window.mean();
      this.upperThreshold = NaN;
      this.lowerThreshold = NaN;
      return;
    }
    const drift = this.window === null ? 0 : this.window.mean();
    this.drift = drift;
    this.upperThreshold = this.upper === null ? NaN : this.upper.anomalyThreshold + drift;
    this.lowerThreshold = this.lower === null ? NaN : this.lower.anomalyThreshold + drift;
  }

  /** The whole state as a versioned, JSON-ready plain object. */
  snapshot(): DriftSpotSnapshot {
    const w = this.window;
    return {
      format: SNAPSHOT_FORMAT,
      version: SNAPSHOT_VERSION,
      config: { ...this.config },
      phase: this.phase,
      drift: w === null ? null : { values: Array.from(w.values.subarray(0, w.count)), cursor: w.cursor, sum: encodeNumber(w.sum) },
      calibration: this.batch === null ? null : Array.from(this.batch.subarray(0, this.batchCount)),
      up: this.phase === 'stream' && this.upper !== null ? this.upper.saveState() : null,
      down: this.phase === 'stream' && this.lower !== null ? this.lower.saveState() : null,
    };
  }

  /**
   * A detector that continues exactly where the snapshot was taken. Accepts the object or its
   * JSON text; throws a SnapshotError (clear message) for another format or version, or a
   * damaged snapshot.
   */
  static restore(snapshot: unknown): DriftSpot {
    const s = checkSnapshotShape(snapshot);
    try {
      validateSpotConfig(s.config);
    } catch (err) {
      throw new SnapshotError(`SPOT snapshot refused: damaged config: ${(err as Error).message}`);
    }
    const d = new DriftSpot(s.config);
    const c = d.config;
    const depth = c.depth;
    if (depth === 0) {
      ensureConsistent(s.drift === null && s.phase !== 'init', 'drift state without a drift window (depth = 0)');
    } else {
      const drift = s.drift;
      ensureConsistent(drift !== null, 'drift window missing (depth > 0)');
      if (drift !== null) {
        const full = drift.values.length === depth;
        ensureConsistent(drift.values.length <= depth && drift.cursor < depth, 'drift window larger than depth');
        ensureConsistent(full || drift.cursor === drift.values.length, 'drift window cursor out of place');
        ensureConsistent(full === (s.phase !== 'init'), `phase ${s.phase} with a drift window of ${drift.values.length}/${depth}`);
        ensureConsistent(sumAgrees(decodeNumber(drift.sum), drift.values), 'drift window sum does not match its values');
        const w = d.window as DriftWindow;
        w.values.set(drift.values);
        w.count = drift.values.length;
        w.cursor = drift.cursor;
        w.sum = decodeNumber(drift.sum);
      }
    }
    if (s.phase === 'stream') {
      ensureConsistent(s.calibration === null, 'calibration batch after calibration');
      ensureConsistent((s.up !== null) === c.up && (s.down !== null) === c.down, 'tails do not match up/down');
      if (s.up !== null) (d.upper as Spot).loadState(s.up, 'up');
      if (s.down !== null) (d.lower as Spot).loadState(s.down, 'down');
      d.batch = null;
    } else {
      ensureConsistent(s.up === null && s.down === null, `tail models before calibration (phase ${s.phase})`);
      const batch = s.calibration ?? [];
      ensureConsistent(batch.length < c.n_init, 'calibration batch as long as n_init');
      ensureConsistent(s.phase === 'calibration' || batch.length === 0, 'calibration values during init');
      (d.batch as Float64Array).set(batch);
      d.batchCount = batch.length;
    }
    d.phase = s.phase;
    d.currentThresholds();
    return d;
  }
}
