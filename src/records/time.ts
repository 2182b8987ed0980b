/** ISO-8601 UTC form of a Unix-nanosecond time, to the microsecond (for humans). */
export function formatTimeNs(ns: bigint): string {
  const ms = Number(ns / 1_000_000n);
  const us = Number((ns / 1000n) % 1000n);
  const iso = new Date(ms).toISOString(); // 2024-01-01T00:00:00.000Z
  return `${iso.slice(0, 23)}${String(us).padStart(3, '0')}Z`;
}
