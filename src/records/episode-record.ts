/**
 * One record per incident: consecutive alarms of one statistic (see
 * src/backend/episode-tracker.ts for when an episode starts and ends).
 */
import type { AlarmContext } from './alarm-context.js';
import { alarmContextToJson } from './alarm-context.js';
import { jsonNumber } from './data-record.js';

/** The detector took a lasting change as the new normal (spot.rebase_after). */
export interface BaselineChange {
  /** Level (drift) the detector judged against before, and after the change. */
  readonly old_level: number;
  readonly new_level: number;
}

export interface EpisodeRecord {
  readonly series: string;
  readonly stat: string;
  /** Direction of the peak alarm. */
  readonly status: 'UP_ALERT' | 'DOWN_ALERT';
  /** Times (period ends, Unix ns) of the first and last alarmed periods. */
  readonly startNs: bigint;
  readonly endNs: bigint;
  /** Alarmed periods in the episode. */
  readonly periods: number;
  /** Value and probability of the peak: the alarm with the smallest probability. */
  readonly peakValue: number;
  readonly minProbability: number;
  /** Context of the peak period (absent when analyzer.context_top is 0). */
  readonly context?: AlarmContext;
  /** Present when the episode ended because the detector took its level as the new normal. */
  readonly baseline?: BaselineChange;
}

/**
 * `{"stat","status","start","end","periods","peak_value","min_probability","context","baseline"}`:
 * context and baseline are null when absent; times exact (they exceed 2^53).
 */
export function episodeRecordToJson(e: EpisodeRecord): string {
  const baseline = e.baseline === undefined ? 'null' : `{"old_level":${jsonNumber(e.baseline.old_level)},"new_level":${jsonNumber(e.baseline.new_level)}}`;
  return (
    `{"stat":"${e.stat}","status":"${e.status}","start":${e.startNs},"end":${e.endNs},"periods":${e.periods},` +
    `"peak_value":${jsonNumber(e.peakValue)},"min_probability":${jsonNumber(e.minProbability)},` +
    `"context":${e.context === undefined ? 'null' : alarmContextToJson(e.context)},"baseline":${baseline}}`
  );
}
