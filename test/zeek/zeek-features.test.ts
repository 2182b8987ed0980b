/**
 * Zeek logs to feature values: TSV and JSON of the same real traffic (WRCCDC 2018, Zeek 6.2)
 * give the same values, and the values equal a recount done here with plain string splitting.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { readDataText } from '../support/test-data.js';
import { runFrontEnd, zeekData } from './zeek-support.js';

const FEATURES = [
  'dns.count', 'dns.distinct(id.orig_h)', 'dns.distinct(query)', 'dns.ratio(rcode_name=NXDOMAIN)',
  'dns.ratio(RD=true)', 'dns.mean(len(query))', 'dns.max(trans_id)', 'dns.sum(id.orig_p)',
  'dns.distinct(answers)', 'dns.max(len(answers))', 'dns.mean(qtype)',
];
const HOUR = 3600e9;

/** The dns TSV as rows of named columns, split here without the reader. */
function tsvRows(): Array<Record<string, string>> {
  const lines = readDataText(zeekData('wrccdc2018__dns.log.gz')).split('\n');
  const fields = lines.find((l) => l.startsWith('#fields'))!.split('\t').slice(1);
  return lines.filter((l) => l !== '' && !l.startsWith('#')).map((l) => {
    const cols = l.split('\t');
    return Object.fromEntries(fields.map((f, i) => [f, cols[i]]));
  });
}

test('TSV and JSON logs of the same traffic give identical feature values, period by period', async () => {
  const tsv = await runFrontEnd([zeekData('wrccdc2018__dns.log.gz')], FEATURES);
  const json = await runFrontEnd([zeekData('wrccdc2018__dns.json.gz')], FEATURES);
  assert.equal(tsv.stats.records, 4000);
  assert.equal(json.stats.records, 4000);
  assert.equal(tsv.stats.badLines + json.stats.badLines, 0);
  assert.ok(tsv.periods.length >= 10, `${tsv.periods.length} periods`);
  assert.deepEqual(json.periods, tsv.periods);
  assert.equal(json.stats.lateRecords, tsv.stats.lateRecords);
});

test('per-period values equal an independent recount of the TSV lines (no record late)', async () => {
  const run = await runFrontEnd([zeekData('wrccdc2018__dns.log.gz')], FEATURES, { latenessNs: HOUR });
  assert.equal(run.stats.lateRecords, 0);
  const byPeriod = new Map<number, Array<Record<string, string>>>();
  for (const r of tsvRows()) {
    const k = Math.floor(Number(r.ts) / 10);
    byPeriod.set(k, [...(byPeriod.get(k) ?? []), r]);
  }
  const ks = [...byPeriod.keys()].sort((a, b) => a - b);
  const first = ks[0];
  const last = ks[ks.length - 1];
  assert.equal(run.periods.length, last - first + 1, 'one record per period, empty ones included');
  for (let k = first; k <= last; k++) {
    const rows = byPeriod.get(k) ?? [];
    const got = run.periods[k - first];
    assert.equal(got.timeNs, BigInt(k + 1) * 10_000_000_000n, 'time = end of the epoch-aligned period');
    const set = (f: (r: Record<string, string>) => string[]) => new Set(rows.flatMap(f)).size;
    const nums = (f: (r: Record<string, string>) => number | null) => rows.map(f).filter((x): x is number => x !== null);
    const mean = (xs: number[]) => (xs.length === 0 ? null : xs.reduce((a, b) => a + b, 0) / xs.length);
    const max = (xs: number[]) => (xs.length === 0 ? null : Math.max(...xs));
    const unset = (v: string) => v === '-';
    const expected = {
      'dns.count': rows.length,
      'dns.distinct(id.orig_h)': set((r) => [r['id.orig_h']]),
      'dns.distinct(query)': set((r) => (unset(r.query) ? [] : [r.query])),
      'dns.ratio(rcode_name=NXDOMAIN)': rows.length === 0 ? null : rows.filter((r) => r.rcode_name === 'NXDOMAIN').length / rows.length,
      'dns.ratio(RD=T)': rows.length === 0 ? null : rows.filter((r) => r.RD === 'T').length / rows.length,
      'dns.mean(len(query))': mean(nums((r) => (unset(r.query) ? null : r.query.length))),
      'dns.max(trans_id)': max(nums((r) => (unset(r.trans_id) ? null : Number(r.trans_id)))),
      'dns.sum(id.orig_p)': nums((r) => Number(r['id.orig_p'])).reduce((a, b) => a + b, 0),
      'dns.distinct(answers)': set((r) => (unset(r.answers) || r.answers === '(empty)' ? [] : r.answers.split(','))),
      'dns.max(len(answers))': max(nums((r) => (unset(r.answers) ? null : r.answers === '(empty)' ? 0 : r.answers.split(',').length))),
      'dns.mean(qtype)': mean(nums((r) => (unset(r.qtype) ? null : Number(r.qtype)))),
    };
    for (const [name, want] of Object.entries(expected)) {
      const v = got.values[name];
      if (want === null || v === null) assert.equal(v, want, `${name} in period ${k}`);
      else assert.ok(Math.abs(v - want) <= 1e-9 * Math.max(1, Math.abs(want)), `${name} in period ${k}: ${v} vs ${want}`);
    }
  }
});

test('the default lateness (one period) counts out-of-order records as late, and uses all others', async () => {
  const run = await runFrontEnd([zeekData('wrccdc2018__dns.log.gz')], ['dns.count']);
  const used = run.periods.reduce((s, p) => s + (p.values['dns.count'] as number), 0);
  assert.equal(used + run.stats.lateRecords, 4000);
  // Independent: a record is late when the newest ts before it is past its period's end + 10 s.
  let newest = -Infinity;
  let closedBefore = -Infinity; // periods with index < closedBefore are closed
  let late = 0;
  for (const r of tsvRows()) {
    const ts = Number(r.ts);
    const k = Math.floor(ts / 10);
    if (k < closedBefore) late++;
    newest = Math.max(newest, ts);
    closedBefore = Math.max(closedBefore, Math.floor((newest - 10) / 10));
  }
  assert.equal(run.stats.lateRecords, late);
  if (late > 0) assert.ok(run.warnings.some((w) => w.includes(`${late} records came later than zeek.lateness`)), run.warnings.join('\n'));
});

test('rotated files of one log are read oldest first, whatever the order given, gzip or not', async () => {
  const text = readDataText(zeekData('wrccdc2018__dns.log.gz')).split('\n');
  const header = text.filter((l) => l.startsWith('#') && !l.startsWith('#close'));
  const data = text.filter((l) => l !== '' && !l.startsWith('#'));
  const dir = mkdtempSync(join(tmpdir(), 'netspot-zeek-'));
  try {
    const a = join(dir, 'dns.2018-03-24-17-00-00.log.gz');
    const b = join(dir, 'dns.log');
    writeFileSync(a, gzipSync([...header, ...data.slice(0, 2500), '#close\t2018-03-24-17-17-00', ''].join('\n')));
    writeFileSync(b, [...header, ...data.slice(2500), ''].join('\n'));
    const whole = await runFrontEnd([zeekData('wrccdc2018__dns.log.gz')], FEATURES);
    const split = await runFrontEnd([b, a], FEATURES);
    assert.deepEqual(split.periods, whole.periods);
    assert.equal(split.stats.records, 4000);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('JSON ts as epoch seconds and as ISO 8601 are the same time; sets count element by element', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'netspot-zeek-'));
  try {
    const iso = join(dir, 'iso.json');
    const epoch = join(dir, 'epoch.json');
    writeFileSync(iso, [
      '{"_path":"conn","ts":"2024-01-01T00:00:09.999999Z","id.resp_p":80,"tunnel_parents":["a","b"]}',
      '{"_path":"conn","ts":"2024-01-01T01:00:10.5+01:00","id.resp_p":443,"tunnel_parents":["b"]}', '',
    ].join('\n'));
    writeFileSync(epoch, [
      '{"_path":"conn","ts":1704067209.999999,"id.resp_p":80,"tunnel_parents":["a","b"]}',
      '{"_path":"conn","ts":1704067210.5,"id.resp_p":443,"tunnel_parents":["b"]}', '',
    ].join('\n'));
    const f = ['conn.count', 'conn.distinct(tunnel_parents)', 'conn.max(id.resp_p)'];
    const a = await runFrontEnd([iso], f);
    const b = await runFrontEnd([epoch], f);
    assert.deepEqual(a.periods, b.periods);
    assert.deepEqual(a.periods.map((p) => p.timeNs), [1704067210_000_000_000n, 1704067220_000_000_000n]);
    assert.deepEqual(a.periods[0].values, { 'conn.count': 1, 'conn.distinct(tunnel_parents)': 2, 'conn.max(id.resp_p)': 80 });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a record later than the lateness is counted late; empty periods in between are emitted', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'netspot-zeek-'));
  try {
    const log = join(dir, 'conn.log');
    const hdr = ['#separator \\x09', '#set_separator\t,', '#empty_field\t(empty)', '#unset_field\t-', '#path\tconn',
      '#open\t2024-01-01-00-00-00', '#fields\tts\tconn_state', '#types\ttime\tstring'];
    writeFileSync(log, [...hdr, '100.0\tS0', '105.0\tSF', '112.0\tS0', '145.0\tSF', '118.0\tS0', '139.0\tS0', '#close\t2024', ''].join('\n'));
    const run = await runFrontEnd([log], ['conn.count', 'conn.ratio(conn_state=S0)']);
    // 145 closes periods ending at <= 135: [100,110) and [110,120) and [120,130); 118 is late, 139 is not.
    assert.equal(run.stats.lateRecords, 1);
    assert.deepEqual(run.periods.map((p) => [p.timeNs / 1_000_000_000n, p.values['conn.count'], p.values['conn.ratio(conn_state=S0)']]), [
      [110n, 2, 0.5], [120n, 1, 1], [130n, 0, null], [140n, 1, 1], [150n, 1, 0],
    ]);
    assert.deepEqual(run.periods.map((p) => p.partial === true), [false, false, false, false, true], 'the input ends inside the last period');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('lines that are not records are counted and reported with file and line, never silently dropped', async () => {
  const conn = zeekData('zeek-baseline__conn.log'); // timestamps masked as XXXXXXXXXX.XXXXXX
  const run = await runFrontEnd([conn], ['conn.count']);
  assert.equal(run.stats.records, 0);
  const dataLines = readDataText(conn).split('\n').filter((l) => l !== '' && !l.startsWith('#')).length;
  assert.equal(run.stats.badLines, dataLines);
  assert.match(run.warnings[0], /zeek-baseline__conn\.log:10: bad ts "XXXXXXXXXX\.XXXXXX" \(line skipped\)/);
  assert.ok(run.warnings.some((w) => w.includes(`${dataLines - 5} more bad lines skipped`)));
});
