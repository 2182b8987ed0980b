/**
 * One analysis run, from a validated config to flushed exporters: what both the CLI and the
 * server drive. Opening everything happens in `open` so that configuration mistakes surface
 * before any packet is read.
 */
import type { Config } from '../config/schema.js';
import { parseDuration } from '../config/duration.js';
import type { PacketSource } from '../source/packet-batch.js';
import { Analyzer } from '../analyzer/analyzer.js';
import { detectorParams } from '../analyzer/stat-detector.js';
import { Backend, type PeriodResult } from '../backend/backend.js';
import { createExporters, type Exporter } from '../exporters/index.js';
import { Pipeline, type PipelineStatus } from './pipeline.js';
import { openSource } from './open-source.js';
import { UsageError } from '../util/errors.js';
import type { RunProgress, RunSession } from '../backend/run-session.js';

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
    if (!(periodNs > 0)) throw new UsageError(`bad value for analyzer.period: "${cfg.analyzer.period}" (expected a duration above 0)`);
    const source = await openSource(cfg);
    let exporters: Exporter[] = [];
    try {
      const analyzer = new Analyzer(cfg, source.name, { counters: hooks.counters });
      exporters = [...createExporters(cfg), ...(hooks.exporters ?? [])];
      const backend = new Backend({
        series: source.name, exporters, params: (name) => detectorParams(cfg, name), onPeriod: hooks.onPeriod, onWarning: hooks.onWarning,
      });
      backend.watch(analyzer.judgedStats());
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

  /** Runs to the end of the input or to `stop()`, then closes the source and exporters. */
  async run(): Promise<PipelineStatus> {
    try {
      return await this.pipeline.run();
    } finally {
      await this.source.close();
      for (const e of this.exporters) await e.close();
    }
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
    return { ...s, bytesRead: src.bytesRead, bytesTotal: src.bytesTotal, records: 0, badLines: 0, lateRecords: 0 };
  }

  async reopenOutputs(): Promise<void> {
    for (const e of this.exporters) await e.reopen();
  }
}
