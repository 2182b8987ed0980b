/**
 * One analysis run, from a validated config to flushed exporters: what both the CLI and the
 * server drive. Opening everything happens in `open` so that configuration mistakes surface
 * before any packet is read.
 */
import type { Config } from '../config/schema.js';
import { parseDuration } from '../config/duration.js';
import type { PacketSource } from '../source/packet-batch.js';
import { Analyzer, type PeriodResult } from '../analyzer/analyzer.js';
import { createExporters, type Exporter } from '../exporters/index.js';
import { Pipeline, type PipelineStatus } from './pipeline.js';
import { openSource } from './open-source.js';
import { UsageError } from '../util/errors.js';

export interface SessionHooks {
  onWarning?: (message: string) => void;
  onPeriod?: (result: PeriodResult) => void;
  /** Counters to compute beyond those the loaded statistics need (metrics, tests). */
  counters?: readonly string[];
  /** Extra exporters beyond those the config enables (the server's live feed). */
  exporters?: readonly Exporter[];
}

export class Session {
  private constructor(
    readonly source: PacketSource,
    readonly analyzer: Analyzer,
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
      const analyzer = new Analyzer(cfg, source.name, { counters: hooks.counters, onWarning: hooks.onWarning });
      exporters = [...createExporters(cfg), ...(hooks.exporters ?? [])];
      for (const e of exporters) await e.start(source.name);
      const pipeline = new Pipeline({
        source, analyzer, exporters, periodNs, idleTimeoutNs: parseDuration(cfg.miner.timeout), onWarning: hooks.onWarning, onPeriod: hooks.onPeriod,
      });
      return new Session(source, analyzer, exporters, pipeline, periodNs);
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
      // The detectors' last state (analyzer.state_file), after the last period was judged.
      await this.analyzer.close();
    }
  }

  stop(): void {
    this.pipeline.stop();
  }

  async reopenOutputs(): Promise<void> {
    for (const e of this.exporters) await e.reopen();
  }
}
