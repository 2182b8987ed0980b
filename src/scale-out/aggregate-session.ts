/**
 * `netspot aggregate`: the third front end. It reads the counter snapshots of every sensor of a
 * site from JetStream (netspot.SITE.*.counters) with a durable consumer, merges each period
 * (period-merger.ts), computes the statistics from the merged counters and hands them to the
 * same back end as packets and Zeek logs.
 *
 * Exactly once across restarts: a period's messages are acknowledged only after it was judged,
 * its detectors and the period itself saved in analyzer.state_file (the commit point), and its
 * records handed to the exporters. At start the consumer is re-created at the stream's ack floor,
 * so every message not yet acknowledged comes again, in stream order; those of periods up to the
 * saved one are acknowledged without being merged again.
 */
import type { ConsumerMessages, JsMsg } from '@nats-io/jetstream';
import { AckPolicy, DeliverPolicy, jetstream } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Config } from '../config/schema.js';
import { parseDuration } from '../config/duration.js';
import { Backend, stateFileOptions, type PeriodResult } from '../backend/backend.js';
import { detectorParams } from '../analyzer/stat-detector.js';
import { Analyzer } from '../analyzer/analyzer.js';
import { statDef, type StatDef } from '../stats/index.js';
import { createExporters, type Exporter, type ExporterHealth } from '../exporters/index.js';
import { emptyProgress, type RunProgress } from '../backend/run-session.js';
import { refuseSharedFiles, type NamedFile } from '../util/file-identity.js';
import { InputError, UsageError } from '../util/errors.js';
import { connectNats, ensureStream, jetstreamManager, serverList } from './nats-link.js';
import { measureMerged, snapshotLayout, stateLayout } from './merged-period.js';
import { WIRE_EXACT_MAX } from './wire-state.js';
import { decodeSnapshot, SnapshotFormatError } from './snapshot-message.js';
import { PeriodMerger, type ClosedPeriod } from './period-merger.js';
import { DeferredExporter } from './deferred-exporter.js';

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

  private constructor(
    private readonly cfg: Config,
    private readonly o: AggregateOptions,
    private readonly stats: StatDef[],
    private readonly analyzer: Analyzer,
    private readonly backend: Backend,
    private readonly exporters: readonly Exporter[],
    private readonly deferred: readonly DeferredExporter[],
    private readonly nc: NatsConnection,
    private readonly stream: string,
    private readonly durable: string,
    /** Messages up to this stream sequence were delivered to an earlier run. */
    private readonly replayUpTo: number,
    cursor: bigint | undefined,
    sensors: readonly string[],
  ) {
    this.judgedThrough = cursor;
    this.merger = new PeriodMerger<JsMsg>({
      periodNs: BigInt(parseDuration(cfg.analyzer.period)), waitMs: parseDuration(cfg.aggregate.wait) / 1e6,
      missing: cfg.aggregate.missing, now: () => performance.now(), onWarning: (m) => this.warn(m), cursor, sensors,
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
      const deferred = exporters.map((e) => new DeferredExporter(e));
      let self: AggregateSession | undefined;
      const backend = new Backend({
        series: o.site, exporters: deferred, params: (name) => detectorParams(cfg, name), onPeriod: o.onPeriod, onWarning: o.onWarning,
        // Saved by commit() after every period, not every state_every.
        stateFile: { ...sf, every: Number.MAX_SAFE_INTEGER },
        cursor: () => self?.judgedThrough?.toString(),
      });
      backend.watch(analyzer.judgedStats());
      await backend.restoreState();
      const cursor = backend.restoredCursor !== undefined && /^\d+$/.test(backend.restoredCursor) ? BigInt(backend.restoredCursor) : undefined;
      const files: NamedFile[] = [];
      for (const e of exporters) files.push(...(e.outputFiles?.(o.site) ?? []));
      await refuseSharedFiles(files);
      for (const e of exporters) await e.start(o.site);

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
      const durable = `netspot-aggregate-${o.site}`;
      // Re-created at the ack floor: everything not acknowledged comes again, in stream order.
      let startSeq = 1;
      let replayUpTo = 0;
      try {
        const info = await jsm.consumers.info(stream, durable);
        startSeq = info.ack_floor.stream_seq + 1;
        replayUpTo = info.delivered.stream_seq;
        await jsm.consumers.delete(stream, durable);
      } catch (err) {
        if (!/not found/i.test((err as Error).message)) throw err;
      }
      await jsm.consumers.add(stream, {
        durable_name: durable, ack_policy: AckPolicy.Explicit, filter_subject: subjects,
        deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: startSeq, ack_wait: ackWaitNs(parseDuration(cfg.aggregate.wait)), max_ack_pending: MAX_ACK_PENDING,
      });
      self = new AggregateSession(cfg, o, stats, analyzer, backend, exporters, deferred, nc, stream, durable, replayUpTo, cursor, sensors);
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
    try {
      const consumer = await jetstream(this.nc).consumers.get(this.stream, this.durable);
      while (!this.stopping) {
        this.messages = await consumer.consume({ max_messages: 1000 });
        if (this.stopping) this.messages.stop();
        for await (const m of this.messages) {
          this.take(m);
          if (this.failure !== undefined) throw this.failure;
        }
        if (this.failure !== undefined) throw this.failure;
        if (!this.stopping) await new Promise((r) => setTimeout(r, 250));
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

  private take(m: JsMsg): void {
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
    if (next !== undefined && !this.stopping) this.timer = setTimeout(() => this.schedule(), Math.max(0, next - performance.now()) + 1);
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
    await this.backend.commit();
    for (const d of this.deferred) d.release();
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
