/**
 * Measures a period from the snapshots of several sensors with the packet front end's own
 * Analyzer: their counter states are merged into it (Analyzer.mergePeriodState: sums add, sets
 * union, fan-out contacts replay), then `endPeriod` computes the statistics as for one capture.
 * A distinct set that any sensor sent as a sketch is counted by a sketch of the union instead
 * (the others' exact members hashed in): that value is an estimate.
 */
import type { Analyzer, PeriodMeasure } from '../analyzer/analyzer.js';
import { statValues } from '../analyzer/analyzer.js';
import type { StatDef } from '../stats/index.js';
import { COUNTER_STATE_VERSION, type CounterState } from '../counters/counter-state.js';
import { HyperLogLog } from '../zeek/hyperloglog.js';
import { addressMembers, emptyState, portMembers } from './wire-state.js';
import { mergeTalkers, type TalkerSummary } from '../context/talker-summary.js';
import type { AlarmContext } from '../records/alarm-context.js';
import type { CounterSnapshot } from './snapshot-message.js';

export interface MergedMeasure extends PeriodMeasure {
  /** Counters whose value is a sketch's estimate. */
  readonly estimated: string[];
}

/** The counter names of each entry an analyzer's state lists, to check a snapshot against. */
export function stateLayout(analyzer: Analyzer): string {
  return analyzer.periodState().entries.map((e) => e.names.join('+')).join(', ');
}

export function snapshotLayout(s: CounterSnapshot): string {
  return s.counters.map((e) => e.names.join('+')).join(', ');
}

/**
 * `contextTop`: analyzer.context_top of the aggregate; its alarm context merges the sensors'
 * top talkers (those that sent them) and names the fan-out sources of the merged table.
 */
export function measureMerged(
  analyzer: Analyzer, stats: readonly StatDef[], snapshots: readonly CounterSnapshot[], covered: bigint, partial: boolean, contextTop = 0,
): MergedMeasure {
  // Entries (by position) that some sensor sent as a sketch.
  const sketched = new Map<number, HyperLogLog>();
  for (const s of snapshots) s.counters.forEach((e, i) => e.kind === 'sketch' && !sketched.has(i) && sketched.set(i, new HyperLogLog()));
  let real = 0, dropped = 0, received = 0;
  for (const s of snapshots) {
    real += s.real;
    dropped += s.dropped;
    received += s.received;
    const entries = s.counters.map((e, i): { names: readonly string[]; state: CounterState } => {
      const union = sketched.get(i);
      if (union === undefined) return { names: e.names, state: (e as { state: CounterState }).state };
      if (e.kind === 'sketch') {
        union.merge(e.sketch);
        return { names: e.names, state: emptyState(e.of) };
      }
      const st = e.state;
      if (st.kind === 'addresses') for (const m of addressMembers(st)) union.add(m);
      else if (st.kind === 'ports') for (const m of portMembers(st)) union.add(m);
      return { names: e.names, state: emptyState(st.kind === 'addresses' ? 'addresses' : 'ports') };
    });
    analyzer.mergePeriodState({ version: COUNTER_STATE_VERSION, entries });
  }
  const measured = analyzer.endPeriod({ sourceSeconds: Number(covered) / 1e9, partial, realSeconds: real, dropped, received });
  const m = { ...measured, context: mergedContext(measured.context, snapshots, contextTop) };
  if (sketched.size === 0) return { ...m, estimated: [] };
  const estimated: string[] = [];
  const layout = snapshots[0].counters;
  for (const [i, union] of sketched) {
    for (const name of layout[i].names) {
      m.counters[name] = Math.round(union.estimate());
      estimated.push(name);
    }
  }
  return { values: statValues(stats, m.counters), counters: m.counters, context: m.context, estimated };
}

/** The sensors' top talkers merged, with the fan-out sources the analyzer named (read only for an alarm). */
function mergedContext(own: (() => AlarmContext) | undefined, snapshots: readonly CounterSnapshot[], top: number): (() => AlarmContext) | undefined {
  if (own === undefined || top <= 0) return undefined;
  const parts = snapshots.map((s) => s.talkers).filter((t): t is TalkerSummary => t !== undefined);
  return () => {
    const fanOut = own().top_fanout;
    return { ...mergeTalkers(parts, top), ...(fanOut === undefined ? {} : { top_fanout: fanOut }) };
  };
}
