/**
 * One Zeek log record, whatever the format it was read from (TSV or JSON). Values are
 * normalised so that both formats of the same traffic give the same features: numbers are
 * numbers, booleans booleans, sets and vectors arrays, an unset field `null`.
 */
export type ZeekScalar = string | number | boolean;
export type ZeekValue = ZeekScalar | readonly ZeekScalar[] | null;

export interface ZeekRecord {
  /** The log's path (`conn`, `dns`, `stats`, ...). */
  readonly path: string;
  /** `ts`, Unix microseconds (exact: Zeek writes microseconds). */
  readonly tsUs: number;
  /** A field's value; `null` when unset or absent. */
  field(name: string): ZeekValue;
  /** Names of the fields this record has (numeric ones feed bro-spotd mode). */
  fieldNames(): readonly string[];
}

/** The text a value compares as (distinct counts, `ratio(FIELD=VALUE)`): `T`/`F` for booleans. */
export function scalarKey(v: ZeekScalar): string {
  return typeof v === 'boolean' ? (v ? 'T' : 'F') : String(v);
}

/** Zeek TSV `time` text (`1521911720.865716`) to exact microseconds; NaN when it is not one. */
export function epochTextToUs(text: string): number {
  const m = /^(-?\d+)(?:\.(\d+))?$/.exec(text);
  if (m === null) return NaN;
  const frac = (m[2] ?? '').padEnd(6, '0').slice(0, 6);
  const sec = Number(m[1]);
  return sec * 1e6 + (m[1].startsWith('-') ? -1 : 1) * Number(frac);
}

const ISO = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:?\d\d)$/;

/** JSON `ts`: epoch seconds (number or numeric text) or ISO 8601; NaN when neither. */
export function jsonTsToUs(v: unknown): number {
  if (typeof v === 'number') return Number.isFinite(v) ? Math.round(v * 1e6) : NaN;
  if (typeof v !== 'string') return NaN;
  const m = ISO.exec(v);
  if (m === null) return epochTextToUs(v);
  const ms = Date.parse(m[1] + m[3]);
  if (!Number.isFinite(ms)) return NaN;
  return ms * 1000 + Number((m[2] ?? '').padEnd(6, '0').slice(0, 6));
}
