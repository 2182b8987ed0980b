/**
 * The pipeline: packets from a source are decoded and counted; at each period boundary the
 * analyzer measures the period and the back end judges it and feeds the exporters.
 *
 * Files follow the capture's clock: periods are [t0 + k·p, t0 + (k+1)·p) with t0 the first
 * packet (align "start") or the multiple of p at or before it (align "epoch": the grid
 * [k·p, (k+1)·p) since 1970, the same on every sensor), every period is emitted (empty ones too) and the last, partial one at the end.
 * Live sources follow the wall clock: a timer closes each period, whether packets came or not.
 * The last period (end of file, stop) covers less than p: it is emitted over the time it
 * really covers (up to the last packet, or to the stop) and marked partial: never judged.
 *
 * The per-packet loop (`countBatch`) allocates nothing: it reads the batch's typed arrays,
 * fills one reused PacketSummary and calls the counters.
 */
import { performance } from 'node:perf_hooks';
import type { PacketBatch, PacketSource, PcapFile } from '../source/packet-batch.js';
import { PacketSummary } from '../decode/packet-summary.js';
import { decodePacket } from '../decode/packet-decoder.js';
import type { Counter, PeriodInfo } from '../counters/index.js';
import type { Analyzer } from '../analyzer/analyzer.js';
import type { Backend } from '../backend/backend.js';
import { JOBS_PER_WORKER, type WorkerPool } from './worker-pool.js';
import type { JobSlot, SegmentCount } from './count-job.js';
import { MAX_CAPLEN } from '../source/capture-file-reader.js';

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
  /** analyzer.align: the grid starts at the first packet (default) or at a multiple of the period since 1970. */
  align?: 'start' | 'epoch';
  /** Live sources: stop after this long without a packet, nanoseconds (0 = never). */
  idleTimeoutNs?: number;
  /** Non-fatal problems (time jumps, drops) as they happen. */
  onWarning?: (message: string) => void;
  /** Periods closed before yielding to the event loop (default PERIODS_PER_SLICE; tests force it small). */
  periodsPerSlice?: number;
  /**
   * Files: counting worker threads (`--workers N`, N >= 2), created when the run starts and
   * stopped when it ends; absent = the main thread counts.
   */
  workers?: (slotBytes: number, slotPackets: number) => WorkerPool;
  /** Workers: bytes of packets gathered into one job (default JOB_BYTES; tests use small ones). */
  jobBytes?: number;
  /**
   * Live sources counted elsewhere (live-workers.ts): merges the counts of the period so far
   * into the analyzer; awaited before each period closes, the last one after the source ended.
   */
  harvest?: () => Promise<{ packets: number; malformed: number; busyMs: number }>;
}

/**
 * A job gathers reader batches up to about this many bytes (or JOB_PACKETS packets): periods
 * that fall whole inside a job cost the main thread no merge, but a smaller job is more likely
 * still in cache when its worker reads it (4, 8 and 16 MiB measured: 8 was no worse than either).
 */
export const JOB_BYTES = 8 * 1024 * 1024;
const JOB_PACKETS = 1 << 18;

/** The job being filled: its slot, and its segments so far. */
interface OpenJob {
  readonly slot: number;
  count: number;
  bytes: number;
  readonly ends: number[];
  readonly advance: number[];
  readonly lastRel: number[];
  /** The open segment: the capture time that started it (NaN: none), its latest capture time. */
  segAdvance: number;
  segLast: number;
  /** Walked from the file: where its first record starts and its last ends. */
  fileStart: number;
  fileEnd: number;
}

/**
 * How a run with counting threads went, for its summary: the jobs the main thread counted and
 * the time that took, the time it waited for the workers, and the whole run's time; the rest
 * is the main thread's own share (reading, cutting, merging, judging), which bounds the rate
 * however many threads count.
 */
export interface WorkerJobs {
  readonly counted: { readonly local: number; readonly all: number; readonly localMs: number };
  readonly runMs: number;
  readonly waitMs: number;
}

/** A batch handed to the workers: where its segments start and which periods they close first. */
interface Dispatched {
  readonly counted: Promise<readonly SegmentCount[]>;
  /** The job's slot, released once merged. */
  readonly slot: number;
  /** Per segment: the capture time (ns since t0) of its first packet when that packet closes periods, else NaN. */
  readonly advance: Float64Array;
  /** Per segment: packets and the latest capture time. */
  readonly packets: Uint32Array;
  readonly lastRel: Float64Array;
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
  // Live with `harvest`: the period close in progress, and whether the run is ending (no new timer).
  private closing: Promise<void> | undefined;
  private wallStopped = false;
  private wakeStop: (() => void) | undefined;
  // Live: wall-clock time (performance.now() ms) of the last batch, for the idle timeout.
  private lastPacketMs = 0;
  // The current slice of period closing: how many closed, and when it began (performance.now()).
  private readonly periodsPerSlice: number;
  // Workers: the end of the current period as the dispatcher sees it (ahead of periodEnd,
  // which moves when the workers' counts are merged), advanced by the same arithmetic.
  private dispatchEnd = 0;
  private openJob: OpenJob | undefined;
  /** Files counted in threads: jobs in all, and those the main thread counted itself. */
  workerJobs: WorkerJobs | undefined;
  /** With counting threads: time spent waiting for their results. */
  private waitMs = 0;
  /** With counting threads: the plain pcap file they walk their jobs in, else undefined (the packets are copied). */
  private pcapFile: PcapFile | undefined;
  private readonly jobBytes: number;
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
    this.jobBytes = Math.max(1024, opts.jobBytes ?? JOB_BYTES);
  }

  /** Runs until the source ends or `stop()`; emits the last period and flushes every exporter. */
  async run(): Promise<PipelineStatus> {
    const { source } = this.opts;
    this.own.running = true;
    if (this.opts.workers !== undefined && !source.live) {
      // A slot holds a job, and any one packet with its record header.
      return this.runWithWorkers(this.opts.workers(Math.max(this.jobBytes, MAX_CAPLEN + 4096), JOB_PACKETS));
    }
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
      this.wallStopped = true;
      if (this.timer !== undefined) clearTimeout(this.timer);
      if (this.opts.harvest !== undefined && this.started) {
        // Live workers: the period close under way ends first, then their last counts are merged.
        await this.closing?.catch(() => {});
        this.addHarvest(await this.opts.harvest());
      }
      // Whatever was counted is emitted, also after an error or a stop.
      if (this.started) this.closePeriod(true);
      this.own.running = false;
    }
    return this.state;
  }

  /** Live workers: what a harvest merged counts as this pipeline's packets. */
  private addHarvest(h: { packets: number; malformed: number; busyMs: number }): void {
    this.own.packets += h.packets;
    this.own.malformed += h.malformed;
    this.busyMs += h.busyMs;
    if (h.packets > 0) this.lastPacketMs = performance.now();
  }

  /**
   * The file loop with counting workers: this thread reads, cuts each batch where periods end
   * (the same capture clock as `countBatch`), hands it to a worker, and merges the workers'
   * counts in batch order, closing periods exactly where one thread would: the records are those
   * of one thread (REAL_TIME and PERF aside, which measure this thread's time). A stop or an
   * input error still merges every batch already read before the last period closes.
   */
  private async runWithWorkers(pool: WorkerPool): Promise<PipelineStatus> {
    const { source } = this.opts;
    const jobs = { counted: pool.counted, runMs: 0, waitMs: 0 };
    this.workerJobs = jobs;
    this.pcapFile = source.pcapFile;
    const runFrom = performance.now();
    const inflight: Dispatched[] = [];
    try {
      const stopped = new Promise<null>((resolve) => (this.wakeStop = () => resolve(null)));
      try {
        for (;;) {
          if (this.stopping) break;
          const batch = await Promise.race([source.next(), stopped]);
          if (batch === null) break;
          const start = performance.now();
          if (batch.count > 0) await this.dispatch(batch, pool, inflight);
          this.busyMs += performance.now() - start;
        }
      } finally {
        // Whatever was read is counted and merged, also after an input error or a stop.
        try {
          if (this.openJob !== undefined && this.openJob.count > 0) inflight.push(this.sendJob(pool));
          while (inflight.length > 0) await this.merge(inflight.shift() as Dispatched, pool);
        } finally {
          for (const d of inflight) d.counted.catch(() => {});
        }
      }
    } finally {
      jobs.runMs = performance.now() - runFrom;
      jobs.waitMs = this.waitMs;
      await pool.close();
      if (this.started) this.closePeriod(true);
      this.own.running = false;
    }
    return this.state;
  }

  /**
   * Adds a batch to the job being filled, cut into segments that each lie in one period (the
   * same capture clock as `countBatch`); sends the job to a worker when it is full enough.
   * Waits for the oldest job when every slot is taken.
   */
  private async dispatch(b: PacketBatch, pool: WorkerPool, inflight: Dispatched[]): Promise<void> {
    const n = b.count;
    if (!this.started) {
      this.started = true;
      this.setOrigin(BigInt(b.tsSec[0]) * 1_000_000_000n + BigInt(b.tsNsec[0]));
      this.periodEnd = this.periodNs;
      this.dispatchEnd = this.periodNs;
    }
    let from = 0;
    while (from < n) {
      if (this.openJob === undefined) {
        while (pool.freeSlots() === 0) await this.merge(inflight.shift() as Dispatched, pool);
        const slot = pool.takeSlot();
        this.openJob = { slot, count: 0, bytes: 0, ends: [], advance: [], lastRel: [], segAdvance: NaN, segLast: -Infinity, fileStart: 0, fileEnd: 0 };
      }
      const job = this.openJob;
      const slot = pool.slots[job.slot];
      // As many packets as the slot holds (a slot holds any one packet).
      const lo = b.offset[from];
      const roomBytes = slot.data.length - job.bytes - 7, last = Math.min(n, from + slot.offset.length - job.count);
      let to = from;
      while (to < last && b.offset[to] + b.caplen[to] - lo <= roomBytes) to++;
      const full = to === from;
      if (full && job.count === 0) throw new Error(`packet of ${b.caplen[from]} bytes larger than a job slot`);
      let periodEnds = false;
      if (!full) {
        const stop = this.addPackets(job, slot, b, from, to);
        periodEnds = stop < to;
        from = stop;
      }
      if (full || periodEnds || job.bytes >= this.jobBytes || job.count === slot.offset.length) {
        inflight.push(this.sendJob(pool, periodEnds));
        while (inflight.length >= pool.size * JOBS_PER_WORKER) await this.merge(inflight.shift() as Dispatched, pool);
      }
    }
  }

  /**
   * Copies packets `from`..`to` of a batch into the job's slot and cuts them into period
   * segments. Stops early, at the first packet of a new period, once the job holds half of
   * `jobBytes`: jobs that end where periods do are whole periods, whose values the workers
   * send and the main thread adopts, with no counter state to build or merge. Returns where it stopped.
   */
  private addPackets(job: OpenJob, slot: JobSlot, b: PacketBatch, from: number, to: number): number {
    const { tsSec, tsNsec } = b;
    const t0Sec = this.t0Sec, t0Nsec = this.t0Nsec, p = this.periodNs;
    const { ends, advance, lastRel } = job;
    let end = this.dispatchEnd;
    let segAdvance = job.segAdvance, segLast = job.segLast;
    const first = job.count - from;
    const ripe = this.jobBytes / 2 - job.bytes + b.offset[from];
    for (let i = from; i < to; i++) {
      const rel = (tsSec[i] - t0Sec) * 1e9 + (tsNsec[i] - t0Nsec);
      if (rel >= end) {
        if (first + i > 0 && b.offset[i] >= ripe) {
          to = i;
          break;
        }
        if (first + i > 0) {
          ends.push(first + i);
          advance.push(segAdvance);
          lastRel.push(segLast);
        }
        segAdvance = rel;
        segLast = -Infinity;
        // As advanceTo: a long jump closes one period and skips the others, then one at a time.
        const missed = Math.floor((rel - end) / p);
        if (missed > MAX_EMPTY_PERIODS) {
          end += p;
          end += missed * p;
        }
        while (rel >= end) end += p;
      }
      if (rel > segLast) segLast = rel;
    }
    this.dispatchEnd = end;
    job.segAdvance = segAdvance;
    job.segLast = segLast;
    if (to === from) return from;
    const lo = b.offset[from], hi = b.offset[to - 1] + b.caplen[to - 1];
    const pcap = this.pcapFile;
    if (pcap !== undefined) {
      // Walked by the counting thread: only where the records are (the bytes held count the
      // headers too; parts of periods are copied back within them).
      if (job.count === 0) job.fileStart = b.base + lo - pcap.recordHeader;
      job.fileEnd = b.base + hi;
      job.count += to - from;
      job.bytes += hi - lo;
      return to;
    }
    // The copy keeps the bytes' alignment mod 8 (up to 7 bytes of padding): V8 copies into
    // shared memory word by word when it can, byte by byte (8x slower) when it cannot.
    const at = job.bytes + ((b.data.byteOffset + lo - job.bytes) & 7), shift = at - lo;
    slot.data.set(b.data.subarray(lo, hi), at);
    // One loop rather than three set() calls, which copy byte by byte when misaligned too.
    const { offset, caplen, wirelen, linkType } = slot;
    const bOffset = b.offset, bCaplen = b.caplen, bWirelen = b.wirelen, bLinkType = b.linkType;
    for (let i = from; i < to; i++) {
      const j = first + i;
      offset[j] = bOffset[i] + shift;
      caplen[j] = bCaplen[i];
      wirelen[j] = bWirelen[i];
      linkType[j] = bLinkType[i];
    }
    job.count += to - from;
    job.bytes = at + hi - lo;
    return to;
  }

  /** Sends the job being filled to the next worker; `atPeriodEnd`: the next packet starts a new period. */
  private sendJob(pool: WorkerPool, atPeriodEnd = false): Dispatched {
    const job = this.openJob!;
    this.openJob = undefined;
    const { ends, advance, lastRel } = job;
    ends.push(job.count);
    advance.push(job.segAdvance);
    lastRel.push(job.segLast);
    pool.slots[job.slot].ends.set(ends);
    // A segment between two period ends is a whole period: the worker sends its values, no state to merge.
    const whole = new Uint8Array(ends.length);
    const segments = atPeriodEnd ? ends.length : ends.length - 1;
    for (let k = 0; k < segments; k++) whole[k] = k > 0 || advance[0] === advance[0] ? 1 : 0;
    const pcap = this.pcapFile;
    const walk = pcap === undefined ? undefined : { ...pcap, start: job.fileStart, end: job.fileEnd };
    const counted = pool.submit(job.slot, ends.length, whole, walk);
    const packets = new Uint32Array(ends.length);
    ends.forEach((e, k) => (packets[k] = e - (k === 0 ? 0 : ends[k - 1])));
    return { counted, slot: job.slot, advance: Float64Array.from(advance), packets, lastRel: Float64Array.from(lastRel) };
  }

  /**
   * Merges a job's counts in order, closing the periods its segments start after, and counts
   * its top talkers; then frees its slot.
   */
  private async merge(d: Dispatched, pool: WorkerPool): Promise<void> {
    // REAL_TIME counts the wait for the workers too: it is processing, not input.
    const waitFrom = performance.now();
    const segments = await d.counted;
    this.waitMs += performance.now() - waitFrom;
    const { analyzer } = this.opts;
    this.markMs = waitFrom;
    this.sliceClosed = 0;
    this.sliceStartMs = this.markMs;
    const slot = pool.slots[d.slot];
    let from = 0;
    for (let k = 0; k < segments.length; k++) {
      const rel = d.advance[k];
      if (rel === rel && rel >= this.periodEnd) {
        while (!this.advanceTo(rel)) {
          // Too many periods closed in one go: let the loop breathe (the API answers), then go on.
          this.busyMs += performance.now() - this.markMs;
          await new Promise<void>((resolve) => setImmediate(resolve));
          this.markMs = performance.now();
          this.sliceClosed = 0;
          this.sliceStartMs = this.markMs;
        }
      }
      const seg = segments[k];
      if (seg.talkers === undefined) this.countTalkers(slot, from, from + d.packets[k]);
      from += d.packets[k];
      if (seg.values !== undefined) analyzer.adoptPacketValues(seg.values, seg.fanOutTop, seg.talkers);
      else analyzer.mergePeriodState(seg.state!);
      if (d.lastRel[k] > this.lastRel) this.lastRel = d.lastRel[k];
      this.own.packets += d.packets[k];
      this.own.malformed += seg.malformed;
    }
    pool.release(d.slot);
    this.busyMs += performance.now() - this.markMs;
    this.markMs = NaN;
  }

  /**
   * The main thread's share of a worker's job that counted part of a period: the top talkers
   * (which cannot be merged exactly), in capture order from the worker's IP marks. Whole
   * periods bring their lists from the worker instead. Only the packets their sampling
   * keeps are decoded again: the first TopTalkers.EXACT_PACKETS of a period, then one in
   * STRIDE on average.
   */
  private countTalkers(slot: JobSlot, from: number, to: number): void {
    const talkers = this.opts.analyzer.countingTalkers;
    if (talkers === null) return;
    const { data, offset, caplen, wirelen, linkType, ip } = slot;
    const summary = this.summary;
    for (let i = from; i < to; i++) {
      if (ip[i] === 0) continue;
      const w = talkers.weight();
      if (w === 0) continue;
      decodePacket(data, offset[i], caplen[i], wirelen[i], linkType[i], summary);
      talkers.add(summary, w);
    }
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
      this.setOrigin(BigInt(tsSec[0]) * 1_000_000_000n + BigInt(tsNsec[0]));
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

  /**
   * Sets t0, where the period grid starts, from the time of the first packet (or of a live
   * start), nanoseconds since 1970; returns how far t0 lies before it (ns).
   */
  private setOrigin(firstNs: bigint): number {
    const lead = this.opts.align === 'epoch' ? firstNs % BigInt(this.periodNs) : 0n;
    const t0 = firstNs - lead;
    this.t0Sec = Number(t0 / 1_000_000_000n);
    this.t0Nsec = Number(t0 % 1_000_000_000n);
    return Number(lead);
  }

  /** Live: a timer closes each period on the wall clock, aligned to the start (or to the epoch grid). */
  private startWallClock(): void {
    const startMs = Date.now();
    this.started = true;
    const leadNs = this.setOrigin(BigInt(startMs) * 1_000_000n);
    this.periodEnd = this.periodNs;
    const origin = performance.now() - leadNs / 1e6;
    this.wallOriginMs = origin;
    this.lastPacketMs = performance.now();
    const idleMs = (this.opts.idleTimeoutNs ?? 0) / 1e6;
    // Each deadline is computed from the origin, so timer lateness does not accumulate. A
    // delay beyond setTimeout's range is waited for in several timers.
    const tick = (): void => {
      const wait = origin + this.periodEnd / 1e6 - performance.now();
      if (wait > MAX_TIMER_MS) {
        this.timer = setTimeout(tick, MAX_TIMER_MS);
        return;
      }
      const harvest = this.opts.harvest;
      if (harvest === undefined) {
        closeThenWait();
        return;
      }
      // Live workers: their counts of the period come in first (a few ms), then the period closes.
      this.closing = harvest().then((h) => {
        this.closing = undefined;
        this.addHarvest(h);
        // A stop meanwhile: the run's end closes this period, as partial.
        if (!this.wallStopped) closeThenWait();
      });
      this.closing.catch((err: unknown) => {
        // As an exception in the timer would: a failing period close ends the process.
        setImmediate(() => {
          throw err;
        });
      });
    };
    const closeThenWait = (): void => {
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
    backend.judge(timeNs, m.values, { counters: m.counters, partial, context: m.context });
    this.periodEnd += this.periodNs;
  }

  /** How much of the current period (starting at `startNs`) the input covered before it ended. */
  private partialCoverNs(startNs: number): number {
    const end = this.opts.source.live ? (performance.now() - this.wallOriginMs) * 1e6 : this.lastRel;
    return Math.min(this.periodNs, Math.max(0, end - startNs));
  }
}
