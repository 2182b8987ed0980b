/** `netspot spot`: input formats, errors, --skip-invalid, --state. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Prng } from './support/prng.js';
import { parseCsv, runNetspot } from './support/cli.js';

const rng = new Prng(99);
const values = Array.from({ length: 600 }, () => rng.exponential());
const plain = values.map(String).join('\n') + '\n';
const small = ['--depth', '5', '--n-init', '100', '--q', '1e-3'];

test('plain series: header, one line per value, summary per status on stderr', () => {
  const r = runNetspot(['spot', ...small], plain);
  assert.equal(r.status, 0, r.stderr);
  const { header, rows } = parseCsv(r.stdout);
  assert.deepEqual(header, ['index', 'value', 'status', 'upper_threshold', 'lower_threshold', 'probability']);
  assert.equal(rows.length, values.length);
  rows.forEach((row, i) => {
    assert.equal(Number(row[0]), i);
    assert.equal(Number(row[1]), values[i]);
  });
  assert.deepEqual(rows.slice(0, 5).map((r) => r[2]), Array(5).fill('INIT'));
  assert.equal(rows[104][2], 'CALIBRATION');
  assert.ok(['NORMAL', 'EXCESS_UP', 'ALERT_UP'].includes(rows[105][2]));
  for (const name of ['NORMAL', 'EXCESS_UP', 'ALERT_UP', 'EXCESS_DOWN', 'ALERT_DOWN', 'INIT', 'CALIBRATION', 'MISSING']) {
    assert.match(r.stderr, new RegExp(`^${name}\\s+\\d+`, 'm'));
  }
  assert.match(r.stderr, /^INIT\s+5\s/m);
  assert.match(r.stderr, /^CALIBRATION\s+100\s/m);
});

test('empty and nan values are MISSING', () => {
  const r = runNetspot(['spot', '--depth', '0', '--n-init', '5'], '1\n\nnan\n2\nNaN\n3\n4\n5\n');
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(parseCsv(r.stdout).rows.map((r) => r[2]), [
    'CALIBRATION', 'MISSING', 'MISSING', 'CALIBRATION', 'MISSING', 'CALIBRATION', 'CALIBRATION', 'CALIBRATION',
  ]);
});

test('a CSV column and a JSON-lines key give the same result as the plain series', () => {
  const expected = runNetspot(['spot', ...small], plain).stdout;
  const csv = 'time,"the value",other\n' + values.map((v, i) => `${i},${v},x`).join('\n') + '\n';
  const fromCsv = runNetspot(['spot', ...small, '--column', 'the value'], csv);
  assert.equal(fromCsv.status, 0, fromCsv.stderr);
  assert.equal(fromCsv.stdout, expected);
  const jsonl = values.map((v, i) => JSON.stringify({ time: i, R_SYN: i % 2 ? String(v) : v })).join('\n') + '\n';
  const fromJson = runNetspot(['spot', ...small, '--column', 'R_SYN'], jsonl);
  assert.equal(fromJson.status, 0, fromJson.stderr);
  assert.equal(fromJson.stdout, expected);
});

test('a missing column is an error listing the columns', () => {
  const r = runNetspot(['spot', '--column', 'nope'], 'a,b\n1,2\n');
  assert.equal(r.status, 2);
  assert.match(r.stderr, /line 1: no column "nope" in the CSV header \(columns: a, b\)/);
});

test('a non-numeric value is an error naming its line (exit 2), unless --skip-invalid', () => {
  const input = '1\n2\n# a comment\n3\nabc\n4\n';
  const r = runNetspot(['spot'], input);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /line 5: value "abc" is not a number/);
  const skipped = runNetspot(['spot', '--skip-invalid'], input);
  assert.equal(skipped.status, 0, skipped.stderr);
  assert.deepEqual(parseCsv(skipped.stdout).rows.map((r) => r[1]), ['1', '2', '3', '4']);
  assert.match(skipped.stderr, /skipped 1 invalid value\(s\), the first on line 5/);
  const json = runNetspot(['spot', '--column', 'v'], '{"v":1}\n{"v":"x1"}\n');
  assert.equal(json.status, 2);
  assert.match(json.stderr, /line 2: key "v": "x1" is not a number/);
  const csv = runNetspot(['spot', '--column', 'v'], 'v\n1\n\n2\nx2\n');
  assert.equal(csv.status, 2);
  assert.match(csv.stderr, /line 5: column "v": "x2" is not a number/);
  const broken = runNetspot(['spot', '--column', 'v'], '{"v":1}\n{"v":\n');
  assert.equal(broken.status, 2);
  assert.match(broken.stderr, /line 2: not a JSON record/);
});

test('bad options are usage errors naming the parameter', () => {
  const q = runNetspot(['spot', '--q', '0.5'], '');
  assert.equal(q.status, 2);
  assert.match(q.stderr, /--q: invalid spot parameter q = 0\.5: must be a number with 0 < q < 1 - level = 0\.02/);
  const n = runNetspot(['spot', '--n-init', 'ten'], '');
  assert.equal(n.status, 2);
  assert.match(n.stderr, /--n-init needs a whole number, got "ten"/);
  const missing = runNetspot(['spot', '/nonexistent/series.txt']);
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /cannot read \/nonexistent\/series.txt: no such file/);
});

test('--help documents options with their defaults', () => {
  const r = runNetspot(['spot', '--help']);
  assert.equal(r.status, 0);
  const help = r.stdout.replace(/\s+/g, ' ');
  for (const text of ['--q <probability>', '(default: 0.0001)', '--n-init <count>', '(default: 1000)', '--no-bounded', '--state <file>', '--skip-invalid', '--column <name>']) {
    assert.ok(help.includes(text), text);
  }
});

test('--state resumes where the previous run stopped', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'netspot-spot-'));
  try {
    const state = path.join(dir, 'state.json');
    const all = runNetspot(['spot', ...small, '--down'], plain);
    const firstHalf = values.slice(0, 300).map(String).join('\n') + '\n';
    const secondHalf = values.slice(300).map(String).join('\n') + '\n';
    const a = runNetspot(['spot', ...small, '--down', '--state', state], firstHalf);
    assert.equal(a.status, 0, a.stderr);
    assert.ok(existsSync(state));
    assert.equal(JSON.parse(readFileSync(state, 'utf8')).version, 1);
    // Parameters come from the state; the same explicit ones are accepted.
    const b = runNetspot(['spot', '--state', state, '--q', '1e-3'], secondHalf);
    assert.equal(b.status, 0, b.stderr);
    const whole = parseCsv(all.stdout).rows.slice(300).map((r) => r.slice(1).join(','));
    const resumed = parseCsv(b.stdout).rows.map((r) => r.slice(1).join(','));
    assert.deepEqual(resumed, whole);

    const conflict = runNetspot(['spot', '--state', state, '--q', '1e-4'], '1\n');
    assert.equal(conflict.status, 2);
    assert.match(conflict.stderr, /--q gives q = 0\.0001 but the state in .* has q = 0\.001/);

    writeFileSync(state, '{"format":"netspot-spot-detector","version":7}');
    const other = runNetspot(['spot', '--state', state], '1\n');
    assert.equal(other.status, 2);
    assert.match(other.stderr, /state .*: SPOT snapshot refused: version 7 is not supported/);
    writeFileSync(state, '{"format":"netspot-spot');
    const damaged = runNetspot(['spot', '--state', state], '1\n');
    assert.equal(damaged.status, 2);
    assert.match(damaged.stderr, /SPOT snapshot refused: not valid JSON/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
