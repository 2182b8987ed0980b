/**
 * A Zeek ASCII (TSV) log header: `#separator`, `#set_separator`, `#empty_field`,
 * `#unset_field`, `#path`, `#open`, `#fields`, `#types`, `#close`. Header values may hold
 * `\xHH` escapes (`#separator \x09`).
 */
export interface ZeekLogHeader {
  separator: string;
  setSeparator: string;
  emptyField: string;
  unsetField: string;
  path: string;
  open: string;
  fields: string[];
  types: string[];
  /** Field name -> column index. */
  index: Map<string, number>;
}

/** Zeek's defaults, used until a header line says otherwise. */
export function defaultHeader(): ZeekLogHeader {
  return {
    separator: '\t', setSeparator: ',', emptyField: '(empty)', unsetField: '-', path: '', open: '',
    fields: [], types: [], index: new Map(),
  };
}

/** Replaces Zeek's `\xHH` escapes by their characters. */
export function unescapeZeek(s: string): string {
  if (s.indexOf('\\x') < 0) return s;
  return s.replace(/\\x([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
}

/**
 * Applies one `#` line to the header. Returns 'close' for `#close`, 'fields' when `#fields`
 * (re)defined the columns, 'other' for the rest. Throws an Error naming the problem for a
 * line that is not a header line Zeek writes.
 */
export function applyHeaderLine(h: ZeekLogHeader, line: string): 'close' | 'fields' | 'other' {
  if (line.startsWith('#separator ')) {
    h.separator = unescapeZeek(line.slice('#separator '.length));
    if (h.separator === '') throw new Error('empty #separator');
    return 'other';
  }
  const sep = line.indexOf(h.separator);
  const key = sep < 0 ? line.slice(1) : line.slice(1, sep);
  const rest = sep < 0 ? [] : line.slice(sep + h.separator.length).split(h.separator);
  const one = unescapeZeek(rest.join(h.separator));
  switch (key) {
    case 'set_separator': h.setSeparator = one; return 'other';
    case 'empty_field': h.emptyField = one; return 'other';
    case 'unset_field': h.unsetField = one; return 'other';
    case 'path': h.path = one; return 'other';
    case 'open': h.open = one; return 'other';
    case 'close': return 'close';
    case 'fields':
      h.fields = rest;
      h.index = new Map(rest.map((f, i) => [f, i]));
      if (h.types.length !== h.fields.length) h.types = rest.map(() => 'string');
      return 'fields';
    case 'types':
      if (rest.length !== h.fields.length) throw new Error(`#types has ${rest.length} columns, #fields ${h.fields.length}`);
      h.types = rest;
      return 'other';
    default:
      // Zeek writes no other header lines; other `#` lines (comments of hand-edited logs) are skipped.
      return 'other';
  }
}
