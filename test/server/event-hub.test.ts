/**
 * The event hub on a real HTTP server and a real client: however many events one event-loop turn
 * publishes (a pipeline slice closes thousands of periods), each client gets one write for them,
 * and every event arrives, in order.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EventHub } from '../../src/server/event-hub.js';

test('the events of one turn reach each client in one write, all of them, in order', async () => {
  const hub = new EventHub();
  const writes: number[] = [];
  let subscribed!: () => void;
  const ready = new Promise<void>((r) => (subscribed = r));
  const server = createServer((_req, res: ServerResponse) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    const write = res.write.bind(res) as (chunk: unknown) => boolean;
    let n = 0;
    const i = writes.push(0) - 1;
    res.write = ((chunk: unknown) => {
      writes[i] = ++n;
      return write(chunk);
    }) as typeof res.write;
    hub.subscribe(res);
    if (writes.length === 2) subscribed();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  const texts = ['', ''];
  const ended = [0, 1].map(
    (k) =>
      new Promise<void>((resolve, reject) => {
        request({ host: '127.0.0.1', port, path: '/' }, (res) => {
          res.setEncoding('utf8');
          res.on('data', (c: string) => (texts[k] += c));
          res.on('end', resolve);
        })
          .on('error', reject)
          .end();
      }),
  );
  try {
    await ready;
    const events = 2000;
    for (let i = 0; i < events; i++) hub.publish('data', `{"n":${i},"text":"é"}`);
    await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual(writes, [1, 1], 'writes per client for one turn of events');
    hub.closeAll();
    await Promise.all(ended);
    for (const text of texts) {
      const got = [...text.matchAll(/id: (\d+)\nevent: data\ndata: (.*)\n\n/g)];
      assert.equal(got.length, events);
      got.forEach((m, i) => {
        assert.equal(Number(m[1]), i + 1);
        assert.deepEqual(JSON.parse(m[2]), { n: i, text: 'é' });
      });
    }
  } finally {
    hub.closeAll();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
});
