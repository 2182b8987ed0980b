import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openLiveSource } from '../../src/source/live-source.js';
import { CaptureError } from '../../src/source/capture-error.js';
import { captureWhile, emptyTally, hasCommand, liveSkipReason, tallyBatch } from './live-fixture.js';
import { createIsolatedLink, type IsolatedLink } from './netns-fixture.js';
import { tcpServer, udpReceiver, until } from './traffic.js';

const skip = liveSkipReason() || (!hasCommand('ip') && 'iproute2 (ip) is needed for the veth tests');

// Sender run inside the namespace: argv = address, port, count, size. Paced in bursts so
// the receiver's socket buffer never overflows (the capture count does not depend on it).
const UDP_SENDER = `
const dgram = require('node:dgram');
const [addr, port, count, size] = process.argv.slice(1);
const s = dgram.createSocket('udp4');
const payload = Buffer.alloc(Number(size), 0x42);
let sent = 0;
function burst() {
  const end = Math.min(Number(count), sent + 25);
  let pending = end - sent;
  if (pending === 0) return s.close();
  for (; sent < end; sent++) s.send(payload, Number(port), addr, () => { if (--pending === 0) setTimeout(burst, 1); });
}
burst();
`;

// argv = address, port, count: sequential TCP connections reading the reply.
const TCP_CLIENT = `
const net = require('node:net');
const [addr, port, count] = process.argv.slice(1);
let left = Number(count);
function one() {
  if (left-- === 0) return;
  const c = net.connect(Number(port), addr);
  c.resume();
  c.on('end', () => { c.destroy(); one(); });
}
one();
`;

let link: IsolatedLink;

before(() => {
  if (!skip) link = createIsolatedLink('lt', 0);
});

after(() => {
  link?.destroy();
});

test('on an isolated veth the capture holds exactly the datagrams sent, and received agrees', { skip }, async () => {
  const rx = await udpReceiver(link.hostAddr);
  const source = await openLiveSource({ device: link.hostIf });
  try {
    const tally = await captureWhile(source, async () => {
      await link.exec(process.execPath, ['-e', UDP_SENDER, link.hostAddr, String(rx.port), '400', '200']);
      await until(() => rx.received() === 400, 'the datagrams to arrive');
    });
    assert.equal(tally.udpTo.get(rx.port), 400);
    assert.equal(tally.packets, 400, 'nothing but the datagrams crossed the link');
    assert.equal(tally.lastUdpWirelen, 14 + 20 + 8 + 200);
    assert.equal(tally.badTimestamps, 0);
    const stats = source.stats();
    assert.equal(stats.received, 400, 'libpcap counted each packet once');
    assert.equal(stats.dropped, 0);
  } finally {
    await source.close();
    rx.close();
  }
});

test('drops while JavaScript stalls are counted, and captured + dropped = received = sent', { skip }, async () => {
  const rx = await udpReceiver(link.hostAddr);
  // A tiny kernel ring and two small batches that the test does not take while sending.
  const source = await openLiveSource({
    device: link.hostIf,
    filter: `udp dst port ${rx.port}`,
    snapshotLen: 128,
    bufferSize: 65536,
    batchCount: 2,
    batchPackets: 64,
  });
  try {
    const start = Date.now();
    await link.exec(process.execPath, ['-e', UDP_SENDER, link.hostAddr, String(rx.port), '3000', '60']);
    // The capture thread is blocked on a full pool: its stats must still come up to date.
    await until(() => source.stats().received === 3000, 'libpcap to count the 3000 datagrams');
    const { dropped } = source.stats();
    assert.ok(dropped > 0, 'the tiny ring overflowed');
    source.stop();
    const tally = emptyTally();
    for (let batch = await source.next(); batch !== null; batch = await source.next()) {
      tallyBatch(tally, batch, start, Date.now());
    }
    const captured = tally.udpTo.get(rx.port) ?? 0;
    assert.equal(captured, tally.packets);
    assert.ok(captured > 0);
    assert.equal(captured + dropped, 3000, `${captured} captured + ${dropped} dropped`);
    assert.equal(source.stats().dropped, dropped, 'no drop after the sender stopped');
  } finally {
    await source.close();
    rx.close();
  }
});

test('TCP connections from the namespace: one SYN and one SYN-ACK each, with a filter', { skip }, async () => {
  const server = await tcpServer(link.hostAddr);
  const source = await openLiveSource({ device: link.hostIf, filter: `tcp port ${server.port}` });
  try {
    const tally = await captureWhile(source, async () => {
      await link.exec(process.execPath, ['-e', TCP_CLIENT, link.hostAddr, String(server.port), '7']);
      await until(() => server.accepted() === 7, 'the connections');
    });
    assert.equal(tally.synTo.get(server.port), 7);
    assert.equal(tally.synAckFrom.get(server.port), 7);
    assert.equal(tally.udpTo.size, 0);
    assert.equal(tally.nonIpv4, 0);
  } finally {
    await source.close();
    await server.close();
  }
});

test('pings from the namespace: as many echo requests and replies as sent', {
  skip: skip || (!hasCommand('ping') && 'ping (iputils-ping) is not installed'),
}, async () => {
  const source = await openLiveSource({ device: link.hostIf, filter: 'icmp' });
  try {
    const tally = await captureWhile(source, async () => {
      await link.exec('ping', ['-c', '5', '-i', '0.01', '-q', link.hostAddr]);
    });
    assert.equal(tally.echoRequests, 5);
    assert.equal(tally.echoReplies, 5);
  } finally {
    await source.close();
  }
});

test('an interface that disappears during the capture rejects next() with the reason', { skip }, async () => {
  const gone = createIsolatedLink('lg', 1);
  const source = await openLiveSource({ device: gone.hostIf });
  try {
    const pending = (async () => {
      for (;;) if ((await source.next()) === null) return null;
    })();
    gone.destroy();
    const err = await pending.then(
      () => assert.fail('next() ended normally'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof CaptureError, String(err));
    assert.equal(err.code, 'ECAPTURE');
    assert.match(err.message, new RegExp(gone.hostIf));
    await assert.rejects(source.next(), CaptureError, 'later calls keep failing');
  } finally {
    await source.close();
    gone.destroy();
  }
});
