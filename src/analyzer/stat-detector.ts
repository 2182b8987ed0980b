/**
 * The one place the analyzer meets the SPOT engine: a statistic's detector, configured from
 * `[spot]` merged with `[spot.STAT]`.
 */
import type { Config, SpotParams } from '../config/schema.js';
import { DriftSpot, Status, statusName } from '../spot/index.js';

/** What the analyzer needs to know after a value was judged. */
export interface Judgement {
  /** Detector status name. */
  status: string;
  /** Thresholds the value was judged against (NaN while calibrating or when the tail is off). */
  up: number;
  down: number;
  /** 1: upper alert, -1: lower alert, 0: none. */
  alarm: 0 | 1 | -1;
  probability: number;
}

export interface StatDetector {
  judge(value: number): Judgement;
  /** After a FIT_ERROR: which watched tails have no anomaly threshold ('upper', 'lower', 'upper and lower'). */
  unfittedTails(): string;
  readonly spot: DriftSpot;
}

/** Status of a value that could not be judged because a fit left a threshold NaN. */
export const FIT_ERROR = statusName(Status.FIT_ERROR);

/** `[spot]` defaults overridden by `[spot.STAT]`. */
export function detectorParams(cfg: Config, stat: string): SpotParams {
  const base: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(cfg.spot)) if (typeof v !== 'object') base[k] = v;
  const own = cfg.spot[stat];
  return { ...(base as SpotParams), ...(typeof own === 'object' ? own : {}) };
}

class DriftSpotDetector implements StatDetector {
  readonly spot: DriftSpot;
  constructor(params: SpotParams, restored?: DriftSpot) {
    this.spot = restored ?? new DriftSpot(params);
  }
  judge(value: number): Judgement {
    const d = this.spot;
    const s = d.step(value);
    return {
      status: statusName(s),
      up: d.upperThreshold,
      down: d.lowerThreshold,
      alarm: s === Status.ALERT_UP ? 1 : s === Status.ALERT_DOWN ? -1 : 0,
      probability: d.probability,
    };
  }
  unfittedTails(): string {
    // The thresholds the value was judged against: NaN for a watched tail means unfitted.
    const d = this.spot;
    const up = d.upper !== null && Number.isNaN(d.upperThreshold);
    const down = d.lower !== null && Number.isNaN(d.lowerThreshold);
    return up && down ? 'upper and lower' : up ? 'upper' : down ? 'lower' : 'no';
  }
}

/** A new detector, or one that goes on from `restored` (a detector saved with the same params). */
export function createStatDetector(params: SpotParams, restored?: DriftSpot): StatDetector {
  return new DriftSpotDetector(params, restored);
}
