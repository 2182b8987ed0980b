/**
 * The packet front end's per-period half: owns the counters the loaded statistics need, and
 * at the end of each period turns counter values into the statistics' values, the named
 * values the back end (backend/) judges. Everything here runs once per period, not per packet.
 */
import { counterDef, SumTable, type Counter, type PeriodInfo, type SumRule } from '../counters/index.js';
import { statDef, type StatDef } from '../stats/index.js';
import type { Config } from '../config/schema.js';
import type { NamedValue } from '../backend/named-value.js';
import { UsageError } from '../util/errors.js';
import { counterState, type CounterState } from '../scale-out/counter-state.js';

export type { PeriodResult } from '../backend/backend.js';

export interface AnalyzerOptions {
  /** Counters to compute even if no loaded statistic needs them. */
  counters?: readonly string[];
  /** Keep each period's mergeable counter states (`lastState`) for exporter.nats. */
  keepState?: boolean;
}

/** One period measured: the statistics' values and the counters they came from. */
export interface PeriodMeasure {
  readonly values: NamedValue[];
  readonly counters: Record<string, number>;
}

export class Analyzer {
  /** Counters incremented per packet (those with `process`), in a plain array for the hot loop. */
  readonly packetCounters: Counter[] = [];
  private readonly counters: Array<{ name: string; counter: Counter }> = [];
  private readonly stats: StatDef[] = [];
  private sumTable: SumTable | undefined;
  private readonly keepState: boolean;
  /** With `keepState`: the mergeable states of the counters of the period that last ended. */
  lastState: Record<string, CounterState> = {};

  constructor(cfg: Config, readonly series: string, options: AnalyzerOptions = {}) {
    this.keepState = options.keepState === true;
    if (cfg.analyzer.stats.length === 0) throw new UsageError('no statistic loaded (analyzer.stats is empty; -s STAT adds one)');
    const needed = new Set<string>();
    for (const name of cfg.analyzer.stats) {
      const def = statDef(name);
      if (def === undefined) throw new UsageError(`unknown statistic "${name}"`);
      for (const c of def.requires) needed.add(c);
      this.stats.push(def);
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

  /** Names of the statistics a detector judges (PERF is only recorded). */
  judgedStats(): string[] {
    return this.stats.filter((d) => d.judged !== false).map((d) => d.name);
  }

  /** Closes a period: reads and resets the counters, computes every statistic. */
  endPeriod(period: PeriodInfo): PeriodMeasure {
    const counters: Record<string, number> = {};
    const state: Record<string, CounterState> = {};
    for (const { name, counter } of this.counters) {
      counters[name] = counter.value(period);
      if (this.keepState) {
        const s = counterState(name, counter, counters[name]);
        if (s !== undefined) state[name] = s;
      }
      counter.reset();
    }
    this.sumTable?.reset();
    if (this.keepState) this.lastState = state;
    return { values: statValues(this.stats, counters), counters };
  }
}

/** The statistics' values from a period's counter values (the packet front end's and the aggregator's). */
export function statValues(stats: readonly StatDef[], counters: Readonly<Record<string, number>>): NamedValue[] {
  const values: NamedValue[] = [];
  for (const def of stats) {
    const value = def.compute(counters);
    values.push({ name: def.name, value: value !== null && Number.isFinite(value) ? value : null, judged: def.judged !== false });
  }
  return values;
}
