/**
 * The packet front end's per-period half: owns the counters the loaded statistics need, and
 * at the end of each period turns counter values into the statistics' values, the named
 * values the back end (backend/) judges. Everything here runs once per period, not per packet.
 */
import { counterDef, FanOutTable, SumTable, type Counter, type FanOutKind, type PeriodInfo, type SumRule } from '../counters/index.js';
import { NON_NEGATIVE, statDef, type StatDef } from '../stats/index.js';
import type { Config } from '../config/schema.js';
import type { NamedValue } from '../backend/named-value.js';
import type { AlarmContext, TopFanOut } from '../records/alarm-context.js';
import { UsageError } from '../util/errors.js';
import type { PacketSummary } from '../decode/packet-summary.js';
import { TopTalkers } from '../context/top-talkers.js';
import { mergeTalkers, type TalkerSummary } from '../context/talker-summary.js';
import { COUNTER_STATE_VERSION, type PeriodCountersState } from '../counters/counter-state.js';

export type { PeriodResult } from '../backend/backend.js';

/** The statistic each kind of fan-out table serves. */
const FANOUT_STAT: Record<FanOutKind, string> = { tcpPorts: 'TCP_PORT_FANOUT', udpPorts: 'UDP_PORT_FANOUT', addresses: 'ADDR_FANOUT' };

/** What packet counters are read with (they do not look at it). */
const NO_PERIOD: PeriodInfo = { sourceSeconds: 0, partial: false, realSeconds: 0, dropped: 0, received: 0 };

export interface AnalyzerOptions {
  /** Counters to compute even if no loaded statistic needs them. */
  counters?: readonly string[];
  /** Keep each period's counter state (`lastState`) for exporter.nats. */
  keepState?: boolean;
  /**
   * False in a counting worker: it counts the top talkers of whole periods itself
   * (job-counter.ts), and those of parts of periods are the main thread's (they cannot be
   * merged exactly).
   */
  countTalkers?: boolean;
}

/** One period measured: the statistics' values and the counters they came from. */
export interface PeriodMeasure {
  readonly values: NamedValue[];
  readonly counters: Record<string, number>;
  /**
   * Who was behind the period (top sources, destinations, ports), read only when the back end
   * has an alarm to attach it to; valid until the next period closes. Absent when
   * analyzer.context_top is 0.
   */
  readonly context?: () => AlarmContext;
}

export class Analyzer {
  /** Counters incremented per packet (those with `process`), in a plain array for the hot loop. */
  readonly packetCounters: Counter[] = [];
  private readonly counters: Array<{ name: string; counter: Counter }> = [];
  private readonly stats: StatDef[] = [];
  private sumTable: SumTable | undefined;
  /**
   * Top talkers, counted per packet (null when analyzer.context_top is 0). Two of them: while
   * one counts the new period, the other keeps the closed period's lists for the back end,
   * so closing a period costs a reset, never a copy of the lists.
   */
  private talkers: TopTalkers | null = null;
  private closedTalkers: TopTalkers | null = null;
  private talkersSlot = -1;
  /** The fan-out sources and top talkers of a whole period counted elsewhere (adoptPacketValues). */
  private adoptedFanOut: TopFanOut[] | undefined;
  private adoptedTalkers: TalkerSummary | undefined;
  /** The closed period's sources behind the fan-out statistics, for its context. */
  private closedFanOut: TopFanOut[] = [];
  /** Top-talker lists of the period counted elsewhere (live capture threads), merged at its end. */
  private addedTalkers: TalkerSummary[] = [];
  private closedAdded: TalkerSummary[] = [];
  /** analyzer.context_top: when above 0, alarms carry a context (top talkers, fan-out sources). */
  private readonly contextTop: number;
  private readonly readContext = (): AlarmContext => {
    const talkers = this.closedAdded.length > 0 ? mergeTalkers(this.closedAdded, this.contextTop) : this.closedTalkers!.context();
    return this.closedFanOut.length === 0 ? talkers : { ...talkers, top_fanout: this.closedFanOut };
  };
  /** The packet counters again, with the counter names each serves: what a period state lists. */
  private readonly stateful: Array<{ names: string[]; counter: Counter }> = [];
  private readonly keepState: boolean;
  /** With `keepState`: the counter state of the period that last ended (before the counters were reset). */
  lastState: PeriodCountersState | undefined;
  /** With `keepState`: what the pipeline said of that period (times, capture drops). */
  lastPeriod: PeriodInfo | undefined;
  /** With `keepState` and an alarm context: that period's whole top-talker lists, to merge elsewhere. */
  lastTalkers: TalkerSummary | undefined;
  private readonly counterByName = new Map<string, Counter>();
  /** Packet counter values of a whole period counted elsewhere (adoptPacketValues), for the next endPeriod. */
  private adopted: Float64Array | undefined;
  private mergedSinceEnd = false;
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
      if (counter.process !== undefined) {
        this.packetCounters.push(counter);
        this.stateful.push({ names: [name], counter });
      }
    }
    if (sums.length > 0) {
      const table = new SumTable(sums.map((s) => s.rule));
      sums.forEach((s, j) => this.counters.push({ name: s.name, counter: table.slot(j) }));
      this.sumTable = table;
      this.packetCounters.unshift(table);
      this.stateful.unshift({ names: sums.map((s) => s.name), counter: table });
    }
    if (fanOuts.length > 0) {
      const table = new FanOutTable(fanOuts.map((f) => f.kind));
      for (const f of fanOuts) {
        this.counters.push({ name: f.name, counter: table.view(f.kind) });
        // Each kind's contacts are its state: merged by replaying them into the one table.
        this.stateful.push({ names: [f.name], counter: table.kindState(f.kind) });
      }
      this.fanOut = table;
    }
    const top = cfg.analyzer.context_top;
    this.contextTop = top;
    if (top > 0 && options.countTalkers !== false) {
      this.talkers = new TopTalkers(top);
      this.closedTalkers = new TopTalkers(top);
      this.talkersSlot = this.packetCounters.push(this.talkers) - 1;
    }
    this.indexCounters();
  }

  /**
   * The packet counters' counts of the period so far, as plain data (counters/counter-state.ts):
   * what a worker thread or a sensor hands over. Per period: allocates.
   */
  periodState(): PeriodCountersState {
    return {
      version: COUNTER_STATE_VERSION,
      entries: this.stateful.map(({ names, counter }) => ({ names, state: counter.state!() })),
    };
  }

  /** Names of the packet counters, in the order of `packetValues`. */
  packetCounterNames(): string[] {
    return this.stateful.flatMap((e) => e.names);
  }

  /**
   * The packet counters' values (in `packetCounterNames` order): what a worker hands over for
   * a segment that is a whole period, cheaper than its state. Packet counters do not read the
   * period information.
   */
  packetValues(): Float64Array {
    const names = this.packetCounterNames();
    const out = new Float64Array(names.length);
    names.forEach((name, i) => (out[i] = this.counterByName.get(name)!.value(NO_PERIOD)));
    return out;
  }

  /**
   * The next `endPeriod` reads these packet counter values (`packetValues` of an analyzer
   * that counted the whole period) instead of its own counters, which must be untouched.
   */
  adoptPacketValues(values: Float64Array, fanOutTop?: TopFanOut[], talkers?: TalkerSummary): void {
    if (this.mergedSinceEnd || this.adopted !== undefined) throw new Error('analyzer: whole-period values adopted over counts of the same period');
    if (values.length !== this.packetCounterNames().length) throw new TypeError(`analyzer: ${values.length} packet counter values, expected ${this.packetCounterNames().length}`);
    this.adopted = values;
    this.adoptedFanOut = fanOutTop;
    // One whole period's lists: "merged" alone, they give that period's context unchanged.
    if (talkers !== undefined && this.talkers !== null) {
      this.adoptedTalkers = talkers;
      this.addedTalkers.push(talkers);
    }
  }

  /**
   * The sources behind the loaded fan-out statistics in the period so far, when alarms carry
   * a context: what a counting worker sends with a whole period's values.
   */
  fanOutTop(): TopFanOut[] | undefined {
    return this.contextTop > 0 && this.fanOut !== undefined ? this.fanOutCulprits(this.fanOut) : undefined;
  }

  /**
   * Top-talker lists of part of the current period counted elsewhere (a live capture thread):
   * the period's context merges them (context/talker-summary.ts), within their error bounds.
   */
  addTalkers(t: TalkerSummary): void {
    this.addedTalkers.push(t);
  }

  /** The top talkers counting the current period (null without context, or in a worker). */
  get countingTalkers(): TopTalkers | null {
    return this.talkers;
  }

  /** Starts a new period for the packet counters alone (after `periodState`, in a worker). */
  resetPacketCounters(): void {
    for (const c of this.packetCounters) c.reset();
    this.fanOut?.reset();
  }

  /**
   * Adds a period state of an analyzer built from the same statistics and counters; merging
   * the states of consecutive parts of a period in order gives the counts of the whole period.
   */
  mergePeriodState(state: PeriodCountersState): void {
    if (state.version !== COUNTER_STATE_VERSION) {
      throw new TypeError(`counter state version ${String(state.version)} (expected ${COUNTER_STATE_VERSION})`);
    }
    const mine = this.stateful;
    const same =
      state.entries.length === mine.length && state.entries.every((e, i) => e.names.join(',') === mine[i].names.join(','));
    if (!same) {
      const list = (names: ReadonlyArray<{ names: readonly string[] }>) => names.map((e) => e.names.join('+')).join(', ');
      throw new TypeError(`counter state for counters ${list(state.entries)} does not match this analyzer's ${list(mine)}`);
    }
    state.entries.forEach((e, i) => mine[i].counter.merge!(e.state));
    this.mergedSinceEnd = true;
  }

  /** Counters by name (filled once the constructor has listed them). */
  private indexCounters(): void {
    for (const { name, counter } of this.counters) this.counterByName.set(name, counter);
  }

  /**
   * Packet counters that cannot hand out a period state (counters/counter-state.ts), by class
   * name: while there are any, the packets cannot be counted in worker threads.
   */
  statelessPacketCounters(): string[] {
    // The top talkers are not merged as state: for files the main thread counts them in packet
    // order (Pipeline.merge), live threads hand over their lists (addTalkers).
    return this.packetCounters.filter((c) => c !== this.talkers && (c.state === undefined || c.merge === undefined)).map((c) => c.constructor.name);
  }

  /** The sources behind the loaded fan-out statistics this period (before the table resets). */
  private fanOutCulprits(table: FanOutTable): TopFanOut[] {
    const out: TopFanOut[] = [];
    for (const t of table.topSources()) {
      const stat = FANOUT_STAT[t.kind];
      if (this.stats.some((d) => d.name === stat)) out.push({ stat, addr: t.addr, targets: t.targets });
    }
    return out;
  }

  /**
   * Counts one decoded packet: every packet counter, then the fan-out table. The pipeline and
   * the count worker inline this loop (no call per packet); tests and benchmarks use this.
   */
  countPacket(summary: PacketSummary): void {
    for (const c of this.packetCounters) c.process!(summary);
    this.fanOut?.process(summary);
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
    if (this.keepState) {
      this.lastState = this.periodState();
      this.lastPeriod = period;
    }
    const counters: Record<string, number> = {};
    let approximate: Set<string> | undefined;
    for (const { name, counter } of this.counters) {
      counters[name] = counter.value(period);
      if (counter.approximate?.() === true) (approximate ??= new Set()).add(name);
      counter.reset();
    }
    if (this.adopted !== undefined) {
      const values = this.adopted;
      this.packetCounterNames().forEach((name, i) => (counters[name] = values[i]));
      this.adopted = undefined;
    }
    this.sumTable?.reset();
    if (this.adoptedFanOut !== undefined) this.closedFanOut = this.adoptedFanOut;
    else if (this.fanOut !== undefined && this.contextTop > 0) this.closedFanOut = this.fanOutCulprits(this.fanOut);
    this.adoptedFanOut = undefined;
    this.fanOut?.reset();
    if (approximate !== undefined) {
      const tally = this.approximate;
      tally.periods++;
      for (const def of this.stats) {
        if (def.requires.some((c) => approximate.has(c))) tally.byStat[def.name] = (tally.byStat[def.name] ?? 0) + 1;
      }
    }
    this.mergedSinceEnd = false;
    const values = statValues(this.stats, counters);
    const closed = this.talkers;
    if (closed === null) return { values, counters };
    if (this.keepState) this.lastTalkers = this.adoptedTalkers ?? closed.summary();
    this.adoptedTalkers = undefined;
    this.closedAdded = this.addedTalkers;
    this.addedTalkers = [];
    // The closed period's lists stay readable; the spare, emptied, counts the next period.
    const next = this.closedTalkers!;
    next.reset();
    this.packetCounters[this.talkersSlot] = next;
    this.talkers = next;
    this.closedTalkers = closed;
    return { values, counters, context: this.readContext };
  }
}

/** The statistics' values from a period's counter values. */
export function statValues(stats: readonly StatDef[], counters: Readonly<Record<string, number>>): NamedValue[] {
  const values: NamedValue[] = [];
  for (const def of stats) {
    const value = def.compute(counters);
    values.push({ name: def.name, value: value !== null && Number.isFinite(value) ? value : null, judged: def.judged !== false, range: def.range ?? NON_NEGATIVE });
  }
  return values;
}
