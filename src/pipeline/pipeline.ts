/**
 * The pipeline: packets from a source are decoded and counted; at each period boundary the
 * analyzer closes the period and the exporters receive its records.
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
import type { Analyzer, PeriodResult } from '../analyzer/analyzer.js';
import type { Exporter } from '../exporters/index.js';

/** A jump in capture time longer than this many periods is skipped, not filled. */
export const MAX_EMPTY_PERIODS = 100_000;

export interface PipelineOptions {
  source: PacketSource;
  analyzer: Analyzer;
  exporters: readonly Exporter[];
  /** Period length, nanoseconds. */
  periodNs: number;
  /** Live sources: stop after this long without a packet, nanoseconds (0 = never). */
  idleTimeoutNs?: number;
  /** Non-fatal problems (time jumps, drops) as they happen. */
  onWarning?: (message: string) => void;
  /** Every closed period, after the exporters had it (the server's live feed, summaries). */
  onPeriod?: (result: PeriodResult) => void;
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

  readonly state: PipelineStatus = {
    running: false, packets: 0, periods: 0, alarms: 0, alarmsByStat: {}, malformed: 0, dropped: 0,
  };

  constructor(private readonly opts: PipelineOptions) {
    this.counters = opts.analyzer.packetCounters;
    this.periodNs = opts.periodNs;
  }

  /** Runs until the source ends or `stop()`; emits the last period and flushes every exporter. */
  async run(): Promise<PipelineStatus> {
    const { source } = this.opts;
    this.state.running = true;
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
        this.countBatch(batch);
        this.busyMs += performance.now() - this.markMs;
        this.markMs = NaN;
      }
    } finally {
      if (this.timer !== undefined) clearTimeout(this.timer);
      // Whatever was counted is emitted, also after an error or a stop.
      if (this.started) this.closePeriod(true);
      this.state.running = false;
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

  /** The hot loop: one call per batch. */
  private countBatch(b: PacketBatch): void {
    const n = b.count;
    if (n === 0) return;
    const { data, offset, caplen, wirelen, tsSec, tsNsec, linkType } = b;
    const summary = this.summary;
    const counters = this.counters;
    const nc = counters.length;
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
    for (let i = 0; i < n; i++) {
      if (!live) {
        const rel = (tsSec[i] - t0Sec) * 1e9 + (tsNsec[i] - t0Nsec);
        if (rel >= this.periodEnd) this.advanceTo(rel);
        if (rel > this.lastRel) this.lastRel = rel;
      }
      decodePacket(data, offset[i], caplen[i], wirelen[i], linkType[i], summary);
      malformed += summary.malformed;
      for (let c = 0; c < nc; c++) counters[c].process!(summary);
    }
    this.state.packets += n;
    this.state.malformed += malformed;
  }

  /** Capture time reached `rel`: close every period that ended before it. */
  private advanceTo(rel: number): void {
    const missed = Math.floor((rel - this.periodEnd) / this.periodNs);
    if (missed > MAX_EMPTY_PERIODS) {
      this.closePeriod();
      const skip = missed;
      this.periodEnd += skip * this.periodNs;
      this.opts.onWarning?.(
        `capture time jumps ${((skip * this.periodNs) / 1e9).toFixed(0)} s ahead: ${skip} empty periods skipped (not emitted)`,
      );
    }
    while (rel >= this.periodEnd) this.closePeriod();
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
    // Each deadline is computed from the origin, so timer lateness does not accumulate.
    const tick = (): void => {
      this.closePeriod();
      if (idleMs > 0 && performance.now() - this.lastPacketMs >= idleMs) {
        this.opts.onWarning?.(`no packet for ${idleMs / 1000} s (miner.timeout): stopping`);
        this.stop();
        return;
      }
      this.timer = setTimeout(tick, Math.max(0, origin + this.periodEnd / 1e6 - performance.now()));
    };
    this.timer = setTimeout(tick, this.periodNs / 1e6);
  }

  /**
   * Ends the current period: analyzer, exporters, then the next period starts. `partial`: the
   * input ends inside it; it then covers [start, last packet] (files) or [start, now] (live).
   */
  private closePeriod(partial = false): void {
    const { source, analyzer, exporters } = this.opts;
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
      this.state.dropped += info.dropped;
      this.opts.onWarning?.(`${info.dropped} packets dropped by the capture during the last period`);
    }
    const timeNs =
      BigInt(this.t0Sec) * 1_000_000_000n + BigInt(this.t0Nsec) + BigInt(Math.round(startNs + coveredNs));
    const result = analyzer.endPeriod(timeNs, info);
    for (const e of exporters) {
      e.data(result.record);
      for (const a of result.alarms) e.alarm(a);
      e.flush();
    }
    this.state.periods++;
    for (const a of result.alarms) {
      this.state.alarms++;
      this.state.alarmsByStat[a.stat] = (this.state.alarmsByStat[a.stat] ?? 0) + 1;
    }
    this.periodEnd += this.periodNs;
    this.opts.onPeriod?.(result);
  }

  /** How much of the current period (starting at `startNs`) the input covered before it ended. */
  private partialCoverNs(startNs: number): number {
    const end = this.opts.source.live ? (performance.now() - this.wallOriginMs) * 1e6 : this.lastRel;
    return Math.min(this.periodNs, Math.max(0, end - startNs));
  }
}
