/**
 * The Zeek front end: log files (read in time order, or followed like `tail -F`) to named
 * values for the back end, per epoch-aligned period (feature expressions) and per stats.log
 * record (bro-spotd mode).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { FeatureExpr } from './feature-expr.js';
import { FollowedFile } from './followed-file.js';
import { emptyInputStats, limitedBadLineReporter, type ZeekInputStats } from './input-stats.js';
import { ZeekLineError, ZeekLineParser, pathFromFileName } from './line-parser.js';
import { readLogFiles } from './log-files-reader.js';
import { PeriodAggregator, type PeriodSink } from './period-aggregator.js';
import { StatsObserver } from './stats-observer.js';
import type { ZeekRecord } from './zeek-record.js';

export interface ZeekFrontEndOptions {
  files: readonly string[];
  features: readonly FeatureExpr[];
  periodNs: number;
  latenessNs: number;
  /** bro-spotd mode on stats.log records; `statsWatch` limits it to some fields. */
  statsMode: boolean;
  statsWatch?: ReadonlySet<string>;
  /** Follow the files (tail -F) until stop(); poll interval in ms. */
  follow?: { pollMs: number };
  onWarning?: (message: string) => void;
  /** Feature values of each closed period. */
  onPeriod: PeriodSink;
  /** Values of each stats.log observation. */
  onObservation: PeriodSink;
}

export class ZeekFrontEnd {
  readonly stats: ZeekInputStats = emptyInputStats();
  private readonly aggregator: PeriodAggregator | null;
  private readonly observer: StatsObserver | null;
  private stopping = false;
  private wake: (() => void) | undefined;
  private readonly warn: (m: string) => void;

  constructor(private readonly opts: ZeekFrontEndOptions) {
    this.warn = opts.onWarning ?? (() => {});
    this.aggregator = opts.features.length > 0
      ? new PeriodAggregator(opts.features, opts.periodNs, opts.latenessNs, this.stats, opts.onPeriod, this.warn)
      : null;
    this.observer = opts.statsMode ? new StatsObserver(opts.onObservation, opts.statsWatch) : null;
  }

  private add(r: ZeekRecord): void {
    this.aggregator?.add(r);
    this.observer?.add(r);
  }

  /** Reads to the end (or, following, until stop()); then emits the periods still open. */
  async run(): Promise<ZeekInputStats> {
    const bad = limitedBadLineReporter(this.warn);
    const lateBefore = this.stats.lateRecords;
    try {
      if (this.opts.follow !== undefined) await this.follow(this.opts.follow.pollMs, bad);
      else for await (const r of readLogFiles(this.opts.files, this.stats, bad)) {
        this.add(r);
        if (this.stopping) break;
      }
    } finally {
      this.aggregator?.finish();
      bad.finish();
      const late = this.stats.lateRecords - lateBefore;
      if (late > 0) this.warn(`${late} records came later than zeek.lateness after their period closed: counted, not used`);
    }
    return this.stats;
  }

  stop(): void {
    this.stopping = true;
    this.wake?.();
  }

  private async follow(pollMs: number, bad: (file: string, lineNo: number, message: string) => void): Promise<void> {
    const followed = this.opts.files.map((file) => {
      const parser = new ZeekLineParser(pathFromFileName(file));
      const f: FollowedFile = new FollowedFile(file, (line, lineNo) => {
        this.stats.lines++;
        try {
          const r = parser.parse(line);
          if (r === null) return;
          this.stats.records++;
          this.add(r);
        } catch (err) {
          if (!(err instanceof ZeekLineError)) throw err;
          this.stats.badLines++;
          bad(file, lineNo, err.message);
        }
      });
      return f;
    });
    try {
      while (!this.stopping) {
        for (const f of followed) await f.poll();
        if (this.stopping) break;
        const ac = new AbortController();
        this.wake = () => ac.abort();
        await sleep(pollMs, undefined, { signal: ac.signal }).catch(() => {});
      }
      // A last look, so that lines written before the stop are not lost.
      for (const f of followed) await f.poll();
    } finally {
      for (const f of followed) await f.close();
    }
  }
}
