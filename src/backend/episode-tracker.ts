/**
 * Folds per-period alarms into episodes, one per statistic: an episode starts with an alarm,
 * continues while alarms come with fewer than `gap` quiet periods between them, and ends
 * after `gap` periods without an alarm of its statistic, at the end of the input (`finish`),
 * or when the detector takes the episode's level as its new normal (a baseline change).
 * Pure per-period logic: no clock, no I/O.
 */
import type { AlarmRecord } from '../records/alarm-record.js';
import type { AlarmContext } from '../records/alarm-context.js';
import type { BaselineChange, EpisodeRecord } from '../records/episode-record.js';

/** What a period's alarm brings to an episode (an AlarmRecord, with its context if any). */
export type EpisodeAlarm = Pick<AlarmRecord, 'timeNs' | 'series' | 'stat' | 'status' | 'value' | 'probability'> & { readonly context?: AlarmContext };

interface OpenEpisode {
  series: string;
  stat: string;
  startNs: bigint;
  endNs: bigint;
  periods: number;
  peak: EpisodeAlarm;
  /** Periods since the last alarm. */
  quiet: number;
}

export const DEFAULT_EPISODE_GAP = 3;

export class EpisodeTracker {
  private readonly open = new Map<string, OpenEpisode>();

  constructor(readonly gap: number = DEFAULT_EPISODE_GAP) {
    if (!Number.isInteger(gap) || gap < 1) throw new RangeError(`episode gap must be a positive integer, got ${gap}`);
  }

  /** Statistics with an episode in progress. */
  get active(): string[] {
    return [...this.open.keys()];
  }

  /**
   * One closed period: its alarms (at most one per statistic) and the statistics whose
   * detector changed its baseline this period. Returns the episodes that ended.
   */
  period(alarms: readonly EpisodeAlarm[], baselines: ReadonlyMap<string, BaselineChange> = new Map()): EpisodeRecord[] {
    const ended: EpisodeRecord[] = [];
    const alarmed = new Set<string>();
    for (const a of alarms) {
      alarmed.add(a.stat);
      const e = this.open.get(a.stat);
      if (e === undefined) {
        this.open.set(a.stat, { series: a.series, stat: a.stat, startNs: a.timeNs, endNs: a.timeNs, periods: 1, peak: a, quiet: 0 });
        continue;
      }
      e.endNs = a.timeNs;
      e.periods++;
      e.quiet = 0;
      if (moreExtreme(a, e.peak)) e.peak = a;
    }
    for (const [stat, e] of this.open) {
      const change = baselines.get(stat);
      if (change !== undefined) {
        this.open.delete(stat);
        ended.push(record(e, change));
        continue;
      }
      if (alarmed.has(stat)) continue;
      if (++e.quiet >= this.gap) {
        this.open.delete(stat);
        ended.push(record(e));
      }
    }
    return ended;
  }

  /** End of the input: every open episode ends. */
  finish(): EpisodeRecord[] {
    const ended = [...this.open.values()].map((e) => record(e));
    this.open.clear();
    return ended;
  }
}

/** The smaller probability is the peak; on a tie, the value further out in its direction. */
function moreExtreme(a: EpisodeAlarm, b: EpisodeAlarm): boolean {
  if (a.probability !== b.probability) return a.probability < b.probability || !(b.probability === b.probability);
  return a.status === 'UP_ALERT' ? a.value > b.value : a.value < b.value;
}

function record(e: OpenEpisode, baseline?: BaselineChange): EpisodeRecord {
  const p = e.peak;
  return {
    series: e.series, stat: e.stat, status: p.status, startNs: e.startNs, endNs: e.endNs, periods: e.periods,
    peakValue: p.value, minProbability: p.probability,
    ...(p.context !== undefined ? { context: p.context } : {}),
    ...(baseline !== undefined ? { baseline } : {}),
  };
}
