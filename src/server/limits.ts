/**
 * What one client may cost the server: how long a request may take to arrive, how many
 * connections and event streams may be open, how much may be queued for a stream. Each bound
 * holds for every route and stream, present and future, because it is applied where
 * connections are accepted and events fanned out, not per route.
 */
import { parseDuration } from '../config/duration.js';
import { UsageError } from '../util/errors.js';

export interface ServerLimits {
  /** Headers and body of a request must have arrived within this time (408 after). */
  requestTimeoutMs: number;
  /** An idle keep-alive connection is closed after this time. */
  keepAliveTimeoutMs: number;
  /** A connection with no traffic either way is closed after this time (event streams excepted). */
  idleTimeoutMs: number;
  /** Connections open at once; more are refused at accept. */
  maxConnections: number;
  /** Event streams (`/api/events`) open at once; more get a 503. */
  maxEventClients: number;
  /** Bytes queued for one event stream; a client with more pending is dropped. */
  eventQueueBytes: number;
}

export const DEFAULT_LIMITS: Readonly<ServerLimits> = {
  requestTimeoutMs: 10_000,
  keepAliveTimeoutMs: 5_000,
  idleTimeoutMs: 60_000,
  maxConnections: 256,
  maxEventClients: 64,
  eventQueueBytes: 1024 * 1024,
};

/** A `--api.*` duration flag ("10s", "500ms") in milliseconds, at least 1 ms. */
export function durationFlag(flag: string, text: string): number {
  const ns = parseDuration(text);
  if (!Number.isFinite(ns) || ns < 1e6) throw new UsageError(`bad value for ${flag}: "${text}" (expected a duration of at least 1ms, e.g. 10s)`);
  return Math.round(ns / 1e6);
}

/** A `--api.*` count or size flag: a positive integer, sizes with an optional KiB/MiB suffix. */
export function countFlag(flag: string, text: string, sizes = false): number {
  const m = sizes ? /^(\d+)\s*(KiB|MiB)?$/.exec(text.trim()) : /^(\d+)$/.exec(text.trim());
  const n = m === null ? NaN : Number(m[1]) * (m[2] === 'MiB' ? 1024 * 1024 : m[2] === 'KiB' ? 1024 : 1);
  if (!Number.isSafeInteger(n) || n < 1) {
    throw new UsageError(`bad value for ${flag}: "${text}" (expected a positive integer${sizes ? ' of bytes, optionally with KiB or MiB' : ''})`);
  }
  return n;
}
