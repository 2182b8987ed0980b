/**
 * The analyzer: owns the counters the loaded statistics need, and at the end of each period
 * turns counter values into statistics, lets each statistic's detector judge its value, and
 * builds the period's records. Everything here runs once per period, not per packet.
 */
import { counterDef, SumTable, type Counter, type PeriodInfo, type SumRule } from '../counters/index.js';
import { statDef, type StatDef } from '../stats/index.js';
import type { Config, SpotParams } from '../config/schema.js';
import { NOT_JUDGED, type AlarmRecord, type DataRecord, type StatOutcome } from '../records/index.js';
import { UsageError } from '../util/errors.js';
import { createStatDetector, detectorParams, FIT_ERROR, type StatDetector } from './stat-detector.js';
import { loadState, STATE_FORMAT, STATE_VERSION, StateWriter } from './state-file.js';

interface WatchedStat {
  readonly def: StatDef;
  /** null: the statistic is never judged (`judged: false`). Replaced once by restoreState(). */
  detector: StatDetector | null;
  /** A FIT_ERROR was already reported for it (once per run). */
  fitErrorReported: boolean;
}

export interface AnalyzerOptions {
  /** Counters to compute even if no loaded statistic needs them. */
  counters?: readonly string[];
  /** Non-fatal problems of the analysis (a detector that cannot judge), once each. */
  onWarning?: (message: string) => void;
}

export interface PeriodResult {
  readonly record: DataRecord;
  readonly alarms: readonly AlarmRecord[];
}

export class Analyzer {
  /** Counters incremented per packet (those with `process`), in a plain array for the hot loop. */
  readonly packetCounters: Counter[] = [];
  private readonly counters: Array<{ name: string; counter: Counter }> = [];
  private readonly stats: WatchedStat[] = [];
  private sumTable: SumTable | undefined;

  private readonly onWarning: (message: string) => void;
  /** analyzer.state_file: where the detectors are saved, and when. */
  private readonly state: { writer: StateWriter; every: number; period: string; sinceSave: number } | undefined;
  /** Periods judged by the detectors, those of the runs they were restored from included. */
  private judgedPeriods = 0;
  /** True when the detectors came from analyzer.state_file. */
  restored = false;
  /** SPOT parameters of every judged statistic. */
  private readonly params: ReadonlyMap<string, SpotParams>;

  constructor(cfg: Config, readonly series: string, options: AnalyzerOptions = {}) {
    this.onWarning = options.onWarning ?? (() => {});
    if (cfg.analyzer.stats.length === 0) throw new UsageError('no statistic loaded (analyzer.stats is empty; -s STAT adds one)');
    const defs: StatDef[] = [];
    const params = new Map<string, SpotParams>();
    for (const name of cfg.analyzer.stats) {
      const def = statDef(name);
      if (def === undefined) throw new UsageError(`unknown statistic "${name}"`);
      defs.push(def);
      if (def.judged !== false) params.set(name, detectorParams(cfg, name));
    }
    const stateFile = cfg.analyzer.state_file ?? '';
    this.params = params;
    if (stateFile !== '') {
      this.state = { writer: new StateWriter(stateFile, this.onWarning), every: cfg.analyzer.state_every ?? 60, period: cfg.analyzer.period, sinceSave: 0 };
    }
    const needed = new Set<string>();
    for (const def of defs) {
      for (const c of def.requires) needed.add(c);
      const p = params.get(def.name);
      const detector = p === undefined ? null : createStatDetector(p);
      this.stats.push({ def, detector, fitErrorReported: false });
    }
    for (const name of options.counters ?? []) needed.add(name);
    // Declared sums share one table evaluated once per packet; the others are objects.
    const sums: Array<{ name: string; rule: SumRule }> = [];
    for (const name of needed) {
      const def = counterDef(name);
      if (def === undefined) throw new UsageError(`unknown counter "${name}"`);
      if ('sum' in def) {
        sums.push({ name, rule: def.sum });
        continue;
      }
      const counter = def.create();
      this.counters.push({ name, counter });
      if (counter.process !== undefined) this.packetCounters.push(counter);
    }
    if (sums.length > 0) {
      const table = new SumTable(sums.map((s) => s.rule));
      sums.forEach((s, j) => this.counters.push({ name: s.name, counter: table.slot(j) }));
      this.sumTable = table;
      this.packetCounters.unshift(table);
    }
  }

  /** Names of the computed counters. */
  counterNames(): string[] {
    return this.counters.map((c) => c.name);
  }

  /**
   * Closes a period: reads and resets the counters, steps every detector, builds records.
   * A partial period (the input ended inside it) is recorded but judged by no detector.
   */
  endPeriod(timeNs: bigint, period: PeriodInfo): PeriodResult {
    const values: Record<string, number> = {};
    for (const { name, counter } of this.counters) {
      values[name] = counter.value(period);
      counter.reset();
    }
    this.sumTable?.reset();
    const outcomes: StatOutcome[] = [];
    const alarms: AlarmRecord[] = [];
    for (const stat of this.stats) {
      const { def, detector } = stat;
      const value = def.compute(values);
      const v = value === null || !Number.isFinite(value) ? NaN : value;
      const shown = value !== null && Number.isFinite(value) ? value : null;
      if (detector === null || period.partial) {
        outcomes.push({ name: def.name, value: shown, up: NaN, down: NaN, status: NOT_JUDGED });
        continue;
      }
      const j = detector.judge(v);
      outcomes.push({ name: def.name, value: shown, up: j.up, down: j.down, status: j.status });
      if (j.status === FIT_ERROR && !stat.fitErrorReported) {
        stat.fitErrorReported = true;
        this.onWarning(
          `${def.name}: the SPOT fit left the ${detector.unfittedTails()} anomaly threshold NaN (too few distinct ` +
            `values beyond the excess threshold in the calibration periods, e.g. a constant series); ` +
            `${def.name} is not judged on that tail (status ${FIT_ERROR}) until the stream brings such values`,
        );
      }
      if (j.alarm !== 0) {
        alarms.push({
          timeNs, series: this.series, stat: def.name, value: v,
          status: j.alarm === 1 ? 'UP_ALERT' : 'DOWN_ALERT', code: j.alarm,
          probability: j.probability, threshold: j.alarm === 1 ? j.up : j.down,
        });
      }
    }
    if (!period.partial) {
      this.judgedPeriods++;
      const state = this.state;
      if (state !== undefined && ++state.sinceSave >= state.every) this.saveState();
    }
    return { record: { timeNs, series: this.series, stats: outcomes, counters: values, partial: period.partial }, alarms };
  }

  /**
   * Replaces the fresh detectors by those of analyzer.state_file when it matches (else a
   * warning); call it once, before the first period (Session.open does).
   */
  async restoreState(): Promise<void> {
    const state = this.state;
    if (state === undefined) return;
    const saved = await loadState({ file: state.writer.file, period: state.period, params: this.params }, this.onWarning);
    if (saved === undefined) return;
    for (const stat of this.stats) {
      const spot = saved.detectors.get(stat.def.name);
      if (spot !== undefined) stat.detector = createStatDetector(this.params.get(stat.def.name)!, spot);
    }
    this.restored = true;
    this.judgedPeriods = saved.periods;
  }

  /** Saves the detectors a last time (analyzer.state_file) and waits until they are on disk. */
  async close(): Promise<void> {
    if (this.state === undefined) return;
    this.saveState();
    await this.state.writer.flush();
  }

  /** Snapshots every detector now (consistent with the period just judged); written in the background. */
  private saveState(): void {
    const state = this.state;
    if (state === undefined) return;
    state.sinceSave = 0;
    const detectors: Record<string, ReturnType<StatDetector['spot']['snapshot']>> = {};
    for (const { def, detector } of this.stats) if (detector !== null) detectors[def.name] = detector.spot.snapshot();
    state.writer.save({ format: STATE_FORMAT, version: STATE_VERSION, period: state.period, periods: this.judgedPeriods, detectors });
  }
}
