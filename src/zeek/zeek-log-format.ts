/**
 * Writing values the way Zeek's ASCII writer does: header lines, `\xHH` escapes, unset `-`,
 * times as seconds with six decimals, the `#open`/`#close` date stamp.
 */

/** Zeek's date stamp of `#open`/`#close`: `2024-04-12-19-29-12` (UTC here). */
export function zeekDateStamp(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())}-${p(d.getUTCHours())}-${p(d.getUTCMinutes())}-${p(d.getUTCSeconds())}`;
}

/** The header block of a TSV log. */
export function zeekHeader(path: string, fields: readonly string[], types: readonly string[], open: Date): string {
  return [
    '#separator \\x09', '#set_separator\t,', '#empty_field\t(empty)', '#unset_field\t-', `#path\t${path}`,
    `#open\t${zeekDateStamp(open)}`, `#fields\t${fields.join('\t')}`, `#types\t${types.join('\t')}`,
  ].join('\n') + '\n';
}

/** Unix ns to Zeek's `time` text (seconds, six decimals). */
export function zeekTime(ns: bigint): string {
  const us = ns / 1000n;
  const sec = us / 1_000_000n;
  const frac = (us % 1_000_000n).toString().padStart(6, '0');
  return `${sec}.${frac}`;
}

/**
 * A double as Zeek writes it (six decimals); values that six decimals would turn into 0
 * (small probabilities) or that are huge use exponent notation, which Zeek's reader parses too.
 * Unset (NaN) is `-`.
 */
export function zeekDouble(v: number): string {
  if (!Number.isFinite(v)) return '-';
  const a = Math.abs(v);
  return v !== 0 && (a < 1e-6 || a >= 1e15) ? v.toExponential(6) : v.toFixed(6);
}

/** A string field: the separator, control bytes and a lone `-`/`(empty)` are escaped as `\xHH`. */
export function zeekString(s: string): string {
  if (s === '') return '(empty)';
  if (s === '-') return '\\x2d';
  if (s === '(empty)') return '\\x28empty)';
  return s.replace(/[\x00-\x1f\x7f\\]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
