/**
 * Where the API listens: `tcp://HOST:PORT` or `unix:///path/to.sock`. Shared by `netspot serve`
 * and `netspotctl`, so both read the same syntax the same way.
 */
import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { UsageError } from '../util/errors.js';

export const DEFAULT_ENDPOINT = 'tcp://localhost:11000';

export type Endpoint =
  | { kind: 'tcp'; host: string; port: number }
  | { kind: 'unix'; path: string };

export function parseEndpoint(text: string): Endpoint {
  const t = text.trim();
  if (t.startsWith('unix://')) {
    const p = t.slice('unix://'.length);
    if (p === '') throw new UsageError(`bad endpoint "${text}" (expected unix:///path/to.sock)`);
    return { kind: 'unix', path: resolve(p) };
  }
  if (t.startsWith('tcp://')) {
    const m = /^\[([0-9a-fA-F:.]+)\]:(\d+)$|^([^:/[\]]+):(\d+)$/.exec(t.slice('tcp://'.length));
    if (m !== null) {
      const host = m[1] ?? m[3];
      const port = Number(m[2] ?? m[4]);
      if (port <= 65535) return { kind: 'tcp', host, port };
    }
  }
  throw new UsageError(`bad endpoint "${text}" (expected tcp://HOST:PORT, e.g. ${DEFAULT_ENDPOINT}, or unix:///path/to.sock)`);
}

export function formatEndpoint(e: Endpoint): string {
  if (e.kind === 'unix') return `unix://${e.path}`;
  return `tcp://${isIP(e.host) === 6 ? `[${e.host}]` : e.host}:${e.port}`;
}

/** Whether a host name or address only reaches this machine (no token needed there). */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  if (isIP(h) === 6) return h === '::1' || /^::ffff:127\./.test(h);
  return false;
}
