/**
 * JSON text for API bodies that carry Unix-nanosecond times: those exceed 2^53, so they are
 * written from the bigint, digit for digit, as NetSpot's records do.
 */
const BIG = '\u0000big:';

export function jsonWithBigInt(value: unknown): string {
  const text = JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? BIG + v.toString() : v));
  return text.replace(/"\\u0000big:(-?\d+)"/g, '$1');
}

/** A finite number, or null (JSON has no NaN). */
export function finiteOrNull(v: number | null): number | null {
  return v !== null && Number.isFinite(v) ? v : null;
}
