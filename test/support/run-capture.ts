/** Runs the real pipeline on a capture and collects every record (an exporter of the test's own). */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from './servers.js';
import { loadConfig } from '../../src/config/load.js';
import { Session } from '../../src/pipeline/session.js';
import type { Exporter } from '../../src/exporters/index.js';
import type { AlarmRecord, DataRecord, EpisodeRecord } from '../../src/records/index.js';
import type { PipelineStatus } from '../../src/pipeline/pipeline.js';

export class CollectingExporter implements Exporter {
  readonly name = 'test';
  readonly records: DataRecord[] = [];
  readonly alarms: AlarmRecord[] = [];
  readonly episodes: EpisodeRecord[] = [];
  flushes = 0;
  async start(): Promise<void> {}
  data(r: DataRecord): void {
    this.records.push(r);
  }
  alarm(a: AlarmRecord): void {
    this.alarms.push(a);
  }
  episode(e: EpisodeRecord): void {
    this.episodes.push(e);
  }
  flush(): void {
    this.flushes++;
  }
  async reopen(): Promise<void> {}
  async close(): Promise<void> {}
}

export function tempFile(name: string, bytes: Uint8Array | string): string {
  // Removed when the test process exits, as every temporary folder of the tests.
  const dir = tempDir('test');
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

export async function runCapture(
  path: string,
  overrides: Array<[string, unknown]> = [],
  counters: string[] = [],
): Promise<{ collector: CollectingExporter; status: PipelineStatus; warnings: string[] }> {
  const cfg = await loadConfig({
    overrides: [['miner.device', path], ['exporter.console.alarm', false], ...overrides],
  });
  const collector = new CollectingExporter();
  const warnings: string[] = [];
  const session = await Session.open(cfg, { exporters: [collector], counters, onWarning: (m) => warnings.push(m) });
  const status = await session.run();
  warnings.push(...session.source.warnings());
  return { collector, status, warnings };
}
