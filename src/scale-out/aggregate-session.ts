/**
 * `netspot aggregate`: the third front end. It reads the counter snapshots of every sensor of a
 * site from JetStream (netspot.SITE.*.counters) with a durable consumer, merges each period
 * (period-merger.ts), computes the statistics from the merged counters and hands them to the
 * same back end as packets and Zeek logs.
 *
 * Exactly once across restarts: a period is judged, its records written to the exporters, then
 * its detectors, the period itself and the length of every output file saved in
 * analyzer.state_file (the commit point), and only then are its messages acknowledged. At start
 * the output files are cut back to the saved lengths (what a period judged but not committed
 * wrote goes: it is judged and written again), and the consumer is re-created at the stream's
 * ack floor, so every message not yet acknowledged comes again, in stream order; those of
 * periods up to the saved one are acknowledged without being merged again. Network exporters
 * get such a period twice (at least once: InfluxDB overwrites the same points).
 *
 * The same resynchronisation runs under a running aggregator whenever the consumer may have lost
 * track: the connection to nats-server came back (the server may have restarted, and messages it
 * sent just before dying never arrived: it would hold them back for ack_wait), the consumer was
 * deleted, or its heartbeats stopped (a pull lost). While the connection is down, the periods'
 * aggregate.wait is paused: the sensors' snapshots are safe in the stream, not late.
 */
import type { ConsumerMessages, JetStreamManager, JsMsg } from '@nats-io/jetstream';
import { AckPolicy, DeliverPolicy, jetstream } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Config } from '../config/schema.js';
import { parseDuration } from '../config/duration.js';
import { Backend, stateFileOptions, type PeriodResult } from '../backend/backend.js';
import { detectorParams } from '../analyzer/stat-detector.js';
import { Analyzer } from '../analyzer/analyzer.js';
import { statDef, type StatDef } from '../stats/index.js';
import { createExporters, type Exporter, type ExporterHealth } from '../exporters/index.js';
import type { OutputLengths } from '../exporters/exporter.js';
import { emptyProgress, type RunProgress } from '../backend/run-session.js';
import { refuseSharedFiles, type NamedFile } from '../util/file-identity.js';
import { InputError, UsageError } from '../util/errors.js';
import { connectNats, ensureStream, jetstreamManager, serverList } from './nats-link.js';
import { measureMerged, snapshotLayout, stateLayout } from './merged-period.js';
import { WIRE_EXACT_MAX } from './wire-state.js';
import { decodeSnapshot, SnapshotFormatError } from './snapshot-message.js';
import { PeriodMerger, type ClosedPeriod } from './period-merger.js';

export interface AggregateOptions {
  url: string;
  site: string;
  /** exporter.nats.stream by default. */
  stream?: string;
  /** A .creds file ('' = none). */
  credentials?: string;
  onWarning?: (message: string) => void;
  onPeriod?: (result: PeriodResult) => void;
  exporters?: readonly Exporter[];
}

/**
 * How long JetStream waits for an acknowledgement before delivering a message again: longer than
 * a period may be held open (2 × aggregate.wait, at least 30 s). A restarted aggregator does not
 * wait for it: it re-creates its consumer at the ack floor.
 */
function ackWaitNs(waitNs: number): number {
  return Math.max(30e9, 2 * waitNs);
}
/** Messages delivered and not yet acknowledged at most (held in open periods). */
const MAX_ACK_PENDING = 20_000;

/**
 * How long one pull request lasts: the server sends idle heartbeats every half of it, and two
 * missed heartbeats mean a lost pull. Kept under aggregate.wait, so that a lost pull is noticed
 * before a period waiting for a sensor gives up on it (the client's range: 1 s to 30 s).
 */
function pullExpiresMs(waitMs: number): number {
  return Math.min(30_000, Math.max(1_000, waitMs / 2));
}

interface DurableOptions {
  stream: string;
  durable: string;
  subjects: string;
  ackWaitNs: number;
}

interface Placement {
  /** The first stream sequence the consumer delivers. */
  startSeq: number;
  /** The last stream sequence the consumer had delivered before (0 when it was not found). */
  delivered: number;
  found: boolean;
}

/**
 * (Re-)creates the durable consumer at the stream's acknowledgement floor, or at `notFound` when
 * there is none; never after `atMost` (the oldest message still held unacknowledged).
 */
async function placeDurable(jsm: JetStreamManager, o: DurableOptions, notFound: number, atMost = Infinity): Promise<Placement> {
  let place: Placement = { startSeq: notFound, delivered: 0, found: false };
  try {
    const info = await jsm.consumers.info(o.stream, o.durable);
    place = { startSeq: info.ack_floor.stream_seq + 1, delivered: info.delivered.stream_seq, found: true };
    await jsm.consumers.delete(o.stream, o.durable);
  } catch (err) {
    if (!/consumer not found/i.test((err as Error).message)) throw err;
  }
  place.startSeq = Math.max(1, Math.min(place.startSeq, atMost));
  await jsm.consumers.add(o.stream, {
    durable_name: o.durable, ack_policy: AckPolicy.Explicit, filter_subject: o.subjects,
    deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: place.startSeq, ack_wait: o.ackWaitNs, max_ack_pending: MAX_ACK_PENDING,
  });
  return place;
}

/** Shaped like a RunSession (name, progress, stop, reopen), for the CLI. */
export class AggregateSession {
  readonly input = 'aggregate' as const;
  readonly live = true;
  private messages: ConsumerMessages | undefined;
  private stopping = false;
  private closing: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private judgedThrough: bigint | undefined;
  private readonly estimatedReported = new Set<string>();
  private running = false;
  private failure: unknown;
  private readonly merger: PeriodMerger<JsMsg>;
  private readonly layout: string;
  /** Why the consumer must be re-created before reading on (set by the watchers), or undefined. */
  private resyncReason: string | undefined;
  /** The highest stream sequence taken: everything up to it comes again as a replay after a resync. */
  private highestSeq = 0;
  /** performance.now() when the connection went down (the periods' wait is paused), or undefined. */
  private offlineSince: number | undefined;
  /** Time spent offline, left out of the periods' clock. */
  private offlineMs = 0;

  private constructor(
    private readonly cfg: Config,
    private readonly o: AggregateOptions,
    private readonly stats: StatDef[],
    private readonly analyzer: Analyzer,
    private readonly backend: Backend,
    private readonly exporters: readonly Exporter[],
    private readonly nc: NatsConnection,
    private readonly stream: string,
    private readonly durableOptions: DurableOptions,
    /** Messages up to this stream sequence were delivered before (an earlier run, or before a resync). */
    private replayUpTo: number,
    cursor: bigint | undefined,
    sensors: readonly string[],
  ) {
    this.judgedThrough = cursor;
    this.merger = new PeriodMerger<JsMsg>({
      periodNs: BigInt(parseDuration(cfg.analyzer.period)), waitMs: parseDuration(cfg.aggregate.wait) / 1e6,
      missing: cfg.aggregate.missing, now: () => this.clock(), onWarning: (m) => this.warn(m), cursor, sensors,
      refuse: (s) => {
        const theirs = snapshotLayout(s);
        return theirs === this.layout ? null : `its counters (${theirs}) are not this aggregator's (${this.layout}): run every sensor with the aggregator's analyzer.stats`;
      },
    });
    this.layout = stateLayout(analyzer);
  }

  static async open(cfg: Config, o: AggregateOptions): Promise<AggregateSession> {
    if (!/^[^.*> ]+$/.test(o.site)) throw new UsageError(`bad site ${JSON.stringify(o.site)} (--site): a subject token without ".", "*", ">" or spaces`);
    serverList(o.url, '--nats');
    // The packet front end's analyzer, fed merged counter states instead of packets.
    const analyzer = new Analyzer(cfg, o.site);
    const stats = cfg.analyzer.stats.map((n) => statDef(n)).filter((d): d is StatDef => d !== undefined);
    const sf = stateFileOptions(cfg, cfg.analyzer.period, 'analyzer.period');
    if (sf === undefined) {
      throw new UsageError('netspot aggregate needs analyzer.state_file (--analyzer.state_file FILE): the detectors and the last judged period are kept there across restarts');
    }
    const exporters = [...createExporters(cfg, { onWarning: o.onWarning }), ...(o.exporters ?? [])];
    let nc: NatsConnection | undefined;
    try {
      let self: AggregateSession | undefined;
      const backend = new Backend({
        series: o.site, exporters, params: (name) => detectorParams(cfg, name), onPeriod: o.onPeriod, onWarning: o.onWarning,
        // Saved by commit() after every period, not every state_every.
        stateFile: { ...sf, every: Number.MAX_SAFE_INTEGER },
        cursor: () => (self?.judgedThrough === undefined ? undefined : saveCursor(self.judgedThrough, exporters)),
      });
      backend.watch(analyzer.judgedStats());
      await backend.restoreState();
      const saved = readCursor(backend.restoredCursor);
      const cursor = saved?.through;
      const files: NamedFile[] = [];
      for (const e of exporters) files.push(...(e.outputFiles?.(o.site) ?? []));
      await refuseSharedFiles(files);
      // A restart continues the output files where the last commit left them.
      for (const e of exporters) await e.start(o.site, saved === undefined ? undefined : saved.outputs);

      const stream = o.stream ?? cfg.exporter.nats.stream;
      const credentials = o.credentials ?? cfg.exporter.nats.credentials;
      try {
        nc = await connectNats({ url: o.url, urlKey: '--nats', credentials, credentialsKey: 'exporter.nats.credentials', name: `netspot aggregate ${o.site}` }, true);
      } catch (err) {
        throw new InputError(`cannot connect to NATS at ${o.url} (--nats): ${(err as Error).message}`);
      }
      const jsm = await jetstreamManager(nc);
      await ensureStream(jsm, stream);
      const subjects = `netspot.${o.site}.*.counters`;
      // The site's sensors are those with snapshots in the stream: waited for from the start,
      // also while a backlog is read (one sensor's messages may all come before another's).
      const present = (await jsm.streams.info(stream, { subjects_filter: subjects })).state.subjects ?? {};
      const sensors = Object.keys(present).map((s) => s.split('.')[2]);
      const durable: DurableOptions = { stream, durable: `netspot-aggregate-${o.site}`, subjects, ackWaitNs: ackWaitNs(parseDuration(cfg.aggregate.wait)) };
      // Re-created at the ack floor: everything not acknowledged comes again, in stream order.
      const place = await placeDurable(jsm, durable, 1);
      self = new AggregateSession(cfg, o, stats, analyzer, backend, exporters, nc, stream, durable, place.delivered, cursor, sensors);
      return self;
    } catch (err) {
      await nc?.close().catch(() => undefined);
      await Promise.allSettled(exporters.map((e) => e.close()));
      throw err;
    }
  }

  get series(): string {
    return this.o.site;
  }

  /** Sensors waited for. */
  sensors(): string[] {
    return this.merger.knownSensors();
  }

  /** Snapshots merged, late, delivered again, refused; periods closed without every sensor. */
  get tally(): PeriodMerger<JsMsg>['tally'] {
    return this.merger.tally;
  }

  /** Runs until `stop()`: consumes, merges, judges; then closes the exporters and the back end. */
  async run(): Promise<RunProgress> {
    this.running = true;
    void this.watchConnection();
    const expires = pullExpiresMs(parseDuration(this.cfg.aggregate.wait) / 1e6);
    try {
      const js = jetstream(this.nc);
      while (!this.stopping) {
        if (this.resyncReason !== undefined) await this.resync();
        if (this.stopping) break;
        try {
          const consumer = await js.consumers.get(this.stream, this.durableOptions.durable);
          this.messages = await consumer.consume({ max_messages: 1000, expires });
        } catch (err) {
          // The server went away between the resync and here: resynchronise again.
          this.requestResync(`cannot read consumer ${this.durableOptions.durable} (${(err as Error).message})`);
          continue;
        }
        void this.watchConsumer(this.messages);
        if (this.stopping || this.resyncReason !== undefined) this.messages.stop();
        for await (const m of this.messages) {
          this.take(m);
          if (this.failure !== undefined) throw this.failure;
        }
        if (this.failure !== undefined) throw this.failure;
        if (!this.stopping && this.resyncReason === undefined) await sleep(250);
      }
      await this.closing;
      if (this.failure !== undefined) throw this.failure;
    } finally {
      clearTimeout(this.timer);
      this.running = false;
      await this.closing.catch(() => undefined);
      const results = await Promise.allSettled([...this.exporters.map((e) => e.close()), this.backend.close()]);
      await this.nc.close().catch(() => undefined);
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed !== undefined && this.failure === undefined) throw failed.reason;
    }
    return this.progress();
  }

  /** The periods' clock (ms): performance.now() without the time the connection was down. */
  private clock(): number {
    return (this.offlineSince ?? performance.now()) - this.offlineMs;
  }

  /** Logs the connection's losses; a reconnection resynchronises the consumer. */
  private async watchConnection(): Promise<void> {
    for await (const s of this.nc.status()) {
      if (s.type === 'disconnect') {
        this.offlineSince ??= performance.now();
        clearTimeout(this.timer);
        this.warn(`NATS connection to ${s.server} lost: reconnecting every 250 ms until it is back; the periods' aggregate.wait is paused meanwhile`);
      } else if (s.type === 'reconnect') {
        this.requestResync(`NATS connection back (${s.server})`);
      }
    }
  }

  /** Consumer notices that mean no more messages would come without a resync. */
  private async watchConsumer(messages: ConsumerMessages): Promise<void> {
    const name = this.durableOptions.durable;
    for await (const s of messages.status()) {
      if (s.type === 'heartbeats_missed' && s.count >= 2) this.requestResync(`${s.count} heartbeats of consumer ${name} missed (a pull lost)`);
      else if (s.type === 'consumer_not_found' || s.type === 'consumer_deleted') this.requestResync(`consumer ${name} is gone from the server`);
      else if (s.type === 'stream_not_found') this.requestResync(`stream ${this.stream} is gone from the server`);
    }
  }

  private requestResync(reason: string): void {
    if (this.stopping || this.resyncReason !== undefined) return;
    this.resyncReason = reason;
    this.messages?.stop();
  }

  /**
   * Re-creates the durable consumer where nothing can be skipped: at the acknowledgement floor, at
   * the oldest message still held in an open period if that is older, or (the consumer gone) after
   * the last message taken. What comes again is recognised (replay, or the same sequence in an open
   * period) and acknowledged without being merged twice. Retried until the server answers.
   */
  private async resync(): Promise<void> {
    const reason = this.resyncReason!;
    let told = '';
    for (let delay = 250; !this.stopping; delay = Math.min(2 * delay, 2000)) {
      try {
        const jsm = await jetstreamManager(this.nc);
        const held = this.merger.lowestHeld();
        const place = await placeDurable(jsm, this.durableOptions, held ?? this.highestSeq + 1, held);
        this.replayUpTo = Math.max(this.replayUpTo, place.delivered, this.highestSeq);
        this.resyncReason = undefined;
        if (this.offlineSince !== undefined) {
          this.offlineMs += performance.now() - this.offlineSince;
          this.offlineSince = undefined;
        }
        this.warn(`${reason}: consumer ${this.durableOptions.durable} re-created at stream sequence ${place.startSeq} (${place.found ? 'acknowledgement floor' : 'it was gone: after the last snapshot taken'}); snapshots delivered again are not merged twice`);
        this.schedule();
        return;
      } catch (err) {
        const why = (err as Error).message;
        if (/stream not found/i.test(why)) throw new InputError(`stream ${this.stream} is gone from the NATS server (--nats ${this.o.url}): the snapshots not yet judged are lost with it`);
        if (why !== told) this.warn(`${reason}: cannot re-create consumer ${this.durableOptions.durable} yet (${why}); retrying`);
        told = why;
        await sleep(delay);
      }
    }
  }

  private take(m: JsMsg): void {
    if (m.seq > this.highestSeq) this.highestSeq = m.seq;
    let outcome: string;
    try {
      const s = decodeSnapshot(m.string());
      const sensor = m.subject.split('.')[2];
      if (s.sensor !== sensor) throw new SnapshotFormatError(`"sensor" ${JSON.stringify(s.sensor)} is not its subject's (${sensor})`);
      outcome = this.merger.offer(s, m.seq, m, m.redelivered || m.seq <= this.replayUpTo);
    } catch (err) {
      if (!(err instanceof SnapshotFormatError)) throw err;
      this.merger.tally.refused++;
      this.warn(`message ${m.seq} on ${m.subject} is no snapshot this aggregator reads: ${err.message}; dropped`);
      outcome = 'refused';
    }
    // Merged (or the same message again): acknowledged once its period is judged and saved.
    if (outcome !== 'merged' && outcome !== 'duplicate') m.ack();
    this.schedule();
  }

  /** Closes what is due now, and arms the timer for the next deadline. */
  private schedule(): void {
    this.closing = this.closing.then(() => this.closeDue()).catch((err: unknown) => {
      this.failure ??= err;
      this.messages?.stop();
    });
  }

  private async closeDue(): Promise<void> {
    clearTimeout(this.timer);
    for (const p of this.merger.closeDue()) await this.judge(p);
    const next = this.merger.nextDeadline();
    // Offline, the clock stands still: the resync schedules again.
    if (next !== undefined && !this.stopping && this.offlineSince === undefined) this.timer = setTimeout(() => this.schedule(), Math.max(0, next - this.clock()) + 1);
  }

  private async judge(p: ClosedPeriod<JsMsg>): Promise<void> {
    const m = measureMerged(this.analyzer, this.stats, p.snapshots, p.coveredNs, p.partial, this.cfg.analyzer.context_top);
    for (const name of m.estimated) {
      if (this.estimatedReported.has(name)) continue;
      this.estimatedReported.add(name);
      this.warn(`${name}: a sensor sent more than ${WIRE_EXACT_MAX} members, so the merged count is a HyperLogLog estimate (0.81 % relative standard error; said once)`);
    }
    this.backend.judge(p.start + p.coveredNs, m.values, { counters: m.counters, partial: p.partial, context: m.context });
    this.judgedThrough = p.start;
    // The records are written; the commit saves how far (see the file comment).
    await this.backend.commit();
    for (const m of p.refs) m.ack();
  }

  stop(): void {
    if (this.stopping) return;
    this.stopping = true;
    clearTimeout(this.timer);
    this.messages?.stop();
  }

  watched(): string[] {
    return this.backend.names();
  }

  progress(): RunProgress {
    const b = this.backend.state;
    const t = this.merger.tally;
    return { ...emptyProgress(), running: this.running, records: t.merged, badLines: t.refused, lateRecords: t.late, periods: b.periods, alarms: b.alarms, alarmsByStat: b.alarmsByStat };
  }

  exporterHealth(): ExporterHealth[] {
    return this.exporters.flatMap((e) => (e.health === undefined ? [] : [e.health()]));
  }

  async reopenOutputs(): Promise<void> {
    for (const e of this.exporters) await e.reopen();
  }

  private warn(message: string): void {
    this.o.onWarning?.(message);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * What the state file keeps of the aggregator (the back end's cursor): the last judged period
 * and the length of each output file after its records, as JSON; a bare number is the last
 * judged period of an older state file.
 */
function saveCursor(through: bigint, exporters: readonly Exporter[]): string {
  const outputs: Record<string, number> = {};
  for (const e of exporters) Object.assign(outputs, e.outputLengths?.());
  return JSON.stringify({ through: through.toString(), outputs });
}

function readCursor(text: string | undefined): { through: bigint; outputs: OutputLengths } | undefined {
  if (text === undefined) return undefined;
  if (/^\d+$/.test(text)) return { through: BigInt(text), outputs: {} };
  try {
    const o = JSON.parse(text) as { through?: unknown; outputs?: unknown };
    if (typeof o.through !== 'string' || !/^\d+$/.test(o.through)) return undefined;
    const outputs: Record<string, number> = {};
    if (typeof o.outputs === 'object' && o.outputs !== null) {
      for (const [k, v] of Object.entries(o.outputs)) if (Number.isSafeInteger(v) && (v as number) >= 0) outputs[k] = v as number;
    }
    return { through: BigInt(o.through), outputs };
  } catch {
    return undefined;
  }
}
