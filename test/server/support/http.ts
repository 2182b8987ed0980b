/** A small HTTP client for the tests (TCP or Unix socket), with an SSE reader. */
import { Agent, request } from 'undici';
import type { Endpoint } from '../../../src/server/endpoint.js';

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: any;
}

export class TestClient {
  private readonly agent: Agent;
  private readonly origin: string;

  constructor(ep: Endpoint, private readonly token?: string) {
    this.agent = ep.kind === 'unix' ? new Agent({ connect: { socketPath: ep.path } }) : new Agent();
    this.origin = ep.kind === 'unix' ? 'http://localhost' : `http://${ep.host}:${ep.port}`;
  }

  async send(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply> {
    const h: Record<string, string> = { ...headers };
    if (this.token !== undefined && h.authorization === undefined) h.authorization = `Bearer ${this.token}`;
    let payload: string | undefined;
    if (body !== undefined) {
      payload = typeof body === 'string' ? body : JSON.stringify(body);
      h['content-type'] ??= 'application/json';
    }
    const res = await request(this.origin + path, { method: method as 'GET', headers: h, body: payload, dispatcher: this.agent });
    const text = await res.body.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.statusCode, headers: res.headers, text, json };
  }

  get(path: string, headers?: Record<string, string>): Promise<Reply> {
    return this.send('GET', path, undefined, headers);
  }

  post(path: string, body: unknown, headers?: Record<string, string>): Promise<Reply> {
    return this.send('POST', path, body, headers);
  }

  /** Opens /api/events; `events` fills as they arrive (comments counted apart). */
  async openEvents(): Promise<EventTap> {
    const abort = new AbortController();
    const h: Record<string, string> = { accept: 'text/event-stream' };
    if (this.token !== undefined) h.authorization = `Bearer ${this.token}`;
    const res = await request(this.origin + '/api/events', { headers: h, dispatcher: this.agent, signal: abort.signal });
    const tap = new EventTap(res.statusCode, String(res.headers['content-type']), () => abort.abort());
    res.body.setEncoding('utf8');
    (async () => {
      try {
        for await (const chunk of res.body) tap.feed(chunk as string);
      } catch {
        // aborted
      }
      tap.ended = true;
    })();
    return tap;
  }

  async close(): Promise<void> {
    await this.agent.close();
  }
}

/** Events received on one stream, parsed with a deliberately naive reader of the format. */
export class EventTap {
  readonly events: Array<{ event: string; data: string }> = [];
  comments = 0;
  ended = false;
  private buf = '';
  private waiters: Array<() => void> = [];

  constructor(readonly status: number, readonly contentType: string, readonly close: () => void) {}

  feed(chunk: string): void {
    this.buf += chunk;
    let i: number;
    while ((i = this.buf.indexOf('\n\n')) >= 0) {
      const block = this.buf.slice(0, i);
      this.buf = this.buf.slice(i + 2);
      const lines = block.split('\n');
      if (lines.every((l) => l.startsWith(':'))) this.comments++;
      const event = lines.find((l) => l.startsWith('event: '))?.slice(7);
      const data = lines.filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('\n');
      if (event !== undefined) this.events.push({ event, data });
    }
    for (const w of this.waiters.splice(0)) w();
  }

  of(event: string): string[] {
    return this.events.filter((e) => e.event === event).map((e) => e.data);
  }

  /** Resolves once `pred` holds (checked at every chunk); rejects after `ms`. */
  async until(pred: () => boolean, ms = 10_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!pred()) {
      if (Date.now() > deadline) throw new Error('timed out waiting for events');
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  }
}
