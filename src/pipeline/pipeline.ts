/**
 * The pipeline: packets from a source are decoded and counted; at each period boundary the
 * analyzer measures the period and the back end judges it and feeds the exporters.
 *
 * Files follow the capture's clock: periods are [t0 + k·p, t0 + (k+1)·p) with t0 the first
 * packet, every period is emitted (empty ones too) and the last, partial one at the end.
 * Live sources follow the wall clock: a timer closes each period, whether packets came or not.
 * The last period (end of file, stop) covers less than p: it is emitted over the time it
 * really covers (up to the last packet, or to the stop) and marked partial: never judged.
 *
 * The per-packet loop (`countBatch`) allocates nothing: it reads the batch's typed arrays,
 * fills one reused PacketSummary and calls the counters.
 */
import { performance } from 'node:perf_hooks';
import type { PacketBatch, PacketSource } from '../source/packet-batch.js';
import { PacketSummary } from '../decode/packet-summary.js';
import { decodePacket } from '../decode/packet-decoder.js';
import type { Counter, PeriodInfo } from '../counters/index.js';
import type { Analyzer } from '../analyzer/analyzer.js';
import type { Backend } from '../backend/backend.js';

/** A jump in capture time longer than this many periods is skipped, not filled. */
export const MAX_EMPTY_PERIODS = 100_000;

/**
 * Closing periods is the one unbounded piece of work inside a batch (a gap in capture time
 * means one empty period per period length). The loop hands the event loop back after this
 * many periods, or after SLICE_MS of closing them, then resumes at the same packet: the API
 * answers and `stop()` takes effect within one slice.
 */
export const PERIODS_PER_SLICE = 4096;
export const SLICE_MS = 15;
/** How often (in closed periods) the slice's clock is read. */
const CLOCK_EVERY = 32;
/** setTimeout's largest delay (a longer one fires at once, with a warning). */
const MAX_TIMER_MS = 2 ** 31 - 1;

export interface PipelineOptions {
  source: PacketSource;
  analyzer: Analyzer;
  /** Judges the statistics, builds the records, feeds the exporters. */
  backend: Backend;
  /** Period length, nanoseconds. */
  periodNs: number;
  /** Live sources: stop after this long without a packet, nanoseconds (0 = never). */
  idleTimeoutNs?: number;
  /** Non-fatal problems (time jumps, drops) as they happen. */
  onWarning?: (message: string) => void;
  /** Periods closed before yielding to the event loop (default PERIODS_PER_SLICE; tests force it small). */
  periodsPerSlice?: number;
}

export interface PipelineStatus {
  running: boolean;
  packets: number;
  periods: number;
  alarms: number;
  /** Alarms per statistic. */
  alarmsByStat: Record<string, number>;
  malformed: number;
  dropped: number;
}

export class Pipeline {
  private readonly summary = new PacketSummary();
  private readonly counters: Counter[];
  private readonly periodNs: number;

  // Period grid: times are nanoseconds relative to (t0Sec, t0Nsec), exact in a double.
  private started = false;
  private t0Sec = 0;
  private t0Nsec = 0;
  private periodEnd = 0;
  // Files: capture time of the latest packet (ns since t0), where the last period ends.
  private lastRel = 0;
  // Live: performance.now() at t0, where the last period's stop is measured from.
  private wallOriginMs = 0;
  // Wall-clock time spent counting the current period (REAL_TIME); markMs is when the
  // batch being counted started, or last closed a period.
  private busyMs = 0;
  private markMs = NaN;
  private lastDropped = 0;
  private lastReceived = 0;
  private stopping = false;
  private timer: NodeJS.Timeout | undefined;
  private wakeStop: (() => void) | undefined;
  // Live: wall-clock time (performance.now() ms) of the last batch, for the idle timeout.
  private lastPacketMs = 0;
  // The current slice of period closing: how many closed, and when it began (performance.now()).
  private readonly periodsPerSlice: number;
  private sliceClosed = 0;
  private sliceStartMs = 0;

  // The packet front end's own counts; periods and alarms are the back end's.
  private readonly own = { running: false, packets: 0, malformed: 0, dropped: 0 };

  /** The run so far (a fresh object; alarmsByStat is the back end's live table). */
  get state(): PipelineStatus {
    const b = this.opts.backend.state;
    return { ...this.own, periods: b.periods, alarms: b.alarms, alarmsByStat: b.alarmsByStat };
  }

  constructor(private readonly opts: PipelineOptions) {
    this.counters = opts.analyzer.packetCounters;
    this.periodNs = opts.periodNs;
    this.periodsPerSlice = Math.max(1, opts.periodsPerSlice ?? PERIODS_PER_SLICE);
  }

  /** Runs until the source ends or `stop()`; emits the last period and flushes every exporter. */
  async run(): Promise<PipelineStatus> {
    const { source } = this.opts;
    this.own.running = true;
    try {
      if (source.live) this.startWallClock();
      const stopped = new Promise<null>((resolve) => (this.wakeStop = () => resolve(null)));
      const draining = source.stop !== undefined;
      for (;;) {
        if (this.stopping && !draining) break;
        const batch = await Promise.race([source.next(), stopped]);
        if (batch === null) break;
        this.markMs = performance.now();
        if (batch.count > 0) this.lastPacketMs = this.markMs;
        this.sliceClosed = 0;
        this.sliceStartMs = this.markMs;
        let next = this.countBatch(batch, 0);
        while (next < batch.count) {
          // Too many periods closed in one go: let the loop breathe, then go on at packet `next`.
          this.busyMs += performance.now() - this.markMs;
          this.markMs = NaN;
          await new Promise<void>((resolve) => setImmediate(resolve));
          if (this.stopping) break;
          this.markMs = performance.now();
          this.sliceClosed = 0;
          this.sliceStartMs = this.markMs;
          next = this.countBatch(batch, next);
        }
        if (this.markMs === this.markMs) this.busyMs += performance.now() - this.markMs;
        this.markMs = NaN;
      }
    } finally {
      if (this.timer !== undefined) clearTimeout(this.timer);
      // Whatever was counted is emitted, also after an error or a stop.
      if (this.started) this.closePeriod(true);
      this.own.running = false;
    }
    return this.state;
  }

  /**
   * Asks the run to end: a live source first hands over what it already captured; a file
   * stops after the current batch. The partial period is emitted either way.
   */
  stop(): void {
    const { source } = this.opts;
    if (source.stop !== undefined && !this.stopping) {
      this.stopping = true;
      source.stop();
      return;
    }
    this.stopping = true;
    this.wakeStop?.();
  }

  /**
   * The hot loop: counts packets `from`.. of the batch; returns where it stopped, `b.count`
   * when done, less when the slice's period budget ran out (call again from there).
   */
  private countBatch(b: PacketBatch, from: number): number {
    const n = b.count;
    if (n === 0) return 0;
    const { data, offset, caplen, wirelen, tsSec, tsNsec, linkType } = b;
    const summary = this.summary;
    const counters = this.counters;
    const nc = counters.length;
    const fanOut = this.opts.analyzer.fanOut;
    const live = this.opts.source.live;
    if (!this.started && !live) {
      this.started = true;
      this.t0Sec = tsSec[0];
      this.t0Nsec = tsNsec[0];
      this.periodEnd = this.periodNs;
    }
    const t0Sec = this.t0Sec;
    const t0Nsec = this.t0Nsec;
    let malformed = 0;
    let i = from;
    for (; i < n; i++) {
      if (!live) {
        const rel = (tsSec[i] - t0Sec) * 1e9 + (tsNsec[i] - t0Nsec);
        if (rel >= this.periodEnd && !this.advanceTo(rel)) break;
        if (rel > this.lastRel) this.lastRel = rel;
      }
      decodePacket(data, offset[i], caplen[i], wirelen[i], linkType[i], summary);
      malformed += summary.malformed;
      for (let c = 0; c < nc; c++) counters[c].process!(summary);
      if (fanOut !== undefined) fanOut.process(summary);
    }
    this.own.packets += i - from;
    this.own.malformed += malformed;
    return i;
  }

  /**
   * Capture time reached `rel`: close every period that ended before it. Returns false when
   * the slice's budget ran out first (periods remain to close before `rel`).
   */
  private advanceTo(rel: number): boolean {
    const missed = Math.floor((rel - this.periodEnd) / this.periodNs);
    if (missed > MAX_EMPTY_PERIODS) {
      this.closePeriod();
      const skip = missed;
      this.periodEnd += skip * this.periodNs;
      this.opts.onWarning?.(
        `capture time jumps ${((skip * this.periodNs) / 1e9).toFixed(0)} s ahead: ${skip} empty periods skipped (not emitted)`,
      );
    }
    while (rel >= this.periodEnd) {
      if (this.sliceExhausted()) return false;
      this.closePeriod();
      this.sliceClosed++;
    }
    return true;
  }

  /** Whether this slice closed enough periods (by count, or by time read every CLOCK_EVERY). */
  private sliceExhausted(): boolean {
    const k = this.sliceClosed;
    if (k === 0) return false;
    if (k >= this.periodsPerSlice) return true;
    return k % CLOCK_EVERY === 0 && performance.now() - this.sliceStartMs >= SLICE_MS;
  }

  /** Live: a timer closes each period on the wall clock, aligned to the start. */
  private startWallClock(): void {
    const startMs = Date.now();
    this.started = true;
    this.t0Sec = Math.floor(startMs / 1000);
    this.t0Nsec = (startMs % 1000) * 1e6;
    this.periodEnd = this.periodNs;
    const origin = performance.now();
    this.wallOriginMs = origin;
    this.lastPacketMs = origin;
    const idleMs = (this.opts.idleTimeoutNs ?? 0) / 1e6;
    // Each deadline is computed from the origin, so timer lateness does not accumulate. A
    // delay beyond setTimeout's range is waited for in several timers.
    const tick = (): void => {
      const wait = origin + this.periodEnd / 1e6 - performance.now();
      if (wait > MAX_TIMER_MS) {
        this.timer = setTimeout(tick, MAX_TIMER_MS);
        return;
      }
      this.closePeriod();
      if (idleMs > 0 && performance.now() - this.lastPacketMs >= idleMs) {
        this.opts.onWarning?.(`no packet for ${idleMs / 1000} s (miner.timeout): stopping`);
        this.stop();
        return;
      }
      this.timer = setTimeout(tick, Math.min(MAX_TIMER_MS, Math.max(0, origin + this.periodEnd / 1e6 - performance.now())));
    };
    this.timer = setTimeout(tick, Math.min(MAX_TIMER_MS, this.periodNs / 1e6));
  }

  /**
   * Ends the current period: analyzer, then the back end (detectors, records, exporters), then the next period starts. `partial`: the
   * input ends inside it; it then covers [start, last packet] (files) or [start, now] (live).
   */
  private closePeriod(partial = false): void {
    const { source, analyzer, backend } = this.opts;
    if (this.markMs === this.markMs) {
      const now = performance.now();
      this.busyMs += now - this.markMs;
      this.markMs = now;
    }
    const st = source.stats();
    const startNs = this.periodEnd - this.periodNs;
    const coveredNs = partial ? this.partialCoverNs(startNs) : this.periodNs;
    const info: PeriodInfo = {
      sourceSeconds: coveredNs / 1e9,
      partial,
      realSeconds: this.busyMs / 1000,
      dropped: st.dropped - this.lastDropped,
      received: st.received - this.lastReceived,
    };
    this.lastDropped = st.dropped;
    this.lastReceived = st.received;
    this.busyMs = 0;
    if (info.dropped > 0) {
      this.own.dropped += info.dropped;
      this.opts.onWarning?.(`${info.dropped} packets dropped by the capture during the last period`);
    }
    const timeNs =
      BigInt(this.t0Sec) * 1_000_000_000n + BigInt(this.t0Nsec) + BigInt(Math.round(startNs + coveredNs));
    const m = analyzer.endPeriod(info);
    backend.judge(timeNs, m.values, { counters: m.counters, partial });
    this.periodEnd += this.periodNs;
  }

  /** How much of the current period (starting at `startNs`) the input covered before it ended. */
  private partialCoverNs(startNs: number): number {
    const end = this.opts.source.live ? (performance.now() - this.wallOriginMs) * 1e6 : this.lastRel;
    return Math.min(this.periodNs, Math.max(0, end - startNs));
  }
}
