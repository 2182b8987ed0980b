/**
 * netspotctl's HTTP client: one endpoint (TCP or Unix socket), an optional bearer token, JSON
 * in and out, and Server-Sent Events. Network failures become a CtlError naming the endpoint.
 */
import { Agent, request, type Dispatcher } from 'undici';
import { formatEndpoint, type Endpoint } from '../server/endpoint.js';
import { SseParser, type SseEvent } from './sse-parser.js';
import { CtlError } from './ctl-error.js';

export { CtlError };

export interface ApiResponse {
  status: number;
  /** Body as received (times in records exceed 2^53: --json prints this text as is). */
  text: string;
  json: unknown;
}

export class ApiClient {
  private readonly dispatcher: Dispatcher;
  private readonly origin: string;

  constructor(readonly endpoint: Endpoint, private readonly token?: string) {
    if (endpoint.kind === 'unix') {
      this.dispatcher = new Agent({ connect: { socketPath: endpoint.path } });
      this.origin = 'http://localhost';
    } else {
      this.dispatcher = new Agent();
      this.origin = `http://${endpoint.host.includes(':') ? `[${endpoint.host}]` : endpoint.host}:${endpoint.port}`;
    }
  }

  private headers(json: boolean): Record<string, string> {
    const h: Record<string, string> = { accept: 'application/json' };
    if (json) h['content-type'] = 'application/json';
    if (this.token !== undefined) h.authorization = `Bearer ${this.token}`;
    return h;
  }

  /** Sends a request; a non-2xx answer throws a CtlError carrying the server's message. */
  async call(method: 'GET' | 'POST', path: string, body?: unknown): Promise<ApiResponse> {
    let res: Dispatcher.ResponseData;
    try {
      res = await request(this.origin + path, {
        method, dispatcher: this.dispatcher, headers: this.headers(body !== undefined),
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (err) {
      throw this.unreachable(err);
    }
    const text = await res.body.text();
    let json: unknown = undefined;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch {
      json = undefined;
    }
    if (res.statusCode >= 400) throw apiFailure(res.statusCode, json, text);
    return { status: res.statusCode, text, json };
  }

  /** Follows /api/events until the server ends the stream or `signal` aborts. */
  async events(onEvent: (e: SseEvent) => void, signal?: AbortSignal): Promise<void> {
    let res: Dispatcher.ResponseData;
    try {
      res = await request(this.origin + '/api/events', {
        method: 'GET', dispatcher: this.dispatcher, headers: { ...this.headers(false), accept: 'text/event-stream' }, signal,
      });
    } catch (err) {
      if (signal?.aborted === true) return;
      throw this.unreachable(err);
    }
    if (res.statusCode >= 400) {
      const text = await res.body.text();
      throw apiFailure(res.statusCode, safeJson(text), text);
    }
    // An `error` event is the server's last word on a stream it drops (the client fell behind).
    let dropped: string | undefined;
    const parser = new SseParser((e) => {
      if (e.event !== 'error') return onEvent(e);
      const body = safeJson(e.data) as { error?: unknown } | undefined;
      dropped = typeof body?.error === 'string' ? body.error : e.data;
    });
    res.body.setEncoding('utf8');
    try {
      for await (const chunk of res.body) parser.push(chunk as string);
    } catch (err) {
      if (signal?.aborted === true) return;
      if (dropped === undefined) throw new CtlError(`event stream from ${formatEndpoint(this.endpoint)} broke: ${(err as Error).message}`, 1);
    }
    if (dropped !== undefined) throw new CtlError(`event stream from ${formatEndpoint(this.endpoint)} ended: ${dropped}`, 1);
  }

  async close(): Promise<void> {
    await this.dispatcher.close();
  }

  private unreachable(err: unknown): CtlError {
    const e = err as { code?: string; message?: string; cause?: { code?: string } };
    const code = e.code ?? e.cause?.code;
    return new CtlError(
      `cannot reach NetSpot at ${formatEndpoint(this.endpoint)}${code !== undefined ? ` (${code})` : `: ${e.message ?? String(err)}`}; ` +
        'is `netspot serve` running there? (-e ENDPOINT or NETSPOT_ENDPOINT selects another)',
      1,
    );
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function apiFailure(status: number, json: unknown, text: string): CtlError {
  const body = json as { error?: unknown; details?: Array<{ message?: unknown }> } | undefined;
  const message = typeof body?.error === 'string' ? body.error : `HTTP ${status}: ${text.slice(0, 200)}`;
  const details = (body?.details ?? []).map((d) => String(d.message)).filter((m) => m !== message);
  return new CtlError(message, status === 400 ? 2 : 1, details);
}
