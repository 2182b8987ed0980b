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
import { openSource } from './open-source.js';
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
  ) {}

  static async open(cfg: Config, hooks: SessionHooks = {}): Promise<Session> {
    const periodNs = parseDuration(cfg.analyzer.period);
    // validateConfig checks this already; a Config built another way gets the same answer.
    if (!(periodNs >= PERIOD_MIN_NS && periodNs <= PERIOD_MAX_NS)) {
      throw new UsageError(`bad value for analyzer.period: ${JSON.stringify(cfg.analyzer.period)} (expected ${PERIOD_EXPECTED})`);
    }
    const source = await openSource(cfg);
    let exporters: Exporter[] = [];
    try {
      const analyzer = new Analyzer(cfg, source.name, { counters: hooks.counters });
      exporters = [...createExporters(cfg, { onWarning: hooks.onWarning }), ...(hooks.exporters ?? [])];
      const backend = new Backend({
        series: source.name, exporters, params: (name) => detectorParams(cfg, name), onPeriod: hooks.onPeriod, onWarning: hooks.onWarning,
        stateFile: stateFileOptions(cfg, cfg.analyzer.period, 'analyzer.period'),
      });
      backend.watch(analyzer.judgedStats());
      await backend.restoreState();
      // Before any output is truncated: no output may be the input or another output.
      const files: NamedFile[] = source.live ? [] : [{ key: 'miner.device', path: cfg.miner.device }];
      for (const e of exporters) files.push(...(e.outputFiles?.(source.name) ?? []));
      await refuseSharedFiles(files);
      for (const e of exporters) await e.start(source.name);
      const pipeline = new Pipeline({
        source, analyzer, backend, periodNs, idleTimeoutNs: parseDuration(cfg.miner.timeout), onWarning: hooks.onWarning,
      });
      return new Session(source, analyzer, backend, exporters, pipeline, periodNs);
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
    const results = await Promise.allSettled([this.source.close(), ...this.exporters.map((e) => e.close()), this.backend.close()]);
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
