import { writeSync } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import type { Exporter, ExporterDef, OutputLengths } from './exporter.js';
import { dataRecordToJson, alarmRecordToJson, episodeRecordToJson, type AlarmRecord, type DataRecord, type EpisodeRecord } from '../records/index.js';
import { OutputError } from '../util/errors.js';
import type { NamedFile } from '../util/file-identity.js';
import { ioReason, openOutputFile, type OutputMode } from '../util/safe-open.js';

/** One JSON-lines output file; lines are buffered during a period and written at its end. */
class JsonLinesFile {
  private handle: FileHandle | null = null;
  private pending = '';
  /** Why the file could not be (re)opened: later records fail loudly instead of vanishing. */
  private openFailure: Error | null = null;
  /** Bytes in the file after the last flush. */
  length = 0;
  /** `key` is the config key that named the file, for messages. */
  constructor(readonly key: string, readonly path: string) {}

  /** `keep`: append, after cutting the file back to `keep` bytes when it is longer. */
  async open(mode: OutputMode, keep?: number): Promise<void> {
    try {
      this.handle = await openOutputFile(this.path, this.key, mode);
      const size = (await this.handle.stat()).size;
      if (keep !== undefined && size > keep) await this.handle.truncate(keep);
      this.length = keep === undefined ? size : Math.min(size, keep);
      this.openFailure = null;
    } catch (err) {
      this.openFailure = err as Error;
      throw err;
    }
  }
  push(line: string): void {
    this.pending += line + '\n';
  }
  /** Writes the period's lines; an error names the key and the file, and drops those lines. */
  flush(): void {
    if (this.pending === '') return;
    if (this.handle === null) {
      if (this.openFailure === null) return;
      this.pending = '';
      throw new OutputError(`cannot write ${this.key} ${this.path}: the file could not be reopened (${this.openFailure.message})`);
    }
    const bytes = Buffer.from(this.pending);
    this.pending = '';
    let done = 0;
    try {
      // A regular file takes the whole write or fails (ENOSPC, EIO): loop for the short case.
      while (done < bytes.length) done += writeSync(this.handle.fd, bytes, done);
      this.length += done;
    } catch (err) {
      throw new OutputError(`cannot write ${this.key} ${this.path}: ${ioReason(err)} (${bytes.length - done} bytes not written)`);
    }
  }
  /** Flushes, then closes the file even when the flush failed. */
  async close(): Promise<void> {
    const handle = this.handle;
    if (handle === null) return;
    try {
      this.flush();
    } finally {
      this.handle = null;
      await handle.close();
    }
  }
}

/** `%s` in a configured path becomes the series name (NetSpot's convention). */
export function expandSeriesPath(path: string, series: string): string {
  return path.replaceAll('%s', series);
}

class FileExporter implements Exporter {
  readonly name = 'file';
  private files: JsonLinesFile[] = [];
  private dataFile: JsonLinesFile | null = null;
  private alarmFile: JsonLinesFile | null = null;
  private episodeFile: JsonLinesFile | null = null;
  constructor(private readonly dataPath: string, private readonly alarmPath: string, private readonly episodePath = '') {}

  outputFiles(series: string): NamedFile[] {
    const out: NamedFile[] = [];
    if (this.dataPath !== '') out.push({ key: 'exporter.file.data', path: expandSeriesPath(this.dataPath, series) });
    if (this.alarmPath !== '') out.push({ key: 'exporter.file.alarm', path: expandSeriesPath(this.alarmPath, series) });
    if (this.episodePath !== '') out.push({ key: 'exporter.file.episode', path: expandSeriesPath(this.episodePath, series) });
    return out;
  }

  async start(series: string, resume?: OutputLengths): Promise<void> {
    // A new run starts its files afresh, as NetSpot does; a resumed one continues them.
    for (const { key, path } of this.outputFiles(series)) {
      const f = new JsonLinesFile(key, path);
      if (key === 'exporter.file.data') this.dataFile = f;
      else if (key === 'exporter.file.alarm') this.alarmFile = f;
      else this.episodeFile = f;
    }
    try {
      for (const f of [this.dataFile, this.alarmFile, this.episodeFile]) {
        if (f === null) continue;
        if (resume === undefined) await f.open('truncate');
        else await f.open('append', resume[f.key]);
        this.files.push(f);
      }
    } catch (err) {
      await this.close().catch(() => {});
      throw err;
    }
  }
  data(r: DataRecord): void {
    this.dataFile?.push(dataRecordToJson(r));
  }
  alarm(a: AlarmRecord): void {
    this.alarmFile?.push(alarmRecordToJson(a));
  }
  episode(e: EpisodeRecord): void {
    this.episodeFile?.push(episodeRecordToJson(e));
  }
  flush(): void {
    // Every file is written even when the first fails; the first error is reported.
    let failure: unknown = null;
    for (const f of this.files) {
      try {
        f.flush();
      } catch (err) {
        failure ??= err;
      }
    }
    if (failure !== null) throw failure;
  }
  outputLengths(): OutputLengths {
    // Also once closed: the last save of the state file comes after the files are closed.
    const files = [this.dataFile, this.alarmFile, this.episodeFile].filter((f): f is JsonLinesFile => f !== null);
    return Object.fromEntries(files.map((f) => [f.key, f.length]));
  }
  async reopen(): Promise<void> {
    // After logrotate moved the files away: continue in new files at the same paths.
    for (const f of this.files) {
      await f.close();
      await f.open('append');
    }
  }
  /** Closes every file, even when one fails; rethrows the first failure. */
  async close(): Promise<void> {
    const files = this.files;
    this.files = [];
    const results = await Promise.allSettled(files.map((f) => f.close()));
    const failed = results.find((r) => r.status === 'rejected');
    if (failed !== undefined) throw (failed as PromiseRejectedResult).reason;
  }
}

export const fileExporter: ExporterDef = {
  name: 'file',
  description: 'JSON lines to files (exporter.file.data, exporter.file.alarm, exporter.file.episode; %s = series name)',
  enabled: (cfg) => cfg.exporter.file.data !== '' || cfg.exporter.file.alarm !== '' || cfg.exporter.file.episode !== '',
  create: (cfg) => new FileExporter(cfg.exporter.file.data, cfg.exporter.file.alarm, cfg.exporter.file.episode),
};
