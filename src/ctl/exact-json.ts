/**
 * NetSpot's records carry `"time": <Unix ns>`, beyond 2^53: parse those as strings so they
 * stay exact, then format them with formatTimeNs.
 */
import { formatTimeNs } from '../records/index.js';

export function parseKeepingTimes(text: string): unknown {
  return JSON.parse(text.replace(/"time":(\d+)/g, '"time":"$1"'));
}

export function timeText(ns: unknown): string {
  return typeof ns === 'string' && /^\d+$/.test(ns) ? formatTimeNs(BigInt(ns)) : '-';
}
