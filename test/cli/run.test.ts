import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { captureFiles, extrasNote } from '../support/test-data.js';

const bin = fileURLToPath(new URL('../../src/cli/netspot.js', import.meta.url));
const demo = fileURLToPath(new URL('../../../data/demo-syn-flood.pcap.gz', import.meta.url));

function netspot(...args: string[]) {
  return spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });
}

test('the main job runs on the shipped capture with the built-in config: alarms on stdout, summary on stderr', () => {
  const r = netspot('run', '-d', demo);
  assert.equal(r.status, 0, r.stderr);
  const alarms = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { stat: string; status: string });
  assert.ok(alarms.some((a) => a.stat === 'R_SYN' && a.status === 'UP_ALERT'));
  assert.match(r.stderr, /demo-syn-flood: 51302 packets, 1150 periods of 1s, \d+ alarms \(.*R_SYN \d+/);
});

test('-v prints one data record per period; -f writes them to a file with %s as the series name', () => {
  const dir = mkdtempSync(join(tmpdir(), 'netspot-cli-'));
  const r = netspot('run', '-d', demo, '-s', 'R_SYN', '-s', 'TRAFFIC', '-v', '-q', '-f', join(dir, '%s.data.json'),
    '--exporter.file.alarm', join(dir, '%s.alarms.json'), '--exporter.console.alarm', 'false');
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, '', '--quiet prints nothing on stderr');
  const lines = r.stdout.trim().split('\n');
  assert.equal(lines.length, 1150);
  const file = readFileSync(join(dir, 'demo-syn-flood.data.json'), 'utf8').trim().split('\n');
  assert.deepEqual(file, lines);
  const first = JSON.parse(lines[0]) as Record<string, unknown>;
  assert.deepEqual(Object.keys(first), ['time', 'R_SYN', 'TRAFFIC'], 'no thresholds while calibrating');
  const judged = JSON.parse(lines[lines.length - 2]) as Record<string, unknown>;
  assert.deepEqual(Object.keys(judged), ['time', 'R_SYN', 'R_SYN_UP', 'TRAFFIC', 'TRAFFIC_UP']);
  const last = JSON.parse(lines[lines.length - 1]) as Record<string, unknown>;
  assert.deepEqual(Object.keys(last), ['time', 'R_SYN', 'TRAFFIC'], 'the last, partial period is not judged');
  assert.match(lines[0], /^\{"time":\d{19},/);
  const alarms = readFileSync(join(dir, 'demo-syn-flood.alarms.json'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.ok(alarms.length > 0);
  assert.deepEqual(Object.keys(alarms[0]), ['time', 'status', 'stat', 'value', 'code', 'probability', 'threshold']);
});

test('a config error exits 2 with a message naming the key, the value and what was expected', () => {
  const r = netspot('run', '-d', demo, '--spot.R_SYN.q', '-1');
  assert.equal(r.status, 2);
  assert.match(r.stderr, /bad value for spot\.R_SYN\.q: -1 \(expected a number in \(0, 1\)\)/);
  const u = netspot('run', '-d', demo, '--spot.R_SYN.z', '1');
  assert.equal(u.status, 2);
  assert.match(u.stderr, /unknown option '--spot\.R_SYN\.z'/);
  const s = netspot('run', '-d', demo, '-s', 'R_FOO');
  assert.equal(s.status, 2);
  assert.match(s.stderr, /analyzer\.stats: "R_FOO"/);
});

test('a missing capture is a usage error, an unreadable one a runtime error naming the file', () => {
  const missing = netspot('run', '-d', '/nonexistent/x.pcap');
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /\/nonexistent\/x\.pcap/);
  const notPcap = netspot('run', '-d', bin);
  assert.equal(notPcap.status, 1);
  assert.ok(notPcap.stderr.includes(bin), notPcap.stderr);
});

test('every real capture runs to completion: exit 0, or exit 1 with a message (never a crash)', (t) => {
  const captures = captureFiles();
  assert.ok(captures.filter((c) => !c.extra).length > 20, 'test/data/pcaps holds the real captures');
  t.diagnostic(extrasNote(captures, 'pcaps'));
  for (const { name: f, path } of captures) {
    const r = netspot('run', '-d', path, '-q', '-s', 'R_SYN,R_IP,AVG_PKT_SIZE,R_DST_SRC');
    assert.ok(r.status === 0 || r.status === 1, `${f}: exit ${r.status}\n${r.stderr}`);
    if (r.status === 1) assert.match(r.stderr, /netspot: error: .+/, f);
    assert.doesNotMatch(r.stderr, /at .+\.js:\d+/, `${f}: no stack trace`);
  }
});

test('netspot ls lists statistics with their formulas, counters and exporters; defaults prints TOML', () => {
  const ls = netspot('ls');
  assert.equal(ls.status, 0);
  assert.match(ls.stdout, /R_SYN +ratio of TCP segments with SYN among IP packets\n +=\s+SYN \/ IP/);
  assert.match(ls.stdout, /NB_UNIQ_DST_PORT/);
  assert.match(ls.stdout, /Exporters:\n +console/);
  const bad = netspot('ls', 'everything');
  assert.equal(bad.status, 2);
  const d = netspot('defaults');
  assert.equal(d.status, 0);
  assert.match(d.stdout, /\[spot\]\n[^[]*q = 0\.0001/);
});
