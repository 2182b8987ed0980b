/**
 * Many sensors, one analysis, against a real nats-server with JetStream (Debian's package,
 * started on a free port with a temporary store): three sensors (`netspot run` with
 * exporter.nats) each read the part of a generated capture sent by their hosts; `netspot
 * aggregate` merges their snapshots. Its records must be those of one `netspot run --align
 * epoch` over the whole capture, line for line (values, thresholds, alarms), and its merged
 * distinct counts those of the generator; through hard kills of the aggregator and of
 * nats-server nothing is lost and nothing doubled.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connect, credsAuthenticator } from '@nats-io/transport-node';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { multiSensorCapture } from '../fixtures/multi-sensor.js';
import { NatsServer, natsServerMissing } from '../support/nats-server.js';
import { operatorMode } from '../support/nats-operator.js';
import { freePort, tempDir, waitFor } from '../support/servers.js';
import { readJsonLines } from '../support/json-lines.js';

const bin = fileURLToPath(new URL('../../src/cli/netspot.js', import.meta.url));
const STATS = 'R_SYN,TRAFFIC,AVG_PKT_SIZE,R_DST_SRC,R_DST_SRC_PORT,R_ICMP,ADDR_FANOUT,TCP_PORT_FANOUT';
const ANALYSIS = ['-s', STATS, '--spot.n_init', '30', '--spot.depth', '10', '--spot.q', '0.01'];
const skip = natsServerMissing() ?? false;

interface Done {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

function netspot(args: string[]): { proc: ChildProcess; done: Promise<Done>; stderr: () => string } {
  const proc = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  proc.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<Done>((resolve) => proc.once('exit', (code, signal) => resolve({ code, signal, stderr })));
  return { proc, done, stderr: () => stderr };
}

async function ok(args: string[]): Promise<string> {
  const r = await netspot(args).done;
  assert.equal(r.code, 0, `netspot ${args.join(' ')}: ${r.stderr}`);
  return r.stderr;
}

function lines(file: string): string[] {
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter((l) => l !== '') : [];
}

/** Alarm lines without the series (the capture's name for one run, the site for the aggregator). */
function alarmLines(file: string): string[] {
  return lines(file).map((l) => l.replace(/"series":"[^"]*",?/, ''));
}

function setup(periods: number, periodMs: number, seed: number) {
  const dir = tempDir('scale-out');
  const cap = multiSensorCapture({ periods, periodMs, seed });
  const whole = join(dir, 'whole.pcap');
  writeFileSync(whole, cap.whole);
  const parts = cap.parts.map((bytes, i) => {
    const f = join(dir, `part${i + 1}.pcap`);
    writeFileSync(f, bytes);
    return f;
  });
  return { dir, cap, whole, parts, period: `${periodMs}ms` };
}

function sensorArgs(part: string, i: number, url: string, period: string, extra: string[] = []): string[] {
  return ['run', '-q', '-d', part, '--align', 'epoch', '-p', period, ...ANALYSIS, '--exporter.console.alarm', 'false',
    '--exporter.nats.url', url, '--exporter.nats.subject', `netspot.lab.s${i + 1}.counters`, ...extra];
}

function aggregatorArgs(url: string, dir: string, period: string, out: string): string[] {
  return ['aggregate', '--nats', url, '--site', 'lab', '-p', period, ...ANALYSIS, '--wait', '15s', '--exporter.console.alarm', 'false',
    '--analyzer.state_file', join(dir, 'aggregate.state'), '-f', join(dir, `${out}.json`), '--exporter.file.alarm', join(dir, `${out}-alarms.json`)];
}

/**
 * One `netspot run` over the whole capture: the reference, alarm context included (the
 * aggregate merges the sensors' top talkers; every sensor here sees few enough packets and
 * keys a period for its lists to be exact, and so are the merged ones).
 */
async function single(s: ReturnType<typeof setup>): Promise<{ data: string[]; alarms: string[] }> {
  await ok(['run', '-q', '-d', s.whole, '--align', 'epoch', '-p', s.period, ...ANALYSIS, '--exporter.console.alarm', 'false',
    '-f', join(s.dir, 'single.json'), '--exporter.file.alarm', join(s.dir, 'single-alarms.json')]);
  return { data: lines(join(s.dir, 'single.json')), alarms: alarmLines(join(s.dir, 'single-alarms.json')) };
}

test('three sensors, one aggregate: the records of one run over the whole capture, distinct counts as generated', { skip, timeout: 180_000 }, async () => {
  const s = setup(80, 100, 11);
  const nats = await NatsServer.start();
  try {
    const ref = await single(s);
    assert.equal(ref.data.length, 80);
    const agg = netspot(aggregatorArgs(nats.url, s.dir, s.period, 'agg'));
    try {
      await Promise.all(s.parts.map((p, i) => ok(sensorArgs(p, i, nats.url, s.period))));
      await waitFor('the aggregate of every period', async () => (lines(join(s.dir, 'agg.json')).length >= ref.data.length ? true : undefined), 120_000);
    } finally {
      agg.proc.kill('SIGTERM');
    }
    const r = await agg.done;
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /80 periods judged.*sensors s1, s2, s3/);
    assert.match(r.stderr, /0 late, 0 delivered again, 0 refused; 0 periods closed without every sensor/);
    assert.deepEqual(lines(join(s.dir, 'agg.json')), ref.data);
    assert.deepEqual(alarmLines(join(s.dir, 'agg-alarms.json')), ref.alarms);
    assert.ok(ref.data.some((l) => l.includes('R_SYN_UP')), 'the detectors calibrated: thresholds are compared too');
    assert.ok(ref.alarms.some((l) => /"top_src":\[\{"addr"/.test(l) && l.includes('"top_fanout"')), 'alarm contexts (merged top talkers, fan-out sources) are compared too');
    // Merged distinct counts against the generator's sets (the union across sensors).
    const got = readJsonLines(readFileSync(join(s.dir, 'agg.json'), 'utf8'));
    s.cap.truth.forEach((t, k) => {
      assert.equal(got[k].R_DST_SRC, t.dst.size / t.src.size, `period ${k}: R_DST_SRC`);
      assert.equal(got[k].R_DST_SRC_PORT, t.dstPorts.size / t.srcPorts.size, `period ${k}: R_DST_SRC_PORT`);
    });
  } finally {
    await nats.stop();
  }
});

/**
 * Three sensors publish 400 periods; the aggregator is SIGKILLed mid-run together with
 * nats-server, both restart (and with `natsUnderAggregator`, nats-server is killed and
 * restarted once more under the running second aggregator). Both aggregator runs write the
 * same files, which must end as the single run's: nothing doubled, nothing lost, whenever the
 * kill came (a period written but not committed is cut at the restart and written again).
 */
async function killAndRestart(t: TestContext, natsUnderAggregator: boolean): Promise<void> {
  const s = setup(400, 100, 12);
  const nats = await NatsServer.start();
  // Both aggregator runs write the same files, as a restarted service does.
  const out = join(s.dir, 'agg.json'), outAlarms = join(s.dir, 'agg-alarms.json');
  try {
    const ref = await single(s);
    const a1 = netspot(aggregatorArgs(nats.url, s.dir, s.period, 'agg'));
    await Promise.all(s.parts.map((p, i) => ok(sensorArgs(p, i, nats.url, s.period))));
    // Every snapshot is in the stream now; the aggregator is still working through them.
    await waitFor('a first aggregated period', async () => (lines(out).length >= 1 ? true : undefined), 60_000);
    a1.proc.kill('SIGKILL');
    await nats.kill();
    const judgedBefore = lines(out).length;
    assert.ok(judgedBefore < ref.data.length, `the aggregator was killed mid-run (${judgedBefore} of ${ref.data.length} periods)`);
    t.diagnostic(`aggregator killed after ${judgedBefore} of ${ref.data.length} periods written`);
    await nats.restart();
    const a2 = netspot(aggregatorArgs(nats.url, s.dir, s.period, 'agg'));
    try {
      if (natsUnderAggregator) {
        await waitFor('periods after the restart', async () => (lines(out).length > judgedBefore ? true : undefined), 60_000);
        await nats.kill();
        t.diagnostic(`nats-server killed with ${lines(out).length} periods written`);
        await nats.restart();
      }
      await waitFor('the aggregate of every period', async () => (lines(out).length >= ref.data.length ? true : undefined), 180_000);
      await new Promise((r) => setTimeout(r, 3000));
    } finally {
      a2.proc.kill('SIGTERM');
    }
    const r = await a2.done;
    assert.equal(r.code, 0, r.stderr);
    t.diagnostic(r.stderr.split('\n').filter((l) => /snapshots:|site lab/.test(l)).join('; '));
    if (natsUnderAggregator) {
      // The loss is logged, and the consumer resynchronised at the acknowledgement floor on reconnection.
      assert.match(r.stderr, /NATS connection to 127\.0\.0\.1:\d+ lost: reconnecting/);
      assert.match(r.stderr, /NATS connection back \(127\.0\.0\.1:\d+\): consumer netspot-aggregate-lab re-created at stream sequence \d+ \(acknowledgement floor\)/);
      assert.match(r.stderr, /0 late, \d+ delivered again, 0 refused; 0 periods closed without every sensor/);
    }
    // Exactly once: a period written but not committed when the kill came was cut from the
    // files at the restart and written again; nothing lost, nothing doubled.
    assert.deepEqual(lines(out), ref.data);
    assert.deepEqual(alarmLines(outAlarms), ref.alarms);
  } finally {
    await nats.stop();
  }
}

test('a restarted aggregator continues its output files from its last commit: what was written after it is cut', { skip, timeout: 180_000 }, async () => {
  const s = setup(30, 100, 17);
  const nats = await NatsServer.start();
  const out = join(s.dir, 'agg.json'), outAlarms = join(s.dir, 'agg-alarms.json');
  try {
    const ref = await single(s);
    const a1 = netspot(aggregatorArgs(nats.url, s.dir, s.period, 'agg'));
    try {
      await Promise.all(s.parts.map((p, i) => ok(sensorArgs(p, i, nats.url, s.period))));
      await waitFor('the aggregate of every period', async () => (lines(out).length >= ref.data.length ? true : undefined), 120_000);
    } finally {
      a1.proc.kill('SIGTERM');
    }
    assert.equal((await a1.done).code, 0);
    // A period written but not committed when the process died (the window a SIGKILL can hit).
    appendFileSync(out, '{"time":1,"uncommitted":true}\n');
    appendFileSync(outAlarms, '{"time":1,"uncommitted":true}\n');
    const a2 = netspot(aggregatorArgs(nats.url, s.dir, s.period, 'agg'));
    try {
      await waitFor('the files cut back to the last commit', async () => (!readFileSync(out, 'utf8').includes('uncommitted') ? true : undefined), 60_000);
    } finally {
      a2.proc.kill('SIGTERM');
    }
    assert.equal((await a2.done).code, 0);
    assert.deepEqual(lines(out), ref.data, 'the earlier periods kept, the uncommitted one gone');
    assert.deepEqual(alarmLines(outAlarms), ref.alarms);
  } finally {
    await nats.stop();
  }
});

test('aggregator and nats-server killed and restarted mid-run: every period written exactly once', { skip, timeout: 300_000 }, (t) =>
  killAndRestart(t, false));

test('nats-server killed and restarted under a running aggregator as well: it resumes by itself', { skip, timeout: 300_000 }, (t) =>
  killAndRestart(t, true));

/**
 * An aggregator waiting on its consumer (a pull request open at the server) meets `disrupt`;
 * then the sensors publish. Its records must be the single run's, every period once, none
 * late, and its log must say what happened (`said`).
 */
async function disruptWaitingAggregator(
  t: TestContext,
  seed: number,
  disrupt: (nats: NatsServer, jsm: JetStreamManager, agg: ReturnType<typeof netspot>) => Promise<void>,
  said: RegExp,
): Promise<void> {
  const s = setup(150, 100, seed);
  const nats = await NatsServer.start();
  const nc = await connect({ servers: nats.url });
  try {
    const ref = await single(s);
    const agg = netspot(aggregatorArgs(nats.url, s.dir, s.period, 'agg'));
    try {
      const jsm = await jetstreamManager(nc);
      await waitFor('the aggregator\'s pull request', async () => ((await jsm.consumers.info('NETSPOT', 'netspot-aggregate-lab')).num_waiting > 0 ? true : undefined), 60_000);
      await disrupt(nats, jsm, agg);
      await Promise.all(s.parts.map((p, i) => ok(sensorArgs(p, i, nats.url, s.period))));
      await waitFor('the aggregate of every period', async () => (lines(join(s.dir, 'agg.json')).length >= ref.data.length ? true : undefined), 120_000);
    } finally {
      agg.proc.kill('SIGTERM');
    }
    const r = await agg.done;
    t.diagnostic(r.stderr.split('\n').filter((l) => /consumer|snapshots:/.test(l)).join('; '));
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, said);
    assert.match(r.stderr, /0 late, 0 delivered again, 0 refused; 0 periods closed without every sensor/);
    assert.deepEqual(lines(join(s.dir, 'agg.json')), ref.data);
    assert.deepEqual(alarmLines(join(s.dir, 'agg-alarms.json')), ref.alarms);
  } finally {
    nats.resume();
    await nc.close();
    await nats.stop();
  }
}

test('its durable consumer deleted under a running aggregator: re-created, the snapshots sent afterwards all judged', { skip, timeout: 300_000 }, (t) =>
  disruptWaitingAggregator(
    t,
    16,
    // An operator (or a server that lost its consumer store) removes the consumer.
    async (_nats, jsm) => void (await jsm.consumers.delete('NETSPOT', 'netspot-aggregate-lab')),
    /consumer netspot-aggregate-lab is gone from the server: consumer netspot-aggregate-lab re-created at stream sequence 1 \(it was gone: after the last snapshot taken\)/,
  ));

test('nats-server stalled (SIGSTOP) under a waiting aggregator: its missed heartbeats resynchronise the consumer, every period judged once', { skip, timeout: 300_000 }, (t) =>
  disruptWaitingAggregator(
    t,
    17,
    // The server stalls with the connection open (the client's pings come every 2 min): only
    // the heartbeats tell (--wait 15s: pulls of 7.5 s, heartbeats every 3.75 s; two missed ones mean a pull lost).
    async (nats, _jsm, agg) => {
      nats.pause();
      try {
        await waitFor('the aggregator noticing the missed heartbeats', async () => (/heartbeats of consumer netspot-aggregate-lab missed/.test(agg.stderr()) ? true : undefined), 60_000);
      } finally {
        nats.resume();
      }
    },
    /\d+ heartbeats of consumer netspot-aggregate-lab missed \(a pull lost\)/,
  ));

test('a dead NATS at a sensor: a warning naming the URL, every snapshot counted as dropped, the analysis goes on', { skip, timeout: 60_000 }, async () => {
  const s = setup(20, 100, 13);
  const url = `nats://127.0.0.1:${await freePort()}`;
  const stderr = await ok([...sensorArgs(s.parts[0], 0, url, s.period, ['--exporter.nats.flush_timeout', '500ms']), '-f', join(s.dir, 'sensor.json')]);
  assert.match(stderr, new RegExp(`exporter nats: cannot send to ${url.replace(/\./g, '\\.')}: `));
  assert.equal(lines(join(s.dir, 'sensor.json')).length, 20, 'the sensor analysed every period');
  // -q hides the summary: the drop warning carries the count.
  assert.match(stderr, /exporter nats: dropped 20 data records: not sent within flush_timeout 0\.5 s/);
});

test('a snapshot larger than the server\'s max_payload is dropped as rejected, counted, not retried', { skip, timeout: 60_000 }, async () => {
  const s = setup(10, 100, 15);
  const nats = await NatsServer.start({ maxPayload: 256 });
  try {
    const stderr = await ok([...sensorArgs(s.parts[0], 0, nats.url, s.period), '-f', join(s.dir, 'sensor.json')]);
    // Drop warnings are grouped by reason (the first at once, the rest at the end): 10 in all.
    const dropped = [...stderr.matchAll(/exporter nats: dropped (\d+) data records?: rejected by nats:\/\/127\.0\.0\.1:\d+: snapshot larger than the server's max_payload of 256 bytes/g)];
    assert.equal(dropped.reduce((n, m) => n + Number(m[1]), 0), 10, stderr);
    assert.doesNotMatch(stderr, /cannot send|retrying/, 'a refused snapshot is not retried');
    assert.equal(lines(join(s.dir, 'sensor.json')).length, 10);
  } finally {
    await nats.stop();
  }
});

test('exporter.nats refuses a start-aligned run and a bad subject, naming the key', { skip: false }, async () => {
  const s = setup(3, 100, 14);
  const r1 = await netspot(['run', '-q', '-d', s.parts[0], '--exporter.nats.url', 'nats://127.0.0.1:1', '--exporter.nats.subject', 'netspot.lab.s1.counters']).done;
  assert.equal(r1.code, 2);
  assert.match(r1.stderr, /exporter\.nats needs analyzer\.align = "epoch"/);
  const r2 = await netspot(['run', '-q', '-d', s.parts[0], '--align', 'epoch', '--exporter.nats.url', 'nats://127.0.0.1:1', '--exporter.nats.subject', 'lab.s1']).done;
  assert.equal(r2.code, 2);
  assert.match(r2.stderr, /exporter\.nats\.subject.*netspot\.SITE\.SENSOR\.counters/);
  const r3 = await netspot(['aggregate', '--nats', 'nats://127.0.0.1:1', '--site', 'lab', '-s', 'R_SYN']).done;
  assert.equal(r3.code, 2);
  assert.match(r3.stderr, /needs analyzer\.state_file/);
});

test('exporter.nats.credentials: an operator-mode nats-server (JWT accounts) takes the snapshots of a sensor with the user\'s .creds file and refuses one without', { skip, timeout: 120_000 }, async () => {
  const s = setup(12, 100, 16);
  const { config, creds } = operatorMode();
  const credsFile = join(s.dir, 'sensor.creds');
  writeFileSync(credsFile, creds);
  const nats = await NatsServer.start({ config });
  try {
    // Without the credentials: the server says why, the sensor names it and counts every snapshot as dropped.
    const refused = await ok([...sensorArgs(s.parts[0], 0, nats.url, s.period, ['--exporter.nats.flush_timeout', '500ms']), '-f', join(s.dir, 'refused.json')]);
    assert.match(refused, /exporter nats: cannot send to nats:\/\/127\.0\.0\.1:\d+: .*Authorization Violation/i);
    assert.match(refused, /exporter nats: dropped 12 data records/);
    // With them: every period's snapshot is stored in the account's stream, none dropped.
    const sent = await ok([...sensorArgs(s.parts[0], 0, nats.url, s.period, ['--exporter.nats.credentials', credsFile]), '-f', join(s.dir, 'sent.json')]);
    assert.doesNotMatch(sent, /cannot send|dropped/);
    const nc = await connect({ servers: nats.url, authenticator: credsAuthenticator(new TextEncoder().encode(creds)) });
    try {
      const info = await (await jetstreamManager(nc)).streams.info('NETSPOT');
      assert.equal(info.state.messages, 12);
    } finally {
      await nc.close();
    }
    // A credentials file that is not one is refused before anything runs, naming the key.
    const bad = join(s.dir, 'bad.creds');
    writeFileSync(bad, 'not a creds file\n');
    const r = await netspot([...sensorArgs(s.parts[0], 0, nats.url, s.period, ['--exporter.nats.credentials', bad]), '-f', join(s.dir, 'bad.json')]).done;
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /bad value for exporter\.nats\.credentials: .*bad\.creds is not a NATS credentials file/);
    assert.equal(lines(join(s.dir, 'bad.json')).length, 0, 'nothing ran');
  } finally {
    await nats.stop();
  }
});
