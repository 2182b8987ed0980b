/**
 * bro-spotd compatibility: its `.ini` profile drives the detectors on stats.log, and alarms
 * come out as Zeek's `spot-anomaly.log`, read back here with Zeek's rules.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseSpotProfile, readSpotProfile } from '../../src/zeek/spot-profile.js';
import { AnomalyLogExporter } from '../../src/zeek/anomaly-log-exporter.js';
import { Backend } from '../../src/backend/backend.js';
import { ZeekFrontEnd } from '../../src/zeek/zeek-front-end.js';
import { ZeekLineParser } from '../../src/zeek/line-parser.js';
import type { AlarmRecord } from '../../src/records/index.js';
import { writeStatsLog, zeekData } from './zeek-support.js';

test("bro-spotd's shipped profile is read as is", async () => {
  const p = await readSpotProfile(zeekData('bro-spotd.ini'));
  assert.deepEqual(p.features, []);
  assert.deepEqual(p.params('pkts_proc'), {
    depth: 0, q: 1e-4, n_init: 2000, level: 0.99, up: true, down: false, alert: true, bounded: true, max_excess: 200,
  });
});

test('profile mistakes are errors naming the file, the line, the key and the value', () => {
  const bad: Array<[string, RegExp]> = [
    ['[default]\nq = 1e-4\nqq = 3\n', /^p\.ini:3: unknown key "qq" \(value "3"\) in \[default\]/],
    ['[default]\nn_init = lots\n', /^p\.ini:2: bad value for n_init in \[default\]: "lots" \(expected an integer\)/],
    ['[default]\nup = maybe\n', /^p\.ini:2: bad value for up in \[default\]: "maybe" \(expected true or false\)/],
    ['[default]\nlevel = 0.99\n[pkts_proc]\nq = 0.5\n', /^p\.ini:4: bad value for q in \[pkts_proc\]: "0\.5" \(expected a number with 0 < q < 1 - level/],
    ['q = 1e-4\n', /^p\.ini:1: key "q" \(value "1e-4"\) before any \[section\]/],
    ['[a]\n[a]\n', /^p\.ini:2: section \[a\] given twice/],
    ['[default]\njunk\n', /^p\.ini:2: expected "\[section\]" or "key = value", got "junk"/],
  ];
  for (const [text, re] of bad) {
    assert.throws(() => parseSpotProfile(text, 'p.ini'), (e: Error) => e.name === 'UsageError' && re.test(e.message), text);
  }
});

test('a profile drives the detectors on stats.log; alarms reach the records and spot-anomaly.log', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'netspot-profile-'));
  try {
    const log = join(dir, 'stats.log');
    const ts = writeStatsLog(log, 400, 350, 370);
    const profile = parseSpotProfile(
      '[default]\nbro_type = 5\nq = 1e-3\nn_init = 200\nlevel = 0.9\nup = true\ndown = false\n\n[pkts_proc]\nbro_type = 3\n\n[active_tcp_conns]\nup = false\ndown = true\n',
      'p.ini',
    );
    const anomalyLog = new AnomalyLogExporter(dir, 'tsv', () => new Date(Date.UTC(2024, 0, 2, 3, 4, 5)));
    await anomalyLog.start();
    const alarms: AlarmRecord[] = [];
    const seen = new Set<string>();
    const backend = new Backend({
      series: 'stats', exporters: [anomalyLog], params: profile.params,
      onPeriod: (r) => { alarms.push(...r.alarms); for (const s of r.record.stats) seen.add(s.name); },
    });
    backend.watch(profile.features);
    const fe = new ZeekFrontEnd({
      files: [log], features: [], periodNs: 60e9, latenessNs: 60e9, statsMode: true, statsWatch: new Set(profile.features),
      onPeriod: (t, v) => backend.judge(t, v), onObservation: (t, v) => backend.judge(t, v),
    });
    await fe.run();
    await anomalyLog.close();
    assert.deepEqual([...seen].sort(), ['active_tcp_conns', 'pkts_proc'], 'only the features the profile names');
    const key = (a: { stat: string; timeNs: bigint; status: string }) => `${a.stat}@${a.timeNs}:${a.status}`;
    const nsOf = (i: number) => BigInt(1_700_000_000 + 300 * i) * 1_000_000_000n + 250_000_000n;
    assert.deepEqual(alarms.map(key), [key({ stat: 'pkts_proc', timeNs: nsOf(350), status: 'UP_ALERT' }), key({ stat: 'active_tcp_conns', timeNs: nsOf(370), status: 'DOWN_ALERT' })]);
    assert.equal(backend.get('pkts_proc')!.alarmsUp, 1);
    assert.equal(backend.get('active_tcp_conns')!.alarmsDown, 1);
    assert.equal(ts.length, 400);

    // The anomaly log: Zeek's header, then one line per alarm, read back with Zeek's rules.
    const text = readFileSync(anomalyLog.path, 'utf8');
    const lines = text.split('\n');
    assert.deepEqual(lines.slice(0, 8), [
      '#separator \\x09', '#set_separator\t,', '#empty_field\t(empty)', '#unset_field\t-', '#path\tspot-anomaly',
      '#open\t2024-01-02-03-04-05', '#fields\tts\tid\tfeature\tprobability\tstatus\tvalue\tthreshold',
      '#types\ttime\tint\tstring\tdouble\tstring\tdouble\tdouble',
    ]);
    assert.equal(lines[lines.length - 2], '#close\t2024-01-02-03-04-05');
    const parser = new ZeekLineParser('x');
    const back = lines.map((l) => parser.parse(l)).filter((r) => r !== null);
    assert.equal(parser.closed, true);
    assert.deepEqual(back.map((r) => [r.path, r.tsUs * 1000, r.field('id'), r.field('feature'), r.field('status'), r.field('value')]), [
      ['spot-anomaly', Number(nsOf(350)), 1, 'pkts_proc', 'UP_ALERT', 5_000_000],
      ['spot-anomaly', Number(nsOf(370)), 2, 'active_tcp_conns', 'DOWN_ALERT', 3],
    ]);
    back.forEach((r, i) => {
      const p = r.field('probability') as number;
      assert.ok(p >= 0 && p < 1e-3, `probability ${p}`);
      assert.ok(Math.abs(p - alarms[i].probability) <= 1e-6 * alarms[i].probability, 'six significant digits at least');
      assert.ok(Math.abs((r.field('threshold') as number) - alarms[i].threshold) < 1e-6 + 1e-9 * Math.abs(alarms[i].threshold));
    });

    // A second run appends (Zeek's STREAM mode cannot follow a rotation) and continues the ids.
    const again = new AnomalyLogExporter(dir, 'tsv');
    await again.start();
    again.alarm({ ...alarms[0], timeNs: nsOf(399) });
    await again.close();
    const all = readFileSync(again.path, 'utf8').split('\n');
    assert.ok(all.length > lines.length && all.slice(0, lines.length - 1).join('\n') === lines.slice(0, -1).join('\n'), 'appended, nothing rewritten');
    const p2 = new ZeekLineParser('x');
    const ids = all.map((l) => p2.parse(l)).filter((r) => r !== null).map((r) => r.field('id'));
    assert.deepEqual(ids, [1, 2, 3]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the JSON variant of spot-anomaly.log leaves unset fields out and gives ts in epoch seconds', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'netspot-anomaly-'));
  try {
    const e = new AnomalyLogExporter(dir, 'json');
    await e.start();
    e.alarm({ timeNs: 1_700_000_000_500_000_000n, series: 's', status: 'UP_ALERT', stat: 'dns.ratio(rcode_name=NXDOMAIN)', value: 0.5, code: 1, probability: 2e-7, threshold: NaN });
    e.flush();
    await e.close();
    const line = readFileSync(e.path, 'utf8').trim();
    assert.deepEqual(JSON.parse(line), { ts: 1700000000.5, id: 1, feature: 'dns.ratio(rcode_name=NXDOMAIN)', probability: 2e-7, status: 'UP_ALERT', value: 0.5 });
    const r = new ZeekLineParser('spot-anomaly').parse(line)!;
    assert.equal(r.tsUs, 1_700_000_000_500_000);
    assert.equal(r.field('threshold'), null);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
