/**
 * A record of a Zeek TSV log: the split line and its header. Values are converted on demand
 * from the column's `#types` (count, int, double, time, interval, port -> number; bool -> boolean;
 * set[...] and vector[...] -> arrays; the unset field -> null).
 */
import type { ZeekLogHeader } from './log-header.js';
import { unescapeZeek } from './log-header.js';
import type { ZeekRecord, ZeekScalar, ZeekValue } from './zeek-record.js';

const NUMERIC = new Set(['count', 'int', 'double', 'time', 'interval', 'port', 'counter']);

function scalar(text: string, type: string): ZeekScalar {
  if (NUMERIC.has(type)) return Number(text);
  if (type === 'bool') return text === 'T';
  return unescapeZeek(text);
}

export class TsvRecord implements ZeekRecord {
  constructor(
    readonly path: string,
    readonly tsUs: number,
    private readonly header: ZeekLogHeader,
    private readonly cols: readonly string[],
  ) {}

  field(name: string): ZeekValue {
    const h = this.header;
    const i = h.index.get(name);
    if (i === undefined) return null;
    const text = this.cols[i];
    if (text === undefined || text === h.unsetField) return null;
    const type = h.types[i] ?? 'string';
    const container = /^(?:set|vector)\[(.*)\]$/.exec(type);
    if (container !== null) {
      if (text === h.emptyField) return [];
      return text.split(h.setSeparator).map((e) => scalar(e, container[1]));
    }
    if (text === h.emptyField && type === 'string') return '';
    return scalar(text, type);
  }

  fieldNames(): readonly string[] {
    return this.header.fields;
  }
}
