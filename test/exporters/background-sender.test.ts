import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { BackgroundSender } from '../../src/exporters/network/background-sender.js';
import { InfluxWriter } from '../../src/exporters/influxdb/influx-writer.js';

/** An HTTP peer that answers 503 `failures` times, then 204; it notes when each write came. */
async function flakyPeer(failures: number) {
  const writes: Array<{ at: number; body: string }> = [];
  const srv = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      if (req.url?.startsWith('/query')) return void res.writeHead(200).end('{"results":[{}]}');
      writes.push({ at: performance.now(), body });
      res.writeHead(writes.length <= failures ? 503 : 204).end(writes.length <= failures ? '{"error":"busy"}' : '');
    });
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(srv.address() as { port: number }).port}`, writes, close: () => new Promise<void>((r) => srv.close(() => r())) };
}

test('a failing peer is retried with exponential backoff and jitter, then gets the batch once', async (t) => {
  const peer = await flakyPeer(5);
  t.after(() => peer.close());
  const warnings: string[] = [];
  const sender = new BackgroundSender({
    name: 'test', transport: new InfluxWriter(peer.url, { api: 'v1', database: 'db', username: '', password: '' }),
    queueSize: 10, batchSize: 10, flushTimeoutMs: 10_000, onWarning: (m) => warnings.push(m), lingerMs: 0,
  });
  for (let i = 0; i < 3; i++) sender.push('data', `m f=${i} ${i}`);
  sender.wake();
  await sender.close();
  assert.equal(peer.writes.length, 6, 'five failures, then the write that went through');
  assert.ok(peer.writes.every((w) => w.body === 'm f=0 0\nm f=1 1\nm f=2 2\n'), 'the same batch each time');
  // Each wait lies in [1/2, 1] of its ceiling: 100, 200, 400, 800, 1600 ms (plus scheduling).
  const gaps = peer.writes.slice(1).map((w, i) => w.at - peer.writes[i].at);
  gaps.forEach((g, i) => {
    const ceiling = 100 * 2 ** i;
    assert.ok(g >= ceiling / 2 - 5 && g <= ceiling + 250, `retry ${i + 1} after ${g.toFixed(0)} ms (ceiling ${ceiling} ms)`);
  });
  assert.deepEqual(sender.health(), { name: 'test', sent: 3, dropped: 0, droppedAlarms: 0, queued: 0, connected: true, lastError: null });
  assert.match(warnings[0], /exporter test: cannot send to http:\/\/127\.0\.0\.1:\d+: HTTP 503: busy; retrying in the background/);
  assert.match(warnings[1], /exporter test: sending to http:\/\/127\.0\.0\.1:\d+ again after [\d.]+ s/);
  assert.equal(warnings.length, 2, 'one warning for the outage, one for the recovery');
});

test('the retry delays of two senders differ (jitter), so they do not come back in lockstep', async (t) => {
  const a = await flakyPeer(4);
  const b = await flakyPeer(4);
  t.after(() => Promise.all([a.close(), b.close()]));
  const senders = [a, b].map((p) => new BackgroundSender({
    name: 'test', transport: new InfluxWriter(p.url, { api: 'v1', database: 'db', username: '', password: '' }),
    queueSize: 10, batchSize: 10, flushTimeoutMs: 10_000, lingerMs: 0,
  }));
  for (const s of senders) {
    s.push('alarm', 'm f=1 1');
    s.wake();
  }
  await Promise.all(senders.map((s) => s.close()));
  const gapsA = a.writes.slice(1).map((w, i) => w.at - a.writes[i].at);
  const gapsB = b.writes.slice(1).map((w, i) => w.at - b.writes[i].at);
  assert.ok(gapsA.some((g, i) => Math.abs(g - gapsB[i]) > 5), `gaps ${gapsA.map(Math.round)} and ${gapsB.map(Math.round)}`);
});
