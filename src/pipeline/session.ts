/**
 * One analysis run, from a validated config to flushed exporters: what both the CLI and the
 * server drive. Opening everything happens in `open` so that configuration mistakes surface
 * before any packet is read.
 */
import type { Config } from '../config/schema.js';
import { parseDuration, PERIOD_EXPECTED, PERIOD_MAX_NS, PERIOD_MIN_NS } from '../config/duration.js';
import type { PacketSource } from '../source/packet-batch.js';
import { Analyzer } from '../analyzer/analyzer.js';
import { detectorParams } from '../analyzer/stat-detector.js';
import { Backend, stateFileOptions, type PeriodResult } from '../backend/backend.js';
import { createExporters, type Exporter, type ExporterHealth } from '../exporters/index.js';
import { Pipeline, type PipelineStatus } from './pipeline.js';
import { liveOptions, openSource } from './open-source.js';
import { LiveWorkerCapture, resolveLiveWorkers, type Harvested } from './live-workers.js';
import { resolveWorkers, WorkerPool } from './worker-pool.js';
import { UsageError } from '../util/errors.js';
import type { RunProgress, RunSession } from '../backend/run-session.js';
import { refuseSharedFiles, type NamedFile } from '../util/file-identity.js';

export interface SessionHooks {
  onWarning?: (message: string) => void;
  onPeriod?: (result: PeriodResult) => void;
  /** Counters to compute beyond those the loaded statistics need (metrics, tests). */
  counters?: readonly string[];
  /** Extra exporters beyond those the config enables (the server's live feed). */
  exporters?: readonly Exporter[];
  /** Capture files: read window in bytes (tests use tiny ones so that small captures make many batches). */
  chunkSize?: number;
}

export class Session implements RunSession {
  readonly input = 'packets' as const;
  private constructor(
    readonly source: PacketSource,
    readonly analyzer: Analyzer,
    readonly backend: Backend,
    readonly exporters: readonly Exporter[],
    readonly pipeline: Pipeline,
    readonly periodNs: number,
    /** Threads that count the packets (1: the main thread). */
    readonly workers: number,
  ) {}

  static async open(cfg: Config, hooks: SessionHooks = {}): Promise<Session> {
    const periodNs = parseDuration(cfg.analyzer.period);
    // validateConfig checks this already; a Config built another way gets the same answer.
    if (!(periodNs >= PERIOD_MIN_NS && periodNs <= PERIOD_MAX_NS)) {
      throw new UsageError(`bad value for analyzer.period: ${JSON.stringify(cfg.analyzer.period)} (expected ${PERIOD_EXPECTED})`);
    }
    let source: PacketSource = await openSource(cfg, { chunkSize: hooks.chunkSize });
    let exporters: Exporter[] = [];
    try {
      const analyzer = new Analyzer(cfg, source.name, { counters: hooks.counters, keepState: cfg.exporter.nats.url !== '' });
      exporters = [...createExporters(cfg, { onWarning: hooks.onWarning, counterState: () => ({ state: analyzer.lastState, period: analyzer.lastPeriod, talkers: analyzer.lastTalkers }) }), ...(hooks.exporters ?? [])];
      const backend = new Backend({
        series: source.name, exporters, params: (name) => detectorParams(cfg, name), onPeriod: hooks.onPeriod, onWarning: hooks.onWarning, episodeGap: cfg.analyzer.episode_gap,
        stateFile: stateFileOptions(cfg, cfg.analyzer.period, 'analyzer.period'),
      });
      backend.watch(analyzer.judgedStats());
      await backend.restoreState();
      // Before any output is truncated: no output may be the input or another output.
      const files: NamedFile[] = source.live ? [] : [{ key: 'miner.device', path: cfg.miner.device }];
      for (const e of exporters) files.push(...(e.outputFiles?.(source.name) ?? []));
      await refuseSharedFiles(files);
      for (const e of exporters) await e.start(source.name);
      let workers = source.live ? resolveLiveWorkers(cfg.analyzer.workers) : resolveWorkers(cfg.analyzer.workers, false, source.stats().bytesTotal);
      // exporter.nats publishes the main analyzer's whole period state: one thread counts, so
      // that no period reaches it as worker values without their state.
      if (cfg.exporter.nats.url !== '') workers = 1;
      const stateless = analyzer.statelessPacketCounters();
      if (workers > 1 && stateless.length > 0) {
        // Counts that cannot be merged would be lost in the workers: one thread keeps them whole.
        // Said only when workers were asked for; the automatic choice falls back silently.
        if (cfg.analyzer.workers > 1) {
          hooks.onWarning?.(`analyzer.workers ${cfg.analyzer.workers}: counting in one thread, ${stateless.join(', ')} cannot merge counts across threads`);
        }
        workers = 1;
      }
      const setup = { cfg, series: source.name, counters: hooks.counters ?? [] };
      let harvest: (() => Promise<Harvested>) | undefined;
      if (source.live && workers > 1) {
        // The main capture checked the device, rights and filter; each thread now opens its own.
        await source.close();
        const capture = await LiveWorkerCapture.start(workers, { ...setup, live: liveOptions(cfg) }, analyzer);
        source = capture;
        harvest = () => capture.harvest();
      }
      const pipeline = new Pipeline({
        source, analyzer, backend, periodNs, align: cfg.analyzer.align, idleTimeoutNs: parseDuration(cfg.miner.timeout), onWarning: hooks.onWarning,
        workers: workers > 1 && !source.live ? (slotBytes, slotPackets) => new WorkerPool(workers, setup, slotBytes, slotPackets) : undefined,
        // A job is four read windows: tiny windows in tests make many jobs of small captures.
        jobBytes: hooks.chunkSize === undefined ? undefined : 4 * hooks.chunkSize,
        harvest,
      });
      return new Session(source, analyzer, backend, exporters, pipeline, periodNs, workers);
    } catch (err) {
      await Promise.allSettled(exporters.map((e) => e.close()));
      await source.close();
      throw err;
    }
  }

  /**
   * Runs to the end of the input or to `stop()`, then closes the source and every exporter,
   * each even when another fails to close; the run's own error comes first.
   */
  async run(): Promise<PipelineStatus> {
    let status: PipelineStatus;
    try {
      status = await this.pipeline.run();
    } catch (err) {
      await this.closeAll();
      throw err;
    }
    const failure = await this.closeAll();
    if (failure !== undefined) throw failure;
    return status;
  }

  /**
   * Closes the source, the exporters and the back end (its last analyzer.state_file save, after the
   * last period was judged); resolves to the first failure, if any.
   */
  private async closeAll(): Promise<unknown> {
    // The episodes still open end with the input, before the exporters close.
    const ended = (async () => this.backend.finish())();
    const results = await Promise.allSettled([ended, this.source.close(), ...this.exporters.map((e) => e.close()), this.backend.close()]);
    return results.find((r): r is PromiseRejectedResult => r.status === 'rejected')?.reason;
  }

  stop(): void {
    this.pipeline.stop();
  }

  get series(): string {
    return this.source.name;
  }

  get live(): boolean {
    return this.source.live;
  }

  watched(): string[] {
    return this.backend.names();
  }

  progress(): RunProgress {
    const s = this.pipeline.state;
    const src = this.source.stats();
    const approx = this.analyzer.approximate;
    return {
      ...s, bytesRead: src.bytesRead, bytesTotal: src.bytesTotal, records: 0, badLines: 0, lateRecords: 0,
      approximate: { periods: approx.periods, byStat: { ...approx.byStat } },
    };
  }

  /** Delivery figures of the exporters that report them (network exporters). */
  exporterHealth(): ExporterHealth[] {
    return this.exporters.flatMap((e) => (e.health === undefined ? [] : [e.health()]));
  }

  async reopenOutputs(): Promise<void> {
    for (const e of this.exporters) await e.reopen();
  }
}
