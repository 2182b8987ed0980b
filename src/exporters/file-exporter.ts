import { openSync, writeSync, closeSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Exporter, ExporterDef } from './exporter.js';
import { dataRecordToJson, alarmRecordToJson, episodeRecordToJson, type AlarmRecord, type DataRecord, type EpisodeRecord } from '../records/index.js';
import { InputError } from '../util/errors.js';

/** One JSON-lines output file; lines are buffered during a period and written at its end. */
class JsonLinesFile {
  private fd = -1;
  private pending = '';
  constructor(readonly path: string) {}

  open(flags: 'w' | 'a'): void {
    try {
      mkdirSync(dirname(this.path), { recursive: true });
      this.fd = openSync(this.path, flags, 0o644);
    } catch (err) {
      throw new InputError(`cannot open output file ${this.path}: ${(err as Error).message}`);
    }
  }
  push(line: string): void {
    this.pending += line + '\n';
  }
  flush(): void {
    if (this.pending === '' || this.fd < 0) return;
    writeSync(this.fd, this.pending);
    this.pending = '';
  }
  close(): void {
    this.flush();
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }
}

/** `%s` in a configured path becomes the series name (NetSpot's convention). */
export function expandSeriesPath(path: string, series: string): string {
  return path.replaceAll('%s', series);
}

class FileExporter implements Exporter {
  readonly name = 'file';
  private dataFile: JsonLinesFile | null = null;
  private alarmFile: JsonLinesFile | null = null;
  private episodeFile: JsonLinesFile | null = null;
  constructor(private readonly dataPath: string, private readonly alarmPath: string, private readonly episodePath = '') {}

  async start(series: string): Promise<void> {
    // A new run starts its files afresh, as NetSpot does.
    if (this.dataPath !== '') this.dataFile = new JsonLinesFile(expandSeriesPath(this.dataPath, series));
    if (this.alarmPath !== '') this.alarmFile = new JsonLinesFile(expandSeriesPath(this.alarmPath, series));
    if (this.episodePath !== '') this.episodeFile = new JsonLinesFile(expandSeriesPath(this.episodePath, series));
    this.dataFile?.open('w');
    this.alarmFile?.open('w');
    this.episodeFile?.open('w');
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
    this.dataFile?.flush();
    this.alarmFile?.flush();
    this.episodeFile?.flush();
  }
  async reopen(): Promise<void> {
    // After logrotate moved the files away: continue in new files at the same paths.
    for (const f of [this.dataFile, this.alarmFile, this.episodeFile]) {
      if (f === null) continue;
      f.close();
      f.open('a');
    }
  }
  async close(): Promise<void> {
    this.dataFile?.close();
    this.alarmFile?.close();
    this.episodeFile?.close();
  }
}

export const fileExporter: ExporterDef = {
  name: 'file',
  description: 'JSON lines to files (exporter.file.data, exporter.file.alarm, exporter.file.episode; %s = series name)',
  enabled: (cfg) => cfg.exporter.file.data !== '' || cfg.exporter.file.alarm !== '' || cfg.exporter.file.episode !== '',
  create: (cfg) => new FileExporter(cfg.exporter.file.data, cfg.exporter.file.alarm, cfg.exporter.file.episode),
};
