/**
 * The packet front end's per-period half: owns the counters the loaded statistics need, and
 * at the end of each period turns counter values into the statistics' values, the named
 * values the back end (backend/) judges. Everything here runs once per period, not per packet.
 */
import { counterDef, FanOutTable, SumTable, type Counter, type FanOutKind, type PeriodInfo, type SumRule } from '../counters/index.js';
import { statDef, type StatDef } from '../stats/index.js';
import type { Config } from '../config/schema.js';
import type { NamedValue } from '../backend/named-value.js';
import { UsageError } from '../util/errors.js';

export type { PeriodResult } from '../backend/backend.js';

export interface AnalyzerOptions {
  /** Counters to compute even if no loaded statistic needs them. */
  counters?: readonly string[];
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
  /**
   * The fan-out counters' shared table, when a loaded statistic needs one: called by the
   * pipeline at a call site of its own (not in `packetCounters`), so the counters' call site
   * keeps seeing few classes.
   */
  readonly fanOut: FanOutTable | undefined;
  /**
   * Periods where a counter overflowed its bounded table (the fan-outs: the values read from it
   * are then lower bounds), over the run so far: how many, and how many per statistic.
   */
  readonly approximate = { periods: 0, byStat: {} as Record<string, number> };

  constructor(cfg: Config, readonly series: string, options: AnalyzerOptions = {}) {
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
    // So do the fan-outs (one source lookup per packet for all of them).
    const sums: Array<{ name: string; rule: SumRule }> = [];
    const fanOuts: Array<{ name: string; kind: FanOutKind }> = [];
    for (const name of needed) {
      const def = counterDef(name);
      if (def === undefined) throw new UsageError(`unknown counter "${name}"`);
      if ('sum' in def) {
        sums.push({ name, rule: def.sum });
        continue;
      }
      if ('fanOut' in def) {
        fanOuts.push({ name, kind: def.fanOut });
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
    if (fanOuts.length > 0) {
      const table = new FanOutTable(fanOuts.map((f) => f.kind));
      for (const f of fanOuts) this.counters.push({ name: f.name, counter: table.view(f.kind) });
      this.fanOut = table;
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
    let approximate: Set<string> | undefined;
    for (const { name, counter } of this.counters) {
      counters[name] = counter.value(period);
      if (counter.approximate?.() === true) (approximate ??= new Set()).add(name);
      counter.reset();
    }
    this.sumTable?.reset();
    this.fanOut?.reset();
    if (approximate !== undefined) {
      const tally = this.approximate;
      tally.periods++;
      for (const def of this.stats) {
        if (def.requires.some((c) => approximate.has(c))) tally.byStat[def.name] = (tally.byStat[def.name] ?? 0) + 1;
      }
    }
    const values: NamedValue[] = [];
    for (const def of this.stats) {
      const value = def.compute(counters);
      values.push({ name: def.name, value: value !== null && Number.isFinite(value) ? value : null, judged: def.judged !== false });
    }
    return { values, counters };
  }
}
