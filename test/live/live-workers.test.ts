/**
 * `--workers N` on a live interface: N captures in one PACKET_FANOUT group, each counted in its
 * own thread, merged per period. On an isolated veth (a namespace the test creates) the only
 * packets are the datagrams a sender in the namespace sends from many sockets (many flows): the
 * packets summed over every period must be exactly the datagrams sent, with no drop, spread
 * over both threads; a stop inside a period and the idle timeout must hand over everything
 * captured; a capture that fails ends the run naming its thread and the device.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../src/config/load.js';
import { Session } from '../../src/pipeline/session.js';
import { LiveWorkerCapture } from '../../src/pipeline/live-workers.js';
import { openLiveSource, type LiveSource } from '../../src/source/live-source.js';
import { CaptureError } from '../../src/source/capture-error.js';
import { CollectingExporter } from '../support/run-capture.js';
import { emptyTally, hasCommand, liveSkipReason, tallyBatch, type TrafficTally } from './live-fixture.js';
import { createIsolatedLink, type IsolatedLink } from './netns-fixture.js';
import { udpReceiver, until } from './traffic.js';

const skip = liveSkipReason() || (!hasCommand('ip') && 'iproute2 (ip) is needed for the veth tests');

// Run inside the namespace: argv = address, port, count, flows. `flows` sockets (one source
// port each) send `count` datagrams in turn, paced in bursts so that no socket buffer overflows.
const FLOW_SENDER = `
const dgram = require('node:dgram');
const [addr, port, count, flows] = process.argv.slice(1).map((v, i) => (i === 0 ? v : Number(v)));
const socks = Array.from({ length: flows }, () => dgram.createSocket('udp4'));
const payload = Buffer.alloc(64, 0x42);
let sent = 0;
function burst() {
  const end = Math.min(count, sent + 32);
  let pending = end - sent;
  if (pending === 0) return socks.forEach((s) => s.close());
  for (; sent < end; sent++) socks[sent % flows].send(payload, port, addr, () => { if (--pending === 0) setTimeout(burst, 1); });
}
burst();
`;

const COUNTERS = ['PKTS', 'UDP', 'IFACE_RECEIVED', 'IFACE_DROPPED', 'REAL_TIME'];

let link: IsolatedLink;

before(() => {
  if (!skip) link = createIsolatedLink('lw', 7);
});

after(() => {
  link?.destroy();
});

async function openRun(device: string, period: string, timeout = '0s'): Promise<{ session: Session; collector: CollectingExporter; warnings: string[] }> {
  const cfg = await loadConfig({
    overrides: [
      ['miner.device', device], ['analyzer.period', period], ['analyzer.stats', ['R_SYN']], ['analyzer.workers', 2],
      ['miner.timeout', timeout], ['exporter.console.alarm', false],
    ],
  });
  const collector = new CollectingExporter();
  const warnings: string[] = [];
  const session = await Session.open(cfg, { exporters: [collector], counters: COUNTERS, onWarning: (m) => warnings.push(m) });
  return { session, collector, warnings };
}

function total(collector: CollectingExporter, counter: string): number {
  return collector.records.reduce((sum, r) => sum + (r.counters[counter] ?? 0), 0);
}

async function send(count: number, flows: number, port: number): Promise<void> {
  await link.exec(process.execPath, ['-e', FLOW_SENDER, link.hostAddr, String(port), String(count), String(flows)]);
}

test('two capture threads: every datagram of 64 flows counted once over the periods, no drop, both threads used; the idle timeout ends the run', { skip }, async () => {
  const rx = await udpReceiver(link.hostAddr);
  const { session, collector } = await openRun(link.hostIf, '200ms', '3s');
  try {
    assert.equal(session.workers, 2, 'the live run counts in the two threads asked for');
    assert.ok(session.source instanceof LiveWorkerCapture);
    const started = performance.now();
    const running = session.run();
    await send(3000, 64, rx.port);
    const status = await running; // ends by miner.timeout: 3 s without a packet
    const elapsed = (performance.now() - started) / 1000;
    const realTime = total(collector, 'REAL_TIME');
    assert.ok(realTime > 0 && realTime < elapsed, `REAL_TIME ${realTime} s: the threads' counting time, within the run's ${elapsed} s`);
    assert.equal(total(collector, 'PKTS'), 3000, 'PKTS over all periods = datagrams sent');
    assert.equal(total(collector, 'UDP'), 3000);
    assert.equal(total(collector, 'IFACE_RECEIVED'), 3000, 'the captures together received each datagram once');
    assert.equal(total(collector, 'IFACE_DROPPED'), 0);
    assert.equal(status.packets, 3000);
    assert.ok(collector.records.length >= 3, `several periods (${collector.records.length})`);
    const perThread = (session.source as LiveWorkerCapture).workerPackets();
    assert.equal(perThread.length, 2);
    assert.equal(perThread[0] + perThread[1], 3000);
    assert.ok(perThread.every((n) => n > 0), `the kernel spread the flows over both threads: ${perThread.join(' + ')}`);
  } finally {
    rx.close();
  }
});

test('a stop inside a period hands over what every thread captured', { skip }, async () => {
  const rx = await udpReceiver(link.hostAddr);
  // One period of an hour: everything counted reaches the records only through the stop.
  const { session, collector } = await openRun(link.hostIf, '1h');
  try {
    const running = session.run();
    await send(2000, 48, rx.port);
    // The sender has exited: its datagrams are in the captures' rings. The receiver only keeps
    // the kernel from answering ICMP port unreachable (it may drop datagrams under load).
    await until(() => rx.received() === 2000, 'the datagrams to arrive').catch(() => {});
    session.stop();
    const status = await running;
    assert.equal(collector.records.length, 1);
    assert.equal(collector.records[0].partial, true);
    assert.equal(total(collector, 'PKTS'), 2000);
    assert.equal(total(collector, 'IFACE_RECEIVED'), 2000);
    assert.equal(total(collector, 'IFACE_DROPPED'), 0);
    assert.equal(status.packets, 2000);
    assert.ok((session.source as LiveWorkerCapture).workerPackets().every((n) => n > 0));
  } finally {
    rx.close();
  }
});

test('a capture thread that fails ends the run with a message naming the thread and the device, after the last period', { skip }, async () => {
  const gone = createIsolatedLink('lx', 8);
  try {
    const { session, collector } = await openRun(gone.hostIf, '200ms');
    const running = session.run();
    await until(() => collector.records.length >= 1, 'a first period');
    gone.destroy();
    await assert.rejects(running, (err: Error) => {
      assert.match(err.message, new RegExp(`capture thread [12] of 2 on ${gone.hostIf}`));
      return true;
    });
    assert.equal(collector.records.at(-1)?.partial, true, 'the last period was still emitted');
  } finally {
    gone.destroy();
  }
});

test('two captures in one fan-out group (fanoutGroup) get disjoint shares of the flows that add up to every packet', { skip }, async () => {
  const rx = await udpReceiver(link.hostAddr);
  const group = (process.pid + 17) & 0xffff;
  const a = await openLiveSource({ device: link.hostIf, fanoutGroup: group });
  const b = await openLiveSource({ device: link.hostIf, fanoutGroup: group });
  const since = Date.now();
  try {
    const ta = emptyTally();
    const tb = emptyTally();
    // Both read while the datagrams flow, so that neither ring fills.
    const reading = [a, b].map(async (s, i) => {
      for (let batch = await s.next(); batch !== null; batch = await s.next()) tallyBatch(i === 0 ? ta : tb, batch, since, Date.now());
    });
    await send(1500, 64, rx.port);
    await until(() => a.stats().received + b.stats().received === 1500, 'the captures to count them');
    a.stop();
    b.stop();
    await Promise.all(reading);
    assert.equal(ta.udpTo.get(rx.port)! + tb.udpTo.get(rx.port)!, 1500, `${ta.packets} + ${tb.packets}`);
    assert.equal(ta.packets + tb.packets, 1500, 'each packet went to exactly one capture');
    assert.ok(ta.packets > 0 && tb.packets > 0, 'the flows were spread');
    assert.equal(a.stats().received, ta.packets);
    assert.equal(b.stats().received, tb.packets);
  } finally {
    await a.close();
    await b.close();
    rx.close();
  }
});

test('joining a fan-out group held on another device fails with EFANOUT naming the device and the group', { skip }, async () => {
  const group = (process.pid + 29) & 0xffff;
  const holder = await openLiveSource({ device: 'lo', fanoutGroup: group });
  try {
    await assert.rejects(openLiveSource({ device: link.hostIf, fanoutGroup: group }), (err: unknown) => {
      assert.ok(err instanceof CaptureError, String(err));
      assert.equal(err.code, 'EFANOUT');
      assert.match(err.message, new RegExp(`fan-out group ${group} on ${link.hostIf}`));
      return true;
    });
  } finally {
    await holder.close();
  }
});

test('netspot run -w 2 on the veth: Ctrl-C ends it cleanly; the summary counts every datagram and says how the threads shared them', { skip }, async () => {
  const bin = fileURLToPath(new URL('../../src/cli/netspot.js', import.meta.url));
  const rx = await udpReceiver(link.hostAddr);
  const netspot = spawn(process.execPath, [
    bin, 'run', '-d', link.hostIf, '-w', '2', '-p', '200ms', '-v', '-s', 'TRAFFIC',
  ], { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = once(netspot, 'close');
  let stderr = '';
  netspot.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  try {
    // The first record: the captures are open and the periods run.
    await once(netspot.stdout, 'data');
    await send(1000, 32, rx.port);
    await until(() => rx.received() === 1000, 'the datagrams to arrive').catch(() => {});
  } finally {
    netspot.kill('SIGINT');
    rx.close();
  }
  const [code] = (await exited) as [number];
  assert.equal(code, 0, stderr);
  assert.match(stderr, new RegExp(`${link.hostIf}: 1000 packets`), stderr);
  const shares = /2 capture threads: (\d+) \+ (\d+) packets/.exec(stderr);
  assert.ok(shares !== null, stderr);
  assert.equal(Number(shares[1]) + Number(shares[2]), 1000);
  assert.ok(Number(shares[1]) > 0 && Number(shares[2]) > 0, stderr);
  assert.doesNotMatch(stderr, /dropped/);
});
