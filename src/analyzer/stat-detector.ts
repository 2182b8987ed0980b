/**
 * The one place the analyzer meets the SPOT engine: a statistic's detector, configured from
 * `[spot]` merged with `[spot.STAT]`.
 */
import type { Config, SpotParams } from '../config/schema.js';
import { DriftSpot, RebasePolicy, Status, statusName } from '../spot/index.js';
import type { BaselineChange } from '../records/episode-record.js';

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
  readonly spot: DriftSpot;
}

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
  constructor(params: SpotParams, episodeGap: number) {
    const { rebase_after, ...spot } = params;
    this.spot = new DriftSpot(spot);
    this.policy = new RebasePolicy(rebase_after, episodeGap, spot.depth);
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
}

/** `episodeGap`: quiet periods that end an episode (analyzer.episode_gap), for the rebase policy. */
export function createStatDetector(params: SpotParams, episodeGap: number): StatDetector {
  return new DriftSpotDetector(params, episodeGap);
}
