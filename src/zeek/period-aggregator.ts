/**
 * Zeek records to one set of feature values per period. Periods are aligned on the epoch
 * ([k·p, (k+1)·p)) so that several logs and sensors line up; a record belongs to the period
 * of its `ts`. Zeek writes some logs out of `ts` order (conn.log: the line is written when
 * the connection ends), so a period stays open until the newest `ts` seen is `lateness`
 * past its end; a record for a period already closed is counted late and not used. Empty
 * periods are emitted too; the record time is the period's end in ns.
 */
import { createAccumulator, type FeatureAccumulator } from './feature-accumulator.js';
import type { FeatureExpr } from './feature-expr.js';
import type { ZeekInputStats } from './input-stats.js';
import type { ZeekRecord } from './zeek-record.js';
import type { NamedValue } from '../backend/named-value.js';

/** A jump in time longer than this many periods is skipped, not filled. */
export const MAX_EMPTY_PERIODS = 100_000;

/** `partial`: the input ended inside this period (end of the logs, stop): recorded, not judged. */
export type PeriodSink = (timeNs: bigint, values: NamedValue[], partial?: boolean) => void;

export class PeriodAggregator {
  private readonly periodUs: number;
  private readonly latenessUs: number;
  private readonly byLog = new Map<string, number[]>();
  private readonly open = new Map<number, FeatureAccumulator[]>();
  /** Lowest period index still open (NaN before the first record). */
  private next = NaN;
  private emitted = 0;
  private watermarkUs = -Infinity;

  constructor(
    private readonly features: readonly FeatureExpr[],
    private readonly periodNs: number,
    latenessNs: number,
    private readonly stats: ZeekInputStats,
    private readonly emit: PeriodSink,
    private readonly onWarning: (message: string) => void = () => {},
  ) {
    if (!(periodNs >= 1000) || periodNs % 1000 !== 0) throw new RangeError(`period must be a whole number of microseconds, got ${periodNs} ns`);
    this.periodUs = periodNs / 1000;
    this.latenessUs = Math.floor(latenessNs / 1000);
    features.forEach((f, i) => {
      const l = this.byLog.get(f.log) ?? [];
      l.push(i);
      this.byLog.set(f.log, l);
    });
  }

  /** Logs some feature reads. */
  logs(): string[] {
    return [...this.byLog.keys()];
  }

  add(r: ZeekRecord): void {
    const k = Math.floor(r.tsUs / this.periodUs);
    if (this.next !== this.next) this.next = k;
    if (k < this.next) {
      if (this.emitted > 0) {
        this.stats.lateRecords++;
        return;
      }
      this.next = k; // nothing emitted yet: the run simply starts earlier
    }
    const idx = this.byLog.get(r.path);
    if (idx !== undefined) {
      const accs = this.period(k);
      for (const i of idx) accs[i].add(r);
    }
    if (r.tsUs > this.watermarkUs) {
      this.watermarkUs = r.tsUs;
      this.closeUntil(Math.floor((this.watermarkUs - this.latenessUs) / this.periodUs));
    }
  }

  /**
   * End of input: every open period is emitted; the last one, which the input ended inside,
   * as partial (recorded, not judged), as for packets.
   */
  finish(): void {
    if (this.next !== this.next) return;
    const last = Math.max(this.next, ...this.open.keys());
    this.closeUntil(last);
    this.close(last, true);
  }

  private period(k: number): FeatureAccumulator[] {
    let a = this.open.get(k);
    if (a === undefined) {
      a = this.features.map(createAccumulator);
      this.open.set(k, a);
    }
    return a;
  }

  /** Emits periods with index < `end`. */
  private closeUntil(end: number): void {
    if (end - this.next > MAX_EMPTY_PERIODS) {
      for (const k of [...this.open.keys()].sort((a, b) => a - b)) if (k < end) this.close(k);
      const skipped = end - this.next;
      this.onWarning(`Zeek log time jumps ${((skipped * this.periodUs) / 1e6).toFixed(0)} s ahead: empty periods skipped (not emitted)`);
      this.next = end;
      return;
    }
    while (this.next < end) this.close(this.next);
  }

  private close(k: number, partial = false): void {
    const accs = this.period(k);
    this.open.delete(k);
    const values: NamedValue[] = this.features.map((f, i) => ({ name: f.name, value: accs[i].value() }));
    this.next = k + 1;
    this.emitted++;
    this.emit(BigInt(k + 1) * BigInt(this.periodNs), values, partial);
  }
}
