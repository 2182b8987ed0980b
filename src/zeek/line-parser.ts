/**
 * Turns the lines of one Zeek log file into records. The format is told line by line: `#`
 * starts a TSV header line, `{` a JSON object, anything else a TSV data line (which needs a
 * `#fields` header first). A new header block (after rotation or truncation) replaces the
 * previous one. A bad line throws a ZeekLineError; the caller counts it and goes on.
 */
import { applyHeaderLine, defaultHeader, type ZeekLogHeader } from './log-header.js';
import { JsonRecord } from './json-record.js';
import { TsvRecord } from './tsv-record.js';
import { epochTextToUs, jsonTsToUs, type ZeekRecord } from './zeek-record.js';

export class ZeekLineError extends Error {
  override name = 'ZeekLineError';
}

export class ZeekLineParser {
  private header: ZeekLogHeader = defaultHeader();
  private tsCol = -1;
  /** `#close` was seen: the file is complete. */
  closed = false;

  /** `fallbackPath`: the log's path when a JSON line has no `_path` (a file named dns.log -> dns). */
  constructor(private readonly fallbackPath: string) {}

  /** The path of the current TSV header, or the fallback. */
  get path(): string {
    return this.header.path || this.fallbackPath;
  }

  /** A record, or null for a header or blank line. */
  parse(line: string): ZeekRecord | null {
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (line === '') return null;
    const c = line.charCodeAt(0);
    if (c === 0x23 /* # */) return this.headerLine(line);
    if (c === 0x7b /* { */) return this.jsonLine(line);
    return this.tsvLine(line);
  }

  private headerLine(line: string): null {
    if (line.startsWith('#separator ')) {
      // A new header block starts: forget the previous one.
      this.header = defaultHeader();
      this.tsCol = -1;
      this.closed = false;
    }
    let kind: string;
    try {
      kind = applyHeaderLine(this.header, line);
    } catch (err) {
      throw new ZeekLineError(`bad header line: ${(err as Error).message}`);
    }
    if (kind === 'close') this.closed = true;
    if (kind === 'fields') this.tsCol = this.header.index.get('ts') ?? -1;
    return null;
  }

  private tsvLine(line: string): ZeekRecord {
    const h = this.header;
    if (h.fields.length === 0) throw new ZeekLineError('data line before any #fields header');
    const cols = line.split(h.separator);
    if (cols.length !== h.fields.length) {
      throw new ZeekLineError(`${cols.length} columns where #fields names ${h.fields.length}`);
    }
    if (this.tsCol < 0) throw new ZeekLineError('the log has no ts field');
    const tsUs = epochTextToUs(cols[this.tsCol]);
    if (!Number.isFinite(tsUs)) throw new ZeekLineError(`bad ts "${cols[this.tsCol]}"`);
    return new TsvRecord(this.path, tsUs, h, cols);
  }

  private jsonLine(line: string): ZeekRecord {
    let obj: unknown;
    try {
      obj = JSON.parse(line);
    } catch (err) {
      throw new ZeekLineError(`not JSON: ${(err as Error).message}`);
    }
    if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) throw new ZeekLineError('a JSON line that is not an object');
    const o = obj as Record<string, unknown>;
    const tsUs = jsonTsToUs(o.ts);
    if (!Number.isFinite(tsUs)) throw new ZeekLineError(`bad or missing ts ${JSON.stringify(o.ts)}`);
    const path = typeof o._path === 'string' && o._path !== '' ? o._path : this.fallbackPath;
    return new JsonRecord(path, tsUs, o);
  }
}

/** The log path a file name suggests: `dns.log`, `dns.16:00:00-17:00:00.log.gz`, `x__dns.json` -> `dns`. */
export function pathFromFileName(file: string): string {
  const base = file.replace(/^.*\//, '').replace(/^.*__/, '');
  return base.split('.')[0] ?? base;
}
