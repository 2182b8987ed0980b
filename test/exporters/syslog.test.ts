/**
 * The syslog exporter against Debian's rsyslog: rsyslogd (own config, free ports, a socket in
 * a temporary directory) parses each message as RFC 5424 and writes the fields it found.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RSYSLOGD, Rsyslogd, missingBinary, tempDir, waitFor } from '../support/servers.js';
import { readJsonLines } from '../support/json-lines.js';

const bin = fileURLToPath(new URL('../../src/cli/netspot.js', import.meta.url));
const demo = fileURLToPath(new URL('../../../data/demo-syn-flood.pcap.gz', import.meta.url));

function netspot(args: string[]): Promise<{ status: number | null; stderr: string }> {
  const p = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => p.on('exit', (status) => resolve({ status, stderr })));
}

/** The parameters of one SD-ELEMENT, unescaped. */
function sdParams(sd: string, id: string): Record<string, string> {
  const m = new RegExp(`^\\[${id.replace('@', '@')}((?: [^=\\s]+="(?:[^"\\\\]|\\\\.)*")*)\\]$`).exec(sd);
  assert.ok(m !== null, `structured data ${sd} is not one [${id} ...] element`);
  const out: Record<string, string> = {};
  for (const p of m[1].matchAll(/ ([^=\s]+)="((?:[^"\\]|\\.)*)"/g)) out[p[1]] = p[2].replace(/\\(["\\\]])/g, '$1');
  return out;
}

/** rsyslog's RFC 3339 time back to Unix ns (it keeps microseconds). */
function timeNs(rfc3339: string): bigint {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/.exec(rfc3339);
  assert.ok(m !== null, `time ${rfc3339}`);
  const secs = BigInt(Date.parse(`${m[1]}${m[3] === 'Z' ? 'Z' : m[3]}`) / 1000);
  return secs * 1_000_000_000n + BigInt((m[2] ?? '').padEnd(9, '0'));
}

for (const transport of ['udp', 'tcp', 'unix'] as const) {
  test(`alarms reach rsyslog over ${transport} as RFC 5424 messages with their fields in structured data`, async (t) => {
    const missing = missingBinary(RSYSLOGD, 'rsyslog');
    if (missing !== null) return t.skip(missing);
    const rs = await Rsyslogd.start();
    t.after(() => rs.cleanup());
    const dir = tempDir(`syslog-${transport}`);
    const address = transport === 'unix' ? `unix://${rs.socketPath}` : `${transport}://127.0.0.1:${transport === 'udp' ? rs.udpPort : rs.tcpPort}`;
    const app = `netspot-${transport}`;
    const r = await netspot([
      'run', '-d', demo, '-s', 'R_SYN,TRAFFIC', '-f', join(dir, 'data.json'), '--exporter.file.alarm', join(dir, 'alarms.json'), '--exporter.console.alarm', 'false',
      '--exporter.syslog.address', address, '--exporter.syslog.facility', 'local3', '--exporter.syslog.app_name', app,
    ]);
    assert.equal(r.status, 0, r.stderr);
    const alarms = readJsonLines(readFileSync(join(dir, 'alarms.json'), 'utf8'));
    assert.ok(alarms.length > 20);
    assert.match(r.stderr, new RegExp(`exporter syslog: ${alarms.length} records sent, 0 dropped`));
    const got = await waitFor(`${alarms.length} messages in rsyslog's output`, async () => {
      const m = rs.messages().filter((x) => x['app-name'] === app);
      return m.length >= alarms.length ? m : undefined;
    });
    assert.equal(got.length, alarms.length);
    got.forEach((m, i) => {
      const a = alarms[i];
      assert.equal(m.pri, String(19 * 8 + 4), 'local3.warning');
      assert.equal(m['protocol-version'], '1');
      assert.match(m.procid, /^\d+$/);
      assert.equal(m.msgid, 'ALARM');
      assert.equal(timeNs(m.timereported), BigInt(a.time as string) / 1000n * 1000n, 'the period end, to the microsecond');
      assert.deepEqual(sdParams(m['structured-data'], 'alarm@32473'), {
        series: 'demo-syn-flood', stat: a.stat, status: a.status, value: String(a.value), threshold: String(a.threshold),
        probability: String(a.probability), code: String(a.code),
      });
      assert.match(m.msg.trim(), new RegExp(`^${a.stat as string} ${a.status as string} on demo-syn-flood: value [\\d.e+-]+ (above|below) threshold [\\d.e+-]+ \\(p = [\\d.]+e[+-]\\d+\\)$`));
    });
  });
}

test('data messages (exporter.syslog.data): one per period, values in structured data, severity info', async (t) => {
  const missing = missingBinary(RSYSLOGD, 'rsyslog');
  if (missing !== null) return t.skip(missing);
  const rs = await Rsyslogd.start();
  t.after(() => rs.cleanup());
  const dir = tempDir('syslog-data');
  const r = await netspot([
    'run', '-d', demo, '-s', 'R_SYN', '-f', join(dir, 'data.json'), '--exporter.console.alarm', 'false',
    '--exporter.syslog.address', `tcp://127.0.0.1:${rs.tcpPort}`, '--exporter.syslog.alarm', 'false', '--exporter.syslog.data', 'true',
  ]);
  assert.equal(r.status, 0, r.stderr);
  const data = readJsonLines(readFileSync(join(dir, 'data.json'), 'utf8'));
  const got = await waitFor('every data message', async () => {
    const m = rs.messages().filter((x) => x['app-name'] === 'netspot');
    return m.length >= data.length ? m : undefined;
  });
  assert.equal(got.length, data.length);
  got.forEach((m, i) => {
    assert.equal(m.pri, String(3 * 8 + 6), 'daemon.info');
    assert.equal(m.msgid, 'DATA');
    const p = sdParams(m['structured-data'], 'data@32473');
    const want: Record<string, string> = { series: 'demo-syn-flood' };
    for (const [k, v] of Object.entries(data[i])) if (k !== 'time') want[k] = v === null ? '' : String(v);
    assert.deepEqual(p, want);
  });
});

test('a series name with quotes, a bracket and a backslash survives structured-data escaping', async (t) => {
  const missing = missingBinary(RSYSLOGD, 'rsyslog');
  if (missing !== null) return t.skip(missing);
  const rs = await Rsyslogd.start();
  t.after(() => rs.cleanup());
  const dir = tempDir('syslog-odd');
  const odd = 'odd "name] \\x';
  copyFileSync(demo, join(dir, `${odd}.pcap.gz`));
  const r = await netspot([
    'run', '-d', join(dir, `${odd}.pcap.gz`), '-s', 'R_SYN', '--exporter.console.alarm', 'false', '--exporter.syslog.address', `udp://127.0.0.1:${rs.udpPort}`,
  ]);
  assert.equal(r.status, 0, r.stderr);
  const got = await waitFor('the alarms', async () => {
    const m = rs.messages().filter((x) => x['app-name'] === 'netspot');
    return m.length > 10 ? m : undefined;
  });
  for (const m of got) {
    assert.equal(sdParams(m['structured-data'], 'alarm@32473').series, odd);
    assert.ok(m.msg.includes(`on ${odd}:`));
  }
});
