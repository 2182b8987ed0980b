/**
 * Abuse of a real `netspot serve` process: slow and silent clients, refused clients, too many
 * connections, hostile bodies and requests, event streams that never read during a run with
 * tiny periods. After each, /api/status must answer within 1 s on a fresh connection, every
 * error answer must be the documented JSON shape, and the server's memory must stay bounded.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TestClient } from './support/http.js';
import { writeFloodCapture } from './support/flood-capture.js';

const netspot = fileURLToPath(new URL('../../src/cli/netspot.js', import.meta.url));
const netspotctl = fileURLToPath(new URL('../../src/cli/netspotctl.js', import.meta.url));
const TOKEN = 'abuse-0123456789-abcdef';
const STATUS_WITHIN_MS = 1000;

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'netspot-abuse-'));
  dirs.push(d);
  return d;
}

interface Served {
  proc: ChildProcess;
  port: number;
  stderr: () => string;
  stop: () => Promise<void>;
}

/** `netspot serve` on an ephemeral loopback port. */
function serve(args: string[]): Promise<Served> {
  const proc = spawn(process.execPath, [netspot, 'serve', '-e', 'tcp://127.0.0.1:0', '--log-level', 'silent', '--exporter.console.alarm', 'false', ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  const stop = async (): Promise<void> => {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
    const t = setTimeout(() => proc.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(t);
  };
  return new Promise((resolve, reject) => {
    proc.stderr!.setEncoding('utf8');
    proc.stderr!.on('data', (chunk: string) => {
      err += chunk;
      const m = /serving the API on tcp:\/\/127\.0\.0\.1:(\d+)/.exec(err);
      if (m !== null) resolve({ proc, port: Number(m[1]), stderr: () => err, stop });
    });
    proc.once('exit', (code) => reject(new Error(`netspot serve exited (${code}): ${err}`)));
  });
}

/** The server's resident memory in MiB (VmRSS). */
function rssMiB(proc: ChildProcess): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${proc.pid}/status`, 'utf8'));
  return Number(m![1]) / 1024;
}

/** GET /api/status on a fresh connection must answer 200 within STATUS_WITHIN_MS. */
async function assertResponsive(s: Served, token?: string): Promise<number> {
  const api = new TestClient({ kind: 'tcp', host: '127.0.0.1', port: s.port }, token);
  const t0 = performance.now();
  try {
    const r = await Promise.race([
      api.get('/api/status'),
      new Promise<never>((_, rej) => setTimeout(() => rej(new Error(`/api/status did not answer within ${STATUS_WITHIN_MS} ms`)), STATUS_WITHIN_MS)),
    ]);
    assert.equal(r.status, 200);
  } finally {
    void api.close();
  }
  const ms = performance.now() - t0;
  assert.ok(ms < STATUS_WITHIN_MS, `/api/status took ${ms.toFixed(0)} ms`);
  return ms;
}

/** The documented error shape: {"error": string, "code": status, "details"?: [...]}, nothing else. */
function assertErrorShape(status: number, body: string, expected: number, what: string): any {
  assert.equal(status, expected, `${what}: status ${status}: ${body.slice(0, 300)}`);
  let json: any;
  assert.doesNotThrow(() => (json = JSON.parse(body)), `${what}: not JSON: ${body.slice(0, 300)}`);
  assert.equal(typeof json.error, 'string', what);
  assert.equal(json.code, expected, what);
  for (const k of Object.keys(json)) assert.ok(['error', 'code', 'details'].includes(k), `${what}: unexpected key ${k}`);
  if (json.details !== undefined) assert.ok(Array.isArray(json.details), what);
  assert.ok(body.length < 2000, `${what}: an error answer of ${body.length} bytes echoes too much`);
  return json;
}

/** A raw TCP client: what it received, and when the server closed the connection. */
class RawClient {
  readonly socket: Socket;
  text = '';
  closedAt: number | undefined;
  readonly opened = performance.now();
  readonly closed: Promise<void>;

  constructor(port: number) {
    this.socket = connect(port, '127.0.0.1');
    this.socket.setEncoding('latin1');
    this.socket.on('data', (c: string) => (this.text += c));
    this.socket.on('error', () => undefined);
    this.closed = new Promise((r) =>
      this.socket.once('close', () => {
        this.closedAt = performance.now();
        r();
      }),
    );
  }

  /** Milliseconds from opening to the server's close, waiting at most `ms`. */
  async closedWithin(ms: number): Promise<number | undefined> {
    await Promise.race([this.closed, new Promise((r) => setTimeout(r, ms))]);
    return this.closedAt === undefined ? undefined : this.closedAt - this.opened;
  }

  /** Status code and body of the (first) response received. */
  response(): { status: number; headers: string; body: string } {
    const i = this.text.indexOf('\r\n\r\n');
    const head = i < 0 ? this.text : this.text.slice(0, i);
    return { status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0), headers: head.toLowerCase(), body: i < 0 ? '' : this.text.slice(i + 4) };
  }

  destroy(): void {
    this.socket.destroy();
  }
}

describe('slow, silent, refused and surplus clients', () => {
  let s: Served;
  const open: RawClient[] = [];
  before(async () => {
    const dir = tempDir();
    const tokenFile = join(dir, 'token');
    writeFileSync(tokenFile, TOKEN + '\n', { mode: 0o640 });
    s = await serve(['--api.token-file', tokenFile, '--api.request-timeout', '1s', '--api.idle-timeout', '2s', '--api.max-connections', '20']);
  });
  after(async () => {
    open.forEach((c) => c.destroy());
    await s.stop();
  });
  const raw = (): RawClient => {
    const c = new RawClient(s.port);
    open.push(c);
    return c;
  };

  test('the operator is warned when the token file is open to others', () => {
    assert.match(s.stderr(), /warning: token file .*token is open to group or others \(mode 0640\).*chmod 600/);
  });

  test('a body sent one byte a second is cut off with a 408 at the request timeout', async () => {
    const rss0 = rssMiB(s.proc);
    const slow = raw();
    slow.socket.write(`POST /api/config HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${TOKEN}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{`);
    const drip = setInterval(() => slow.socket.writable && slow.socket.write(' '), 1000);
    const ms = await slow.closedWithin(4000);
    clearInterval(drip);
    assert.ok(ms !== undefined && ms >= 900 && ms < 2500, `slow body cut after ${ms} ms`);
    const why = assertErrorShape(slow.response().status, slow.response().body, 408, 'slow body');
    assert.match(why.error, /headers and body must arrive within 1 s/);
    await assertResponsive(s, TOKEN);
    assert.ok(rssMiB(s.proc) - rss0 < 50);
  });

  test('headers that never end are cut off with a 408 at the request timeout', async () => {
    const silent = raw();
    silent.socket.write('GET /api/status HTTP/1.1\r\nHost: localhost\r\nX-Slow: 1\r\n');
    const ms = await silent.closedWithin(4000);
    assert.ok(ms !== undefined && ms >= 900 && ms < 2500, `unfinished headers cut after ${ms} ms`);
    assertErrorShape(silent.response().status, silent.response().body, 408, 'slow headers');
    await assertResponsive(s, TOKEN);
  });

  test('a client without the token is answered 401 and closed at once, its body unread', async () => {
    const refused = raw();
    refused.socket.write('POST /api/config HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{');
    const ms = await refused.closedWithin(3000);
    assert.ok(ms !== undefined && ms < 500, `401 client closed after ${ms} ms`);
    assertErrorShape(refused.response().status, refused.response().body, 401, 'no token');
    assert.match(refused.response().headers, /connection: close/);
    await assertResponsive(s, TOKEN);
  });

  test('an event stream outlives the idle timeout: long-lived by design', async () => {
    const api = new TestClient({ kind: 'tcp', host: '127.0.0.1', port: s.port }, TOKEN);
    const tap = await api.openEvents();
    assert.equal(tap.status, 200);
    await new Promise((r) => setTimeout(r, 3000));
    assert.equal(tap.ended, false, 'a healthy event stream was cut by the idle timeout (2 s)');
    tap.close();
    await api.close();
  });

  test('connections over the limit are refused at once; idle ones are closed', async () => {
    const crowd = Array.from({ length: 30 }, () => raw());
    await new Promise((r) => setTimeout(r, 500));
    const refusedAtOnce = crowd.filter((c) => c.closedAt !== undefined).length;
    assert.ok(refusedAtOnce >= 10, `only ${refusedAtOnce} of 30 connections refused with a limit of 20`);
    const lasted = await Promise.all(crowd.map((c) => c.closedWithin(4000)));
    assert.ok(lasted.every((ms) => ms !== undefined && ms < 2500), `idle connections still open: ${lasted.join(', ')}`);
    await assertResponsive(s, TOKEN);
  });
});

test('hostile bodies and requests get the documented error shape, never a crash', async () => {
  const s = await serve([]);
  try {
    const rss0 = rssMiB(s.proc);
    const api = new TestClient({ kind: 'tcp', host: '127.0.0.1', port: s.port });
    const deep = (n: number, inner = ''): string => '['.repeat(n) + inner + ']'.repeat(n);
    const deepObject = (n: number): string => '{"a":'.repeat(n) + '1' + '}'.repeat(n);
    const bodies: Array<[string, string, string, number, RegExp?]> = [
      ['5000 nested arrays', '/api/config', deep(5000), 400, /nested deeper than 32/],
      ['5000 nested arrays in a key', '/api/config', `{"analyzer":{"stats":${deep(5000)}}}`, 400, /nested deeper than 32/],
      ['5000 nested arrays as an action', '/api/run', `{"action":${deep(5000)}}`, 400, /nested deeper than 32/],
      ['3000 nested objects as a value', '/api/config', `{"miner":{"device":${deepObject(3000)}}}`, 400, /nested deeper than 32/],
      ['nesting just under the bound', '/api/config', `{"miner":{"device":${deep(29, '1')}}}`, 400, /bad value for miner\.device: \[{29}1\]{29} \(expected/],
      ['brackets inside strings do not count', '/api/config', `{"miner":{"device":"${'['.repeat(5000)}"}}`, 200],
      ['a long bad value is not echoed whole', '/api/config', `{"spot":{"q":"${'x'.repeat(60_000)}"}}`, 400, /bad value for spot\.q: "x+\.\.\. \(60002 characters\)/],
      ['invalid JSON', '/api/config', '{"spot":', 400],
      ['empty body', '/api/run', '', 400],
      ['prototype poisoning', '/api/config', '{"__proto__":{"admin":true}}', 400],
      ['body over 64 KiB', '/api/config', `{"miner":{"device":"${'y'.repeat(70_000)}"}}`, 413],
    ];
    for (const [what, path, body, code, message] of bodies) {
      const r = await api.send('POST', path, body, { 'content-type': 'application/json' });
      if (code === 200) {
        assert.equal(r.status, 200, `${what}: ${r.text.slice(0, 300)}`);
        continue;
      }
      const json = assertErrorShape(r.status, r.text, code, what);
      if (message !== undefined) assert.match(json.error, message, what);
    }
    const others: Array<[string, string, string, Record<string, string>, number]> = [
      ['text body', 'POST', '/api/config', { 'content-type': 'text/plain' }, 415],
      ['form body', 'POST', '/api/run', { 'content-type': 'application/x-www-form-urlencoded' }, 415],
      ['unknown route', 'GET', '/api/nope', {}, 404],
      ['unknown method', 'DELETE', '/api/status', {}, 404],
      ['bad URL encoding', 'GET', '/api/%zz', {}, 400],
      ['foreign Host', 'GET', '/api/status', { host: 'evil.example' }, 403],
    ];
    for (const [what, method, path, headers, code] of others) {
      const r = await api.send(method, path, method === 'POST' ? 'action=start' : undefined, headers);
      assertErrorShape(r.status, r.text, code, what);
      if (code === 403) assert.equal(r.headers.connection, 'close', 'a refused client is not kept');
    }
    await api.close();

    // Malformed HTTP and oversized headers never reach a route: still the documented shape.
    const raw: Array<[string, string, number]> = [
      ['garbage request line', 'HELLO THERE\r\n\r\n', 400],
      ['headers over 16 KiB', `GET /api/status HTTP/1.1\r\nHost: localhost\r\nX-Big: ${'z'.repeat(20_000)}\r\n\r\n`, 431],
      // Announced too large: answered and closed at once, the body never read.
      ['a terabyte announced', 'POST /api/config HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 1000000000000\r\n\r\n{', 413],
    ];
    for (const [what, request, code] of raw) {
      const c = new RawClient(s.port);
      c.socket.write(request);
      assert.notEqual(await c.closedWithin(2000), undefined, `${what}: connection left open`);
      assertErrorShape(c.response().status, c.response().body, code, what);
    }
    // Bodies abandoned halfway.
    for (let i = 0; i < 20; i++) {
      const c = new RawClient(s.port);
      c.socket.write('POST /api/config HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n{"spot":');
      setTimeout(() => c.destroy(), 50);
    }
    await new Promise((r) => setTimeout(r, 200));
    await assertResponsive(s);
    assert.ok(rssMiB(s.proc) - rss0 < 50, `RSS grew from ${rss0} to ${rssMiB(s.proc)} MiB`);
    assert.doesNotMatch(s.stderr(), /error|exception/i);
  } finally {
    await s.stop();
  }
});

/** 60 s of capture time, a packet every millisecond: 60 000 periods of 1 ms. */
const TINY_PERIODS = { periods: 60, packetsPerPeriod: 1000, synPerPeriod: 100, floodFrom: 0, floodTo: 0, floodSyn: 0 };

/** Starts a run and waits for its end, calling `sample` in between; fails past `limitMs`. */
async function runToEnd(api: TestClient, sample: () => Promise<void>, limitMs = 60_000): Promise<{ ms: number; status: any }> {
  const t0 = performance.now();
  const started = await api.post('/api/run', { action: 'start' });
  assert.equal(started.status, 200, started.text);
  for (;;) {
    await sample();
    const st = await api.get('/api/status');
    if (st.json.state === 'ended') return { ms: performance.now() - t0, status: st.json };
    assert.ok(performance.now() - t0 < limitMs, `run not over after ${limitMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('event streams that never read cannot slow a run down or hoard memory', async () => {
  const capture = writeFloodCapture(TINY_PERIODS, 'tiny-periods.pcap');
  const s = await serve([]);
  const stalled: RawClient[] = [];
  try {
    const api = new TestClient({ kind: 'tcp', host: '127.0.0.1', port: s.port });
    const cfg = await api.post('/api/config', { miner: { device: capture }, analyzer: { period: '1ms', stats: ['R_SYN', 'TRAFFIC', 'AVG_PKT_SIZE'] } });
    assert.equal(cfg.status, 200, cfg.text);
    const base = await runToEnd(api, async () => undefined);
    const periods = base.status.periods;
    assert.ok(periods >= 59_000, `periods: ${periods}`);
    const rss0 = rssMiB(s.proc);

    // 100 clients that read the response head and then nothing.
    for (let i = 0; i < 100; i++) {
      const c = new RawClient(s.port);
      c.socket.write('GET /api/events HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\n\r\n');
      stalled.push(c);
    }
    const deadline = performance.now() + 5000;
    while (stalled.some((c) => c.response().status === 0 || (c.response().status === 503 && !c.response().body.endsWith('}')))) {
      assert.ok(performance.now() < deadline, 'event streams not answered');
      await new Promise((r) => setTimeout(r, 20));
    }
    for (const c of stalled) c.socket.pause();
    const accepted = stalled.filter((c) => c.response().status === 200);
    const turnedAway = stalled.filter((c) => c.response().status === 503);
    assert.equal(accepted.length, 64, 'the default limit is 64 streams');
    assert.equal(turnedAway.length, 36);
    for (const c of turnedAway) assertErrorShape(503, c.response().body, 503, 'stream over the limit');
    assert.match(JSON.parse(turnedAway[0].response().body).error, /too many event streams open \(limit 64\)/);

    let maxRss = rss0;
    const watched = accepted[0];
    let resumed = false;
    // Comparable to the run alone: a generous bound, not a timing (the machine is shared).
    const limitMs = 3 * base.ms + 5000;
    const run = await runToEnd(api, async () => {
      maxRss = Math.max(maxRss, rssMiB(s.proc));
      // Once the stalled clients are dropped, one of them reads again: it gets the reason.
      if (!resumed && /^netspot_sse_dropped_total [1-9]/m.test((await api.get('/metrics')).text)) {
        resumed = true;
        watched.socket.resume();
      }
    }, limitMs);
    maxRss = Math.max(maxRss, rssMiB(s.proc));
    await assertResponsive(s);
    assert.ok(run.ms < limitMs, `run took ${run.ms.toFixed(0)} ms with stalled clients, ${base.ms.toFixed(0)} ms alone`);
    assert.ok(maxRss - rss0 < 200, `RSS grew from ${rss0.toFixed(0)} to ${maxRss.toFixed(0)} MiB`);
    assert.equal(run.status.periods, periods);

    // Every stalled client was dropped and counted; the one that read again learnt why.
    assert.match((await api.get('/metrics')).text, /^netspot_sse_dropped_total 64$/m);
    if (!resumed) watched.socket.resume();
    assert.notEqual(await watched.closedWithin(5000), undefined, 'a dropped client was not disconnected');
    const reason = /event: error\ndata: (.*)\n\n(\r\n)?0\r\n\r\n$/.exec(watched.text)?.[1];
    assert.ok(reason !== undefined, `no error event at the end of the stream: ...${watched.text.slice(-300)}`);
    const why = assertErrorShape(503, reason, 503, 'drop reason');
    assert.match(why.error, /event stream dropped: \d+ bytes were waiting for this client \(limit 1048576\)/);

    // The dropped clients' slots are released once their connections are gone.
    const others = accepted.slice(1);
    others.forEach((c) => c.socket.resume());
    await Promise.all(others.map((c) => c.closedWithin(10_000)));
    const fresh = await api.openEvents();
    assert.equal(fresh.status, 200);
    fresh.close();

    // The run alone again, warm as the run with stalled clients was: still within the bound.
    const again = await runToEnd(api, async () => undefined);
    const alone = Math.min(base.ms, again.ms);
    console.log(`# run alone ${base.ms.toFixed(0)} ms then ${again.ms.toFixed(0)} ms, with 64 stalled streams ${run.ms.toFixed(0)} ms ` +
      `(x${(run.ms / alone).toFixed(2)}); RSS ${rss0.toFixed(0)} -> max ${maxRss.toFixed(0)} MiB`);
    assert.ok(run.ms < 3 * alone + 5000, `run took ${run.ms.toFixed(0)} ms with stalled clients, ${alone.toFixed(0)} ms alone`);
    await api.close();
    await assertResponsive(s);
  } finally {
    stalled.forEach((c) => c.destroy());
    await s.stop();
  }
});

test('netspotctl alarms --follow, dropped by the server, says why and exits 1', async () => {
  // A queue of one byte: the first event published drops every stream.
  const s = await serve(['--api.event-queue', '1']);
  try {
    const api = new TestClient({ kind: 'tcp', host: '127.0.0.1', port: s.port });
    assert.equal((await api.post('/api/config', { miner: { device: writeFloodCapture({ ...TINY_PERIODS, periods: 2 }, 'two.pcap') } })).status, 200);
    const follower = spawn(process.execPath, [netspotctl, '-e', `tcp://127.0.0.1:${s.port}`, 'alarms', '--follow'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    follower.stderr!.setEncoding('utf8');
    follower.stderr!.on('data', (c: string) => (err += c));
    const code = new Promise<number | null>((r) => follower.once('exit', (c) => r(c)));
    // Once it follows (its stream is counted), a start publishes the first event.
    // (A wait for the process to start, not a timing bound: generous for a loaded machine.)
    const deadline = performance.now() + 20_000;
    while (!/^netspot_sse_clients 1$/m.test((await api.get('/metrics')).text)) {
      assert.ok(performance.now() < deadline, 'netspotctl did not subscribe');
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal((await api.post('/api/run', { action: 'start' })).status, 200);
    const exit = await Promise.race([code, new Promise<string>((r) => setTimeout(() => r('still running'), 5000))]);
    if (exit === 'still running') follower.kill();
    assert.equal(exit, 1, err);
    assert.match(err, /event stream from tcp:\/\/127\.0\.0\.1:\d+ ended: event stream dropped: \d+ bytes were waiting for this client \(limit 1\)/);
    await api.post('/api/run', { action: 'stop' });
    await api.close();
  } finally {
    await s.stop();
  }
});

test('bad limit flags are refused at startup, naming the flag', async () => {
  const run = (args: string[]): Promise<{ code: number | null; stderr: string }> =>
    new Promise((resolve) => {
      const p = spawn(process.execPath, [netspot, 'serve', '-e', 'tcp://127.0.0.1:0', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      p.stderr!.setEncoding('utf8');
      p.stderr!.on('data', (c: string) => (stderr += c));
      p.once('exit', (code) => resolve({ code, stderr }));
    });
  const [zero, size, order] = await Promise.all([
    run(['--api.request-timeout', '0']),
    run(['--api.event-queue', '1GB']),
    run(['--api.idle-timeout', '5s']),
  ]);
  assert.equal(zero.code, 2);
  assert.match(zero.stderr, /bad value for --api\.request-timeout: "0" \(expected a duration of at least 1ms/);
  assert.equal(size.code, 2);
  assert.match(size.stderr, /bad value for --api\.event-queue: "1GB" \(expected a positive integer of bytes, optionally with KiB or MiB\)/);
  assert.equal(order.code, 2);
  assert.match(order.stderr, /--api\.idle-timeout \(5000 ms\) must be longer than --api\.request-timeout \(10000 ms\)/);
});
