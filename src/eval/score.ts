/**
 * Scores a run against labelled attacks. A period is [end - p, end). An attack's window is
 * [start, max(end, start + grace·p)]: it is detected when an alarm (any statistic) falls in a
 * period overlapping that window; its delay is the number of periods from the one holding
 * the start to the first such alarm. The culprit is found when that first alarm's context
 * lists the attacker first among sources, or the target first among destinations. Alarms
 * whose period overlaps no window are false alarms.
 */
import type { AlarmContext } from '../records/alarm-context.js';
import type { AttackLabel } from './labels.js';

export interface ScoredAlarm {
  /** End of the alarm's period, Unix ns. */
  readonly timeNs: bigint;
  readonly stat: string;
  readonly context?: AlarmContext;
}

export interface AttackScore {
  readonly name: string;
  readonly start: number;
  readonly end: number;
  readonly detected: boolean;
  /** Periods from the one holding the start to the first alarm (null when not detected). */
  readonly delay_periods: number | null;
  /** Statistics that alarmed within the window. */
  readonly stats: string[];
  /** null when the label names neither attacker nor target, or nothing was detected, or alarms carry no context. */
  readonly culprit_in_context: boolean | null;
}

export interface EvalResult {
  readonly attacks: AttackScore[];
  readonly false_alarms: number;
  readonly false_alarms_per_hour: number;
  readonly periods: number;
  /** Length of the analysed capture, hours (periods × period length). */
  readonly hours: number;
}

export interface EvalInput {
  /** End of every period of the run, Unix ns, in order. */
  readonly periodEnds: readonly bigint[];
  readonly periodNs: number;
  readonly alarms: readonly ScoredAlarm[];
  readonly labels: readonly AttackLabel[];
  /** Minimum window length after the start, in periods. */
  readonly grace: number;
}

export function scoreRun(input: EvalInput): EvalResult {
  const p = input.periodNs / 1e9;
  const ends = input.periodEnds.map((t) => Number(t) / 1e9);
  const windows = input.labels.map((l) => [l.start, Math.max(l.end, l.start + input.grace * p)] as const);
  const overlaps = (endSec: number, w: readonly [number, number]): boolean => endSec > w[0] && endSec - p <= w[1];
  const alarms = [...input.alarms].sort((a, b) => (a.timeNs < b.timeNs ? -1 : a.timeNs > b.timeNs ? 1 : 0));

  const attacks = input.labels.map((l, i): AttackScore => {
    const w = windows[i];
    const hits = alarms.filter((a) => overlaps(Number(a.timeNs) / 1e9, w));
    const stats = [...new Set(hits.map((a) => a.stat))].sort();
    if (hits.length === 0) return { name: l.name, start: l.start, end: l.end, detected: false, delay_periods: null, stats, culprit_in_context: null };
    const first = hits[0];
    const firstEnd = Number(first.timeNs) / 1e9;
    const startPeriod = ends.findIndex((e) => e > l.start);
    const alarmPeriod = ends.findIndex((e) => Math.abs(e - firstEnd) < p / 2);
    const delay = startPeriod < 0 || alarmPeriod < 0 ? Math.max(0, Math.round((firstEnd - l.start) / p - 1)) : Math.max(0, alarmPeriod - startPeriod);
    // The context of the first alarmed period (every alarm of a period shares it).
    const ctx = hits.find((a) => a.timeNs === first.timeNs && a.context !== undefined)?.context;
    let culprit: boolean | null = null;
    if (ctx !== undefined && (l.attacker !== undefined || l.target !== undefined)) {
      // The first source by volume, or the source behind an alarmed fan-out statistic.
      const fanOutSources = (ctx.top_fanout ?? []).filter((f) => hits.some((a) => a.timeNs === first.timeNs && a.stat === f.stat)).map((f) => f.addr);
      culprit =
        (l.attacker !== undefined && (ctx.top_src[0]?.addr === l.attacker || fanOutSources.includes(l.attacker))) ||
        (l.target !== undefined && ctx.top_dst[0]?.addr === l.target);
    }
    return { name: l.name, start: l.start, end: l.end, detected: true, delay_periods: delay, stats, culprit_in_context: culprit };
  });

  const falseAlarms = alarms.filter((a) => !windows.some((w) => overlaps(Number(a.timeNs) / 1e9, w))).length;
  const hours = (input.periodEnds.length * p) / 3600;
  return {
    attacks,
    false_alarms: falseAlarms,
    false_alarms_per_hour: hours > 0 ? falseAlarms / hours : 0,
    periods: input.periodEnds.length,
    hours,
  };
}

/** The JSON form: `{"attacks":[...],"false_alarms_per_hour":...,"periods":...,...}`. */
export function evalResultToJson(r: EvalResult): string {
  return JSON.stringify({ attacks: r.attacks, false_alarms_per_hour: r.false_alarms_per_hour, periods: r.periods, false_alarms: r.false_alarms, hours: r.hours });
}

/** A table for people. */
export function evalResultTable(r: EvalResult): string {
  const rows = [['attack', 'start', 'end', 'detected', 'delay', 'statistics', 'culprit']];
  for (const a of r.attacks) {
    rows.push([
      a.name, String(a.start), String(a.end), a.detected ? 'yes' : 'no',
      a.delay_periods === null ? '-' : String(a.delay_periods),
      a.stats.length === 0 ? '-' : a.stats.join(' '),
      a.culprit_in_context === null ? '-' : a.culprit_in_context ? 'yes' : 'no',
    ]);
  }
  const widths = rows[0].map((_, j) => Math.max(...rows.map((row) => row[j].length)));
  const lines = rows.map((row) => row.map((c, j) => c.padEnd(widths[j])).join('  ').trimEnd());
  const detected = r.attacks.filter((a) => a.detected).length;
  lines.push('');
  lines.push(`${detected}/${r.attacks.length} attacks detected; ${r.false_alarms} false alarms in ${r.periods} periods (${r.hours.toFixed(3)} h): ${r.false_alarms_per_hour.toFixed(2)} per hour`);
  return lines.join('\n');
}
