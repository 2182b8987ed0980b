/** Escaping text for roff (man pages): backslashes, hyphens, and lines that would read as requests. */

/** Escapes running text: `\` and `-` (a plain `-` may render as a hyphen, not a minus). */
export function roffText(s: string): string {
  return s.replaceAll('\\', '\\e').replaceAll('-', '\\-');
}

/** One or more lines of text, each protected against a leading `.` or `'`. */
export function roffLines(s: string): string {
  return s
    .split('\n')
    .map((line) => roffText(line))
    .map((line) => (/^[.']/.test(line) ? `\\&${line}` : line))
    .join('\n');
}

/** A `.TH` header; the date comes from SOURCE_DATE_EPOCH when set, so builds are reproducible. */
export function roffHeader(title: string, section: number, version: string, manual: string): string {
  const epoch = process.env.SOURCE_DATE_EPOCH;
  const date = (epoch !== undefined && epoch !== '' ? new Date(Number(epoch) * 1000) : new Date()).toISOString().slice(0, 10);
  return `.TH "${title.toUpperCase()}" "${section}" "${date}" "netspot ${version}" "${manual}"`;
}

/** One argument of a macro (`.B`, `.SS`, ...): quoted, so spaces stay, with its own quotes as `\(dq`. */
export function roffArg(s: string): string {
  return `"${roffText(s).replaceAll('"', '\\(dq')}"`;
}
