/**
 * Go-style durations as NetSpot writes them in its config: "500ms", "1s", "2m", "1m30s".
 * Units: ns, us (or µs), ms, s, m, h. A bare "0" is zero.
 */
const UNIT_NS: Record<string, number> = { ns: 1, us: 1e3, 'µs': 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };
const PART = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/y;

export const DURATION_PATTERN = '^(0|((\\d+(\\.\\d*)?|\\.\\d+)(ns|us|µs|ms|s|m|h))+)$';

/** Nanoseconds in `text`, or NaN when it is not a duration. */
export function parseDuration(text: string): number {
  if (text === '0') return 0;
  if (text.length === 0) return NaN;
  let total = 0;
  PART.lastIndex = 0;
  while (PART.lastIndex < text.length) {
    const m = PART.exec(text);
    if (m === null) return NaN;
    total += Number(m[1]) * UNIT_NS[m[2]];
  }
  return Math.round(total);
}

/** A short human form of a duration in nanoseconds, e.g. 1500000000 -> "1.5s". */
export function formatDuration(ns: number): string {
  if (ns >= 3600e9 && ns % 3600e9 === 0) return `${ns / 3600e9}h`;
  if (ns >= 60e9 && ns % 60e9 === 0) return `${ns / 60e9}m`;
  if (ns >= 1e9) return `${ns / 1e9}s`;
  if (ns >= 1e6) return `${ns / 1e6}ms`;
  if (ns >= 1e3) return `${ns / 1e3}us`;
  return `${ns}ns`;
}

/**
 * Bounds of analyzer.period. Below 1 ms a capture with gaps means millions of empty periods
 * per second of traffic; above 24 h a live timer would overflow nothing but no one waits a day
 * for a first value. Both ends stay far from setTimeout's limit (2^31-1 ms, about 24.8 days).
 */
export const PERIOD_MIN_NS = 1e6;
export const PERIOD_MAX_NS = 24 * 3600e9;
export const PERIOD_EXPECTED = 'a duration from 1ms to 24h';
/** miner.timeout: 0 (never) or up to 24 h. */
export const TIMEOUT_MAX_NS = 24 * 3600e9;
export const TIMEOUT_EXPECTED = 'a duration up to 24h (0s = never)';
/** Network exporters' flush deadline at the end of a run: a stop must not wait for hours. */
export const FLUSH_TIMEOUT_MAX_NS = 600e9;
export const FLUSH_TIMEOUT_EXPECTED = 'a duration up to 10m';

/** True when `text` is a duration whose length lies in [min, max] nanoseconds (finite). */
export function durationWithin(text: string, minNs: number, maxNs: number): boolean {
  const ns = parseDuration(text);
  return Number.isFinite(ns) && ns >= minNs && ns <= maxNs;
}
