/**
 * Reads a series for `netspot spot`: one number per line, a column of a CSV file with a
 * header line, or a key of JSON-lines records. Lines starting with '#' are comments.
 * Empty values and `nan` are missing values (NaN); anything else that is not a number is an
 * error naming the line, unless invalid values are skipped.
 */
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { UsageError } from '../../util/errors.js';

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const INFINITY = /^([+-]?)inf(?:inity)?$/i;

/** Parses one textual value: a number, NaN for empty/nan, undefined when not a number. */
export function parseValue(text: string): number | undefined {
  const t = text.trim();
  if (t === '' || t.toLowerCase() === 'nan') return NaN;
  if (NUMBER.test(t)) return Number.parseFloat(t);
  const inf = INFINITY.exec(t);
  if (inf !== null) return inf[1] === '-' ? -Infinity : Infinity;
  return undefined;
}

export interface SeriesOptions {
  /** CSV column or JSON-lines key; plain numbers when undefined. */
  column?: string;
  /** Skip values that are not numbers instead of failing. */
  skipInvalid: boolean;
}

export interface SkippedValues {
  count: number;
  firstLine: number;
}

/** A value and the input line it came from. */
export interface SeriesValue {
  value: number;
  line: number;
}

/**
 * Yields the values of `input` in order. Throws a UsageError for a non-numeric value (unless
 * skipped, then counted in `skipped`), a missing column or a malformed record.
 */
export async function* readSeries(input: Readable, options: SeriesOptions, skipped: SkippedValues): AsyncGenerator<SeriesValue> {
  const lines = createInterface({ input, crlfDelay: Infinity });
  let lineNo = 0;
  let format: 'plain' | 'csv' | 'jsonl' | undefined = options.column === undefined ? 'plain' : undefined;
  let columnIndex = -1;
  const out: SeriesValue = { value: NaN, line: 0 };

  // `shown` is the offending value as the user wrote it (quoted when it is text).
  const invalid = (shown: string, why: string): void => {
    if (!options.skipInvalid) {
      throw new UsageError(`line ${lineNo}: ${why} ${shown} is not a number (use --skip-invalid to skip such values)`);
    }
    if (skipped.count++ === 0) skipped.firstLine = lineNo;
  };

  for await (const raw of lines) {
    lineNo++;
    // A byte-order mark would otherwise stick to the first value or column name.
    const line = lineNo === 1 && raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
    if (line.startsWith('#')) continue;
    let text: string;
    if (format === 'plain') {
      text = line;
    } else {
      if (line.trim() === '') continue;
      if (format === undefined) {
        format = line.trimStart().startsWith('{') ? 'jsonl' : 'csv';
        if (format === 'csv') {
          const header = splitCsv(line).map((h) => h.trim());
          columnIndex = header.indexOf(options.column as string);
          if (columnIndex < 0) {
            throw new UsageError(`line ${lineNo}: no column ${JSON.stringify(options.column)} in the CSV header (columns: ${header.join(', ')})`);
          }
          continue;
        }
      }
      if (format === 'csv') {
        const fields = splitCsv(line);
        if (columnIndex >= fields.length) {
          throw new UsageError(`line ${lineNo}: ${fields.length} fields, no column ${JSON.stringify(options.column)} (field ${columnIndex + 1})`);
        }
        text = fields[columnIndex];
      } else {
        const v = jsonField(line, options.column as string, lineNo);
        if (typeof v === 'number') {
          out.value = v;
          out.line = lineNo;
          yield out;
          continue;
        }
        if (v === null || v === undefined) {
          text = '';
        } else if (typeof v === 'string') {
          text = v;
        } else {
          invalid(JSON.stringify(v), `key ${JSON.stringify(options.column)}:`);
          continue;
        }
      }
    }
    const value = parseValue(text);
    if (value === undefined) {
      const where = format === 'plain' ? 'value' : `${format === 'csv' ? 'column' : 'key'} ${JSON.stringify(options.column)}:`;
      invalid(JSON.stringify(text.trim()), where);
      continue;
    }
    out.value = value;
    out.line = lineNo;
    yield out;
  }
}

function jsonField(line: string, key: string, lineNo: number): unknown {
  let record: unknown;
  try {
    record = JSON.parse(line);
  } catch {
    throw new UsageError(`line ${lineNo}: not a JSON record`);
  }
  if (typeof record !== 'object' || record === null || Array.isArray(record)) {
    throw new UsageError(`line ${lineNo}: not a JSON object`);
  }
  return (record as Record<string, unknown>)[key];
}

/** Splits a CSV line on commas, honouring double-quoted fields ("" is a quote). */
export function splitCsv(line: string): string[] {
  if (!line.includes('"')) return line.split(',');
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"') {
        if (line[i + 1] === '"') {
          field += '"';
          i++;
        } else {
          quoted = false;
        }
      } else {
        field += ch;
      }
    } else if (ch === '"') {
      quoted = true;
    } else if (ch === ',') {
      fields.push(field);
      field = '';
    } else {
      field += ch;
    }
  }
  fields.push(field);
  return fields;
}
