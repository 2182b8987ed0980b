/**
 * `spot-anomaly.log`: alarms written as a Zeek log, so that Zeek reads them back (the package
 * in zeek/ uses the Input framework in STREAM mode) and so that Zeek tooling reads them. The
 * first columns are bro-spotd's (ts, id, feature, probability), then status, value and
 * threshold. TSV with Zeek's exact header, or JSON lines (one object per alarm, unset fields
 * left out, `ts` in epoch seconds, as Zeek's JSON writer does).
 *
 * The file is only ever appended to: Zeek's STREAM mode cannot follow a rotation. A new run
 * (or a reopen after the file was moved away) appends a new header block, which Zeek's reader
 * and ours accept; ids continue after the records already in the file.
 */
import { existsSync, readFileSync, statSync, writeSync } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { openOutputFile } from '../util/safe-open.js';
import type { NamedFile } from '../util/file-identity.js';
import type { Exporter } from '../exporters/exporter.js';
import type { AlarmRecord, DataRecord } from '../records/index.js';
import { zeekDateStamp, zeekDouble, zeekHeader, zeekString, zeekTime } from './zeek-log-format.js';

export const ANOMALY_LOG_NAME = 'spot-anomaly.log';
export const ANOMALY_FIELDS = ['ts', 'id', 'feature', 'probability', 'status', 'value', 'threshold'] as const;
export const ANOMALY_TYPES = ['time', 'int', 'string', 'double', 'string', 'double', 'double'] as const;

export type AnomalyLogFormat = 'tsv' | 'json';

/** Data lines already in a file (to continue the ids). */
function recordsIn(path: string): number {
  if (!existsSync(path)) return 0;
  let n = 0;
  for (const l of readFileSync(path, 'utf8').split('\n')) if (l !== '' && !l.startsWith('#')) n++;
  return n;
}

export class AnomalyLogExporter implements Exporter {
  readonly name = 'zeek-anomaly-log';
  readonly path: string;
  private fh: FileHandle | null = null;
  private pending = '';
  private nextId = 1;

  constructor(dir: string, private readonly format: AnomalyLogFormat = 'tsv', private readonly now: () => Date = () => new Date()) {
    this.path = join(dir, ANOMALY_LOG_NAME);
  }

  outputFiles(): readonly NamedFile[] {
    return [{ key: 'zeek.anomaly_log', path: this.path }];
  }

  async start(): Promise<void> {
    this.nextId = recordsIn(this.path) + 1;
    await this.open(true);
  }

  /** Appends (never truncates); `header`: write a header block first (a new run, or a new file). */
  private async open(header: boolean): Promise<void> {
    this.fh = await openOutputFile(this.path, 'zeek.anomaly_log', 'append');
    if (header && this.format === 'tsv') writeSync(this.fh.fd, zeekHeader('spot-anomaly', ANOMALY_FIELDS, ANOMALY_TYPES, this.now()));
  }

  data(_r: DataRecord): void {}

  alarm(a: AlarmRecord): void {
    const id = this.nextId++;
    if (this.format === 'json') {
      const o: Record<string, unknown> = { ts: Number(a.timeNs / 1000n) / 1e6, id, feature: a.stat };
      if (Number.isFinite(a.probability)) o.probability = a.probability;
      o.status = a.status;
      if (Number.isFinite(a.value)) o.value = a.value;
      if (Number.isFinite(a.threshold)) o.threshold = a.threshold;
      this.pending += JSON.stringify(o) + '\n';
      return;
    }
    this.pending += [zeekTime(a.timeNs), String(id), zeekString(a.stat), zeekDouble(a.probability), a.status, zeekDouble(a.value), zeekDouble(a.threshold)].join('\t') + '\n';
  }

  flush(): void {
    if (this.pending === '' || this.fh === null) return;
    writeSync(this.fh.fd, this.pending);
    this.pending = '';
  }

  async reopen(): Promise<void> {
    this.flush();
    await this.fh?.close();
    this.fh = null;
    // Moved away (against the advice above): start the new file with its header.
    const moved = !existsSync(this.path) || statSync(this.path).size === 0;
    await this.open(moved);
  }

  async close(): Promise<void> {
    this.flush();
    const fh = this.fh;
    if (fh === null) return;
    this.fh = null;
    if (this.format === 'tsv') writeSync(fh.fd, `#close\t${zeekDateStamp(this.now())}\n`);
    await fh.close();
  }
}
