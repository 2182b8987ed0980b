/**
 * The back end, shared by every front end: it judges named values with one SPOT detector
 * per name, builds the period's data and alarm records, hands them to the exporters (the
 * server's live feed is one of them) and keeps the run's tallies. Front ends (packets,
 * Zeek logs) only decide what the values are and when a period ends.
 */
import type { SpotParams } from '../config/schema.js';
import type { Exporter } from '../exporters/index.js';
import type { AlarmRecord, DataRecord, StatOutcome } from '../records/index.js';
import type { NamedValue } from './named-value.js';
import { WatchedFeature } from './watched-feature.js';

export interface PeriodResult {
  readonly record: DataRecord;
  readonly alarms: readonly AlarmRecord[];
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
  params: (name: string) => SpotParams;
  /** Every judged period, after the exporters had it. */
  onPeriod?: (result: PeriodResult) => void;
}

export class Backend {
  private readonly watched = new Map<string, WatchedFeature>();
  readonly state: BackendStatus = { periods: 0, alarms: 0, alarmsByStat: {} };

  constructor(private readonly opts: BackendOptions) {}

  /** Creates the detectors of names known in advance, so that they are listed before any value. */
  watch(names: readonly string[]): void {
    for (const n of names) this.feature(n);
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
      f = new WatchedFeature(name, this.opts.params(name));
      this.watched.set(name, f);
    }
    return f;
  }

  /**
   * Judges one period's values (a name first seen gets its detector now), builds the records
   * and hands them to every exporter, then flushes them. `counters`: raw values for metrics.
   */
  judge(timeNs: bigint, values: readonly NamedValue[], counters: Readonly<Record<string, number>> = {}): PeriodResult {
    const { series } = this.opts;
    const outcomes: StatOutcome[] = [];
    const alarms: AlarmRecord[] = [];
    for (const { name, value } of values) {
      const f = this.feature(name);
      const ok = value !== null && Number.isFinite(value);
      const v = ok ? value : NaN;
      const j = f.judge(v);
      outcomes.push({ name, value: ok ? value : null, up: j.up, down: j.down, status: j.status });
      if (j.alarm !== 0) {
        alarms.push({
          timeNs, series, stat: name, value: v,
          status: j.alarm === 1 ? 'UP_ALERT' : 'DOWN_ALERT', code: j.alarm,
          probability: j.probability, threshold: j.alarm === 1 ? j.up : j.down,
        });
      }
    }
    const result: PeriodResult = { record: { timeNs, series, stats: outcomes, counters }, alarms };
    for (const e of this.opts.exporters) {
      e.data(result.record);
      for (const a of alarms) e.alarm(a);
      e.flush();
    }
    this.state.periods++;
    for (const a of alarms) {
      this.state.alarms++;
      this.state.alarmsByStat[a.stat] = (this.state.alarmsByStat[a.stat] ?? 0) + 1;
    }
    this.opts.onPeriod?.(result);
    return result;
  }
}
