/**
 * The back end, shared by every front end: it judges named values with one SPOT detector
 * per name (with its rebase policy, spot.rebase_after), builds the period's data and alarm
 * records, folds the alarms into episodes, hands them all to the exporters (the server's
 * live feed is one of them) and keeps the run's tallies. Front ends (packets, Zeek logs) only
 * decide what the values are, when a period ends, and what context an alarm carries.
 */
import type { Config } from '../config/schema.js';
import type { DetectorParams } from '../analyzer/stat-detector.js';
import type { Exporter } from '../exporters/index.js';
import { NOT_JUDGED, type AlarmContext, type AlarmRecord, type BaselineChange, type DataRecord, type EpisodeRecord, type StatOutcome } from '../records/index.js';
import { FIT_ERROR } from '../analyzer/stat-detector.js';
import type { NamedValue } from './named-value.js';
import { WatchedFeature } from './watched-feature.js';
import { loadState, STATE_FORMAT, STATE_VERSION, StateWriter } from './state-file.js';
import type { DriftSpotSnapshot } from '../spot/index.js';
import { DEFAULT_EPISODE_GAP, EpisodeTracker } from './episode-tracker.js';

export interface PeriodResult {
  readonly record: DataRecord;
  readonly alarms: readonly AlarmRecord[];
  /** Episodes that ended with this period. */
  readonly episodes: readonly EpisodeRecord[];
}

export interface BackendStatus {
  periods: number;
  alarms: number;
  /** Alarms per statistic. */
  alarmsByStat: Record<string, number>;
}

export interface BackendOptions {
  /** The run's name in records (capture base name, interface, log name). */
  series: string;
  exporters: readonly Exporter[];
  /** Detector parameters of a name (`[spot]` merged with `[spot.NAME]`, or a profile). */
  params: (name: string) => DetectorParams;
  /** Every judged period, after the exporters had it. */
  onPeriod?: (result: PeriodResult) => void;
  /** Non-fatal problems of the judging (a detector that cannot judge), once per name. */
  onWarning?: (message: string) => void;
  /** analyzer.state_file: where the detectors are saved and restored from; absent: nowhere. */
  stateFile?: StateFileOptions;
  /** analyzer.episode_gap: periods without an alarm of a name that end its episode (default 3). */
  episodeGap?: number;
  /** Saved with the detectors: where the front end resumes after a restart (netspot aggregate's last period). */
  cursor?: () => string | undefined;
}

export interface StateFileOptions {
  file: string;
  /** Judged periods between two saves (analyzer.state_every). */
  every: number;
  /** The period length as configured, and its key (analyzer.period, zeek.period). */
  period: string;
  periodKey: string;
  /** Names may be first seen with their values (Zeek's stats.log): a file may hold more than watch() was given. */
  moreNames?: boolean;
}

export interface JudgeOptions {
  /** Raw values of the period for metrics and debugging (packet counters). */
  counters?: Readonly<Record<string, number>>;
  /** The input ended inside the period: it is recorded, judged by no detector. */
  partial?: boolean;
  /**
   * Who was behind the period (packets: top talkers), called at most once and only when the
   * period raised an alarm; absent (Zeek): alarms and episodes carry no context.
   */
  context?: () => AlarmContext;
}

/** analyzer.state_file and analyzer.state_every of a config, for a front end whose period is `period` (`periodKey`). */
export function stateFileOptions(cfg: Config, period: string, periodKey: string, moreNames = false): StateFileOptions | undefined {
  const file = cfg.analyzer.state_file ?? '';
  return file === '' ? undefined : { file, every: cfg.analyzer.state_every ?? 60, period, periodKey, moreNames };
}

export class Backend {
  private readonly watched = new Map<string, WatchedFeature>();
  private readonly fitErrorReported = new Set<string>();
  /** `NAME up` / `NAME down`: thresholds already reported as out of the name's reach. */
  private readonly unreachableReported = new Set<string>();
  readonly state: BackendStatus = { periods: 0, alarms: 0, alarmsByStat: {} };
  private readonly stateWriter: StateWriter | undefined;
  private periodsSinceSave = 0;
  /** Periods judged by the detectors, those of the runs they were restored from included. */
  private judgedPeriods = 0;
  /** True when the detectors came from analyzer.state_file. */
  restored = false;
  private readonly episodeGap: number;
  private readonly episodes: EpisodeTracker;
  /** The front end's cursor saved with the restored detectors. */
  restoredCursor: string | undefined;

  constructor(private readonly opts: BackendOptions) {
    this.episodeGap = opts.episodeGap ?? DEFAULT_EPISODE_GAP;
    this.episodes = new EpisodeTracker(this.episodeGap);
    const sf = opts.stateFile;
    if (sf !== undefined && sf.file !== '') this.stateWriter = new StateWriter(sf.file, opts.onWarning ?? (() => {}));
  }

  /** Creates the detectors of names known in advance, so that they are listed before any value. */
  watch(names: readonly string[]): void {
    for (const n of names) this.feature(n);
  }

  /**
   * Replaces the fresh detectors by those of analyzer.state_file when it matches (else a
   * warning); call it once, after watch() and before the first period (both sessions' open do).
   */
  async restoreState(): Promise<void> {
    const sf = this.opts.stateFile;
    if (this.stateWriter === undefined || sf === undefined) return;
    const saved = await loadState(
      { file: sf.file, period: sf.period, periodKey: sf.periodKey, names: this.names(), more: sf.moreNames === true, params: (n) => this.paramsOf(n) },
      this.opts.onWarning ?? (() => {}),
    );
    if (saved === undefined) return;
    for (const [name, spot] of saved.detectors) this.watched.set(name, new WatchedFeature(name, this.paramsOf(name), this.episodeGap, spot));
    this.restored = true;
    this.judgedPeriods = saved.periods;
    this.restoredCursor = saved.cursor;
  }

  /**
   * Saves the detectors now and waits until they are on disk (analyzer.state_file): the commit
   * point of a front end that acknowledges its input only once the judgement is durable.
   */
  async commit(): Promise<void> {
    if (this.stateWriter === undefined) return;
    this.saveState();
    await this.stateWriter.flush();
  }

  /**
   * End of the input (or stop): every episode still open ends, handed to the exporters (then
   * flushed). The sessions call it after the last period, before closing the exporters.
   */
  finish(): EpisodeRecord[] {
    const ended = this.episodes.finish();
    if (ended.length === 0) return ended;
    for (const e of this.opts.exporters) {
      if (e.episode === undefined) continue;
      for (const ep of ended) e.episode(ep);
      e.flush();
    }
    return ended;
  }

  /** Saves the detectors a last time (analyzer.state_file) and waits until they are on disk. */
  async close(): Promise<void> {
    if (this.stateWriter === undefined) return;
    this.saveState();
    await this.stateWriter.flush();
  }

  /** Snapshots every detector now (consistent with the period just judged); written in the background. */
  private saveState(): void {
    const sf = this.opts.stateFile;
    if (this.stateWriter === undefined || sf === undefined) return;
    this.periodsSinceSave = 0;
    const detectors: Record<string, DriftSpotSnapshot> = {};
    for (const [name, f] of this.watched) detectors[name] = f.detector.spot.snapshot();
    this.stateWriter.save({ format: STATE_FORMAT, version: STATE_VERSION, period: sf.period, periods: this.judgedPeriods, detectors, cursor: this.opts.cursor?.() });
  }

  private paramsOf(name: string): DetectorParams {
    return this.watched.get(name)?.params ?? this.opts.params(name);
  }

  /** Watched names, in the order they were first seen. */
  names(): string[] {
    return [...this.watched.keys()];
  }

  /** A watched name's detector and tallies (D-Bus Status, Config, Reset). */
  get(name: string): WatchedFeature | undefined {
    return this.watched.get(name);
  }

  private feature(name: string): WatchedFeature {
    let f = this.watched.get(name);
    if (f === undefined) {
      f = new WatchedFeature(name, this.opts.params(name), this.episodeGap);
      this.watched.set(name, f);
    }
    return f;
  }

  /**
   * A threshold beyond what the value can take (a share's upper threshold above 1, after a
   * calibration whose values sat at the maximum) silently disables that tail: say it once.
   */
  private checkReach(name: string, up: number, down: number, [min, max]: readonly [number, number]): void {
    const out = up > max ? { tail: 'up', side: 'upper', z: up, bound: `above ${max}, the largest value ${name} can take`, verb: 'upward' }
      : down < min ? { tail: 'down', side: 'lower', z: down, bound: `below ${min}, the smallest value ${name} can take`, verb: 'downward' }
      : undefined;
    if (out === undefined || this.unreachableReported.has(`${name} ${out.tail}`)) return;
    this.unreachableReported.add(`${name} ${out.tail}`);
    this.opts.onWarning?.(
      `${name}: ${out.side} threshold ${out.z.toPrecision(4)} is ${out.bound}: no ${out.verb} alarm while it stays there ` +
        `(its calibration values sat at that bound)`,
    );
  }

  /**
   * Judges one period's values (a name first seen gets its detector now), builds the records
   * and hands them to every exporter, then flushes them. A value with `judged: false`, and
   * every value of a partial period, is recorded as NOT_JUDGED.
   */
  judge(timeNs: bigint, values: readonly NamedValue[], opts: JudgeOptions = {}): PeriodResult {
    const { series } = this.opts;
    const partial = opts.partial === true;
    const outcomes: StatOutcome[] = [];
    const alarms: AlarmRecord[] = [];
    let baselines: Map<string, BaselineChange> | undefined;
    let context: AlarmContext | undefined;
    for (const { name, value, judged, range } of values) {
      const ok = value !== null && Number.isFinite(value);
      const shown = ok ? value : null;
      if (judged === false || partial) {
        outcomes.push({ name, value: shown, up: NaN, down: NaN, status: NOT_JUDGED });
        continue;
      }
      const f = this.feature(name);
      const v = ok ? value : NaN;
      const j = f.judge(v);
      outcomes.push({ name, value: shown, up: j.up, down: j.down, status: j.status });
      if (j.status === FIT_ERROR && !this.fitErrorReported.has(name)) {
        this.fitErrorReported.add(name);
        this.opts.onWarning?.(
          `${name}: the SPOT fit left the ${f.detector.unfittedTails()} anomaly threshold NaN (too few distinct ` +
            `values beyond the excess threshold in the calibration periods, e.g. a constant series); ` +
            `${name} is not judged on that tail (status ${FIT_ERROR}) until the stream brings such values`,
        );
      }
      if (range !== undefined) this.checkReach(name, j.up, j.down, range);
      if (j.alarm !== 0) {
        // The front end's context is read once, and only for a period that alarms.
        if (context === undefined && opts.context !== undefined) context = opts.context();
        alarms.push({
          timeNs, series, stat: name, value: v,
          status: j.alarm === 1 ? 'UP_ALERT' : 'DOWN_ALERT', code: j.alarm,
          probability: j.probability, threshold: j.alarm === 1 ? j.up : j.down,
          ...(context !== undefined ? { context } : {}),
        });
      }
      if (j.baseline !== undefined) (baselines ??= new Map()).set(name, j.baseline);
    }
    // A partial period is judged by no detector: it neither extends nor ages an episode.
    const episodes = partial ? [] : this.episodes.period(alarms, baselines);
    const result: PeriodResult = { record: { timeNs, series, stats: outcomes, counters: opts.counters ?? {}, partial }, alarms, episodes };
    for (const e of this.opts.exporters) {
      e.data(result.record);
      for (const a of alarms) e.alarm(a);
      if (e.episode !== undefined) for (const ep of episodes) e.episode(ep);
      e.flush();
    }
    this.state.periods++;
    if (!partial && this.stateWriter !== undefined) {
      this.judgedPeriods++;
      if (++this.periodsSinceSave >= (this.opts.stateFile?.every ?? 60)) this.saveState();
    }
    for (const a of alarms) {
      this.state.alarms++;
      this.state.alarmsByStat[a.stat] = (this.state.alarmsByStat[a.stat] ?? 0) + 1;
    }
    this.opts.onPeriod?.(result);
    return result;
  }
}
