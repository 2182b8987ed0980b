/**
 * The one place the analyzer meets the SPOT engine: a statistic's detector, configured from
 * `[spot]` merged with `[spot.STAT]`.
 */
import type { Config, SpotParams } from '../config/schema.js';
import { DEFAULT_REBASE_AFTER, DriftSpot, RebasePolicy, Status, statusName } from '../spot/index.js';
import type { BaselineChange } from '../records/episode-record.js';

/** A detector's parameters: the SPOT keys, and the rebase policy's (spot.rebase_after, default 300). */
export type DetectorParams = Omit<SpotParams, 'rebase_after'> & { rebase_after?: number };

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
  /** Set when this value completed `spot.rebase_after` alarms and the level became the new normal. */
  baseline?: BaselineChange;
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
  private readonly policy: RebasePolicy;
  constructor(params: DetectorParams, episodeGap: number, restored?: DriftSpot) {
    const { rebase_after, ...spot } = params;
    this.spot = restored ?? new DriftSpot(spot);
    this.policy = new RebasePolicy(rebase_after ?? DEFAULT_REBASE_AFTER, episodeGap, this.spot.config.depth);
  }
  judge(value: number): Judgement {
    const d = this.spot;
    const s = d.step(value);
    const j: Judgement = {
      status: statusName(s),
      up: d.upperThreshold,
      down: d.lowerThreshold,
      alarm: s === Status.ALERT_UP ? 1 : s === Status.ALERT_DOWN ? -1 : 0,
      probability: d.probability,
    };
    if (this.policy.observe(d, value, s)) j.baseline = { old_level: this.policy.oldLevel, new_level: this.policy.newLevel };
    return j;
  }
  unfittedTails(): string {
    // The thresholds the value was judged against: NaN for a watched tail means unfitted.
    const d = this.spot;
    const up = d.upper !== null && Number.isNaN(d.upperThreshold);
    const down = d.lower !== null && Number.isNaN(d.lowerThreshold);
    return up && down ? 'upper and lower' : up ? 'upper' : down ? 'lower' : 'no';
  }
}

/**
 * A new detector, or one that goes on from `restored` (a detector saved with the same params).
 * `episodeGap`: quiet periods that end an episode (analyzer.episode_gap), for the rebase policy.
 */
export function createStatDetector(params: DetectorParams, episodeGap: number, restored?: DriftSpot): StatDetector {
  return new DriftSpotDetector(params, episodeGap, restored);
}
