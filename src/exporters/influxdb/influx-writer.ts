/**
 * Writes batches of line-protocol points over HTTP: InfluxDB 1.x's `/write` (creating the
 * database first, as NetSpot does) or InfluxDB 2's `/api/v2/write`. Node's own HTTP client
 * with a keep-alive agent, which reconnects by itself: undici would cost a quarter second of
 * CPU at every start (loading and compiling its parser) for a few requests a second. A
 * refused connection, a timeout or a 5xx is retried by the sender; a 4xx other than a missing
 * database is a rejection (retrying cannot help).
 */
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { QueuedRecord } from '../network/record-queue.js';
import { RejectedError, type Transport } from '../network/background-sender.js';

export type InfluxTarget =
  | { api: 'v1'; database: string; username: string; password: string }
  | { api: 'v2'; org: string; bucket: string; token: string };

/** How long one request may take before it is abandoned and retried. */
const REQUEST_TIMEOUT_MS = 10_000;

export class InfluxWriter implements Transport {
  readonly peer: string;
  private readonly url: URL;
  private readonly agent: HttpAgent;
  private readonly writePath: string;
  private readonly queryPath: string;
  private readonly headers: Record<string, string>;
  private databaseReady = false;

  constructor(address: string, private readonly target: InfluxTarget) {
    const url = new URL(address);
    this.url = url;
    this.peer = url.origin;
    const base = url.pathname.replace(/\/+$/, '');
    this.agent = url.protocol === 'https:' ? new HttpsAgent({ keepAlive: true, maxSockets: 1 }) : new HttpAgent({ keepAlive: true, maxSockets: 1 });
    this.headers = { 'content-type': 'text/plain; charset=utf-8' };
    if (target.api === 'v1') {
      this.writePath = `${base}/write?${new URLSearchParams({ db: target.database, precision: 'ns' })}`;
      if (target.username !== '') {
        this.headers.authorization = `Basic ${Buffer.from(`${target.username}:${target.password}`).toString('base64')}`;
      }
    } else {
      this.writePath = `${base}/api/v2/write?${new URLSearchParams({ org: target.org, bucket: target.bucket, precision: 'ns' })}`;
      this.headers.authorization = `Token ${target.token}`;
    }
    this.queryPath = `${base}/query`;
  }

  async send(batch: readonly QueuedRecord[], signal: AbortSignal): Promise<void> {
    if (this.target.api === 'v1' && !this.databaseReady) await this.createDatabase(signal);
    let body = '';
    for (const r of batch) body += r.payload + '\n';
    const res = await this.post(this.writePath, this.headers, body, signal);
    const text = res.text;
    if (res.statusCode === 204 || res.statusCode === 200) return;
    const why = `HTTP ${res.statusCode}${text === '' ? '' : `: ${errorText(text)}`}`;
    if (res.statusCode === 404 && this.target.api === 'v1' && /database not found/i.test(text)) {
      this.databaseReady = false; // dropped behind our back (or a fresh server): create it again
      throw new Error(why);
    }
    if (res.statusCode >= 400 && res.statusCode < 500 && res.statusCode !== 408 && res.statusCode !== 429) throw new RejectedError(why);
    throw new Error(why);
  }

  async close(): Promise<void> {
    this.agent.destroy();
  }

  private post(path: string, headers: Record<string, string>, body: string, signal: AbortSignal): Promise<{ statusCode: number; text: string }> {
    const u = this.url;
    return new Promise((resolve, reject) => {
      const req = (u.protocol === 'https:' ? httpsRequest : httpRequest)(
        {
          hostname: u.hostname.replace(/^\[|\]$/g, ''), port: u.port, path, method: 'POST', agent: this.agent, signal, timeout: REQUEST_TIMEOUT_MS,
          headers: { ...headers, 'content-length': Buffer.byteLength(body) },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (d: string) => (text += d));
          res.on('end', () => resolve({ statusCode: res.statusCode ?? 0, text }));
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`no answer within ${REQUEST_TIMEOUT_MS / 1000} s`)));
      req.on('error', reject);
      req.end(body);
    });
  }

  private async createDatabase(signal: AbortSignal): Promise<void> {
    const t = this.target as Extract<InfluxTarget, { api: 'v1' }>;
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
    if (this.headers.authorization !== undefined) headers.authorization = this.headers.authorization;
    const q = `CREATE DATABASE "${t.database.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
    const res = await this.post(this.queryPath, headers, new URLSearchParams({ q }).toString(), signal);
    const text = res.text;
    // A user without admin rights may still write to an existing database: go on and let the write tell.
    if (res.statusCode >= 500) throw new Error(`creating database ${t.database}: HTTP ${res.statusCode}: ${errorText(text)}`);
    this.databaseReady = true;
  }
}

/** InfluxDB answers errors as {"error": "..."}. */
function errorText(text: string): string {
  try {
    const e = (JSON.parse(text) as { error?: unknown; message?: unknown });
    if (typeof e.error === 'string') return e.error;
    if (typeof e.message === 'string') return e.message;
  } catch {
    // not JSON: the text itself
  }
  return text.slice(0, 200).trim();
}
