import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { openLiveSource } from '../../src/source/live-source.js';
import { listDevices } from '../../src/source/devices.js';
import { CaptureError } from '../../src/source/capture-error.js';
import { UsageError } from '../../src/util/errors.js';
import { bindingSkipReason, captureWhile, hasCommand, liveSkipReason } from './live-fixture.js';
import { connectTcp, sendUdp, tcpServer, udpReceiver, until } from './traffic.js';

const skip = liveSkipReason();
const LO = '127.0.0.1';

test('captures on lo exactly the UDP datagrams and TCP handshakes sent', { skip }, async () => {
  const rx = await udpReceiver(LO);
  const server = await tcpServer(LO);
  const source = await openLiveSource({ device: 'lo' });
  assert.equal(source.linkType, 1, 'Linux gives lo the Ethernet link type');
  try {
    const tally = await captureWhile(source, async () => {
      await sendUdp(LO, rx.port, 300, 100, rx.received);
      await connectTcp(LO, server.port, 5);
      await until(() => rx.received() === 300 && server.accepted() === 5, 'the traffic to arrive');
    });
    assert.equal(tally.udpTo.get(rx.port), 300);
    assert.equal(tally.synTo.get(server.port), 5);
    assert.equal(tally.synAckFrom.get(server.port), 5);
    assert.equal(tally.badTimestamps, 0, 'timestamps lie within the capture wall-clock window');
    // 14 Ethernet + 20 IPv4 + 8 UDP + 100 payload bytes, all kept under the default snaplen.
    assert.equal(tally.lastUdpWirelen, 142);
    assert.equal(tally.lastUdpCaplen, 142);
    const stats = source.stats();
    assert.equal(stats.packets, tally.packets, 'stats().packets counts the packets handed out');
    assert.equal(stats.dropped, 0);
    assert.ok(stats.received >= tally.packets, `kernel received ${stats.received} >= ${tally.packets} captured`);
  } finally {
    await source.close();
    rx.close();
    await server.close();
  }
});

test('a BPF filter lets only matching packets through', { skip }, async () => {
  const wanted = await udpReceiver(LO);
  const other = await udpReceiver(LO);
  const source = await openLiveSource({ device: 'lo', filter: `udp and dst port ${wanted.port}` });
  try {
    const tally = await captureWhile(source, async () => {
      await sendUdp(LO, other.port, 70, 32, other.received);
      await sendUdp(LO, wanted.port, 50, 32, wanted.received);
      await sendUdp(LO, other.port, 30, 32, other.received);
      await until(() => wanted.received() === 50 && other.received() === 100, 'the datagrams to arrive');
    });
    assert.equal(tally.udpTo.get(wanted.port), 50);
    assert.equal(tally.udpTo.get(other.port), undefined);
    assert.equal(tally.packets, 50, 'nothing else passes the filter');
  } finally {
    await source.close();
    wanted.close();
    other.close();
  }
});

test('the snapshot length cuts packets: caplen is the snaplen, wirelen the real size', { skip }, async () => {
  const rx = await udpReceiver(LO);
  const source = await openLiveSource({ device: 'lo', snapshotLen: 64, filter: `udp dst port ${rx.port}` });
  try {
    const tally = await captureWhile(source, async () => {
      await sendUdp(LO, rx.port, 10, 400);
      await until(() => rx.received() === 10, 'the datagrams to arrive');
    });
    assert.equal(tally.udpTo.get(rx.port), 10);
    assert.equal(tally.lastUdpCaplen, 64);
    assert.equal(tally.lastUdpWirelen, 14 + 20 + 8 + 400);
  } finally {
    await source.close();
    rx.close();
  }
});

test('a bad BPF filter is a usage error quoting libpcap', { skip }, async () => {
  const filter = 'udp port 70000';
  const err = await openLiveSource({ device: 'lo', filter }).then(
    () => assert.fail('the filter was accepted'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof UsageError, `got ${String(err)}`);
  assert.match(err.message, /udp port 70000/);
  if (hasCommand('tcpdump')) {
    // tcpdump compiles with the same libpcap: its complaint is the reference text.
    const td = spawnSync('tcpdump', ['-d', filter], { encoding: 'utf8' });
    const line = td.stderr.split('\n').find((l) => l.startsWith('tcpdump: '));
    assert.ok(line, `tcpdump printed no error: ${td.stderr}`);
    assert.ok(err.message.includes(line.slice('tcpdump: '.length)), `${err.message} quotes "${line}"`);
  } else {
    assert.match(err.message, /illegal port number/);
  }
});

test('close() ends a pending next() with null, and next() stays null', { skip }, async () => {
  // A filter nothing matches: next() waits until close().
  const source = await openLiveSource({ device: 'lo', filter: 'udp and dst port 9 and src port 9' });
  const pending = source.next();
  await source.close();
  assert.equal(await pending, null);
  assert.equal(await source.next(), null);
});

test('opening an interface that does not exist names it', { skip }, async () => {
  const err = await openLiveSource({ device: 'nosuch-if0' }).then(
    () => assert.fail('opened a missing interface'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof CaptureError);
  assert.equal(err.code, 'ENODEV');
  assert.match(err.message, /nosuch-if0/);
});

test('without CAP_NET_RAW the error names the capabilities and how to grant them', {
  skip: skip || (!hasCommand('setpriv') && 'setpriv (util-linux) is needed to drop capabilities'),
}, () => {
  const module = fileURLToPath(new URL('../../src/source/live-source.js', import.meta.url));
  const script =
    `import(${JSON.stringify(module)}).then((m) => m.openLiveSource({ device: 'lo' }))` +
    `.then((s) => { console.log('opened'); return s.close(); }, (e) => { console.log(e.code); console.log(e.message); })`;
  const run = spawnSync(
    'setpriv',
    ['--inh-caps=-all', '--bounding-set=-net_raw,-net_admin', process.execPath, '-e', script],
    { encoding: 'utf8', timeout: 10_000 },
  );
  assert.equal(run.status, 0, run.stderr);
  const [code, ...message] = run.stdout.split('\n');
  assert.equal(code, 'EPERM');
  const text = message.join('\n');
  assert.match(text, /CAP_NET_RAW/);
  assert.match(text, /CAP_NET_ADMIN/);
  assert.match(text, /setcap cap_net_raw,cap_net_admin=eip/);
  assert.match(text, /AmbientCapabilities=CAP_NET_RAW CAP_NET_ADMIN/);
});

test('listDevices() lists lo with 127.0.0.1 and the loopback flag, and every interface', { skip: bindingSkipReason() }, () => {
  const devices = listDevices();
  const lo = devices.find((d) => d.name === 'lo');
  assert.ok(lo, 'lo is listed');
  assert.equal(lo.flags.loopback, true);
  assert.equal(lo.flags.up, true);
  const v4 = lo.addresses.find((a) => a.family === 'inet');
  assert.deepEqual(v4 && { address: v4.address, netmask: v4.netmask }, { address: '127.0.0.1', netmask: '255.0.0.0' });
  assert.ok(devices.some((d) => d.name === 'any'), 'the "any" pseudo-device is listed');
  const names = new Set(devices.map((d) => d.name));
  for (const iface of readdirSync('/sys/class/net')) assert.ok(names.has(iface), `${iface} (from /sys/class/net) is listed`);
  const nonLoopback = devices.filter((d) => d.name !== 'lo' && d.flags.loopback);
  assert.deepEqual(nonLoopback, [], 'only lo is flagged loopback');
});

test('"any" captures with the Linux cooked link type', { skip }, async () => {
  const rx = await udpReceiver(LO);
  const source = await openLiveSource({ device: 'any', filter: `udp dst port ${rx.port}` });
  try {
    assert.ok(source.linkType === 113 || source.linkType === 276, `link type ${source.linkType}`);
    const tally = await captureWhile(source, async () => {
      await sendUdp(LO, rx.port, 20);
      await until(() => rx.received() === 20, 'the datagrams to arrive');
    });
    // libpcap hides the outgoing copy of loopback packets on "any" too.
    assert.equal(tally.udpTo.get(rx.port), 20);
  } finally {
    await source.close();
    rx.close();
  }
});
