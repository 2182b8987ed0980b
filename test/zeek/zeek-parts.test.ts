/** Feature expressions, the distinct-count sketch and bro-spotd's stats mode. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFeature, parseFeatures } from '../../src/zeek/feature-expr.js';
import { DistinctSet } from '../../src/zeek/distinct-set.js';
import { HyperLogLog } from '../../src/zeek/hyperloglog.js';
import { readDataText } from '../support/test-data.js';
import { runFrontEnd, zeekData } from './zeek-support.js';

test('feature expressions parse to a normalised name', () => {
  assert.deepEqual(parseFeature(' conn.distinct( id.resp_p ) '), { name: 'conn.distinct(id.resp_p)', log: 'conn', op: 'distinct', field: 'id.resp_p', length: false });
  assert.equal(parseFeature('dns.mean(len(query))').name, 'dns.mean(len(query))');
  assert.deepEqual(parseFeature('conn.ratio(local_orig=true)').value, 'T');
  assert.equal(parseFeature('dns.ratio(rcode_name=NXDOMAIN)').name, 'dns.ratio(rcode_name=NXDOMAIN)');
});

test('bad feature expressions are refused with a message naming the expression and the problem', () => {
  const cases: Array<[string, RegExp]> = [
    ['conn', /bad feature "conn": expected one of LOG.count/],
    ['conn.count(x)', /count takes no argument/],
    ['conn.median(duration)', /unknown operation "median"/],
    ['conn.sum()', /sum needs a field/],
    ['conn.ratio(conn_state)', /ratio needs FIELD=VALUE/],
    ['conn.distinct(len(uid))', /len\(\) is for sum, mean and max/],
    ['conn.max(a b)', /"a b" is not a field name/],
  ];
  for (const [text, re] of cases) assert.throws(() => parseFeature(text), (e: Error) => e.name === 'UsageError' && re.test(e.message), text);
  assert.throws(() => parseFeatures(['dns.count', 'dns.count ']), /feature "dns.count" is given twice/);
});

test('distinct counts are exact up to the bound, then within 2 % (HyperLogLog, 0.81 % standard error)', () => {
  const exact = new DistinctSet(1000);
  for (let i = 0; i < 1000; i++) exact.add(`10.0.${i >> 8}.${i & 255}`);
  assert.equal(exact.count(), 1000);
  assert.equal(exact.estimated, false);
  for (const n of [5_000, 50_000, 400_000]) {
    const s = new DistinctSet(1000);
    for (let i = 0; i < n; i++) s.add(`host-${i}`);
    for (let i = 0; i < n; i += 3) s.add(`host-${i}`); // repeats change nothing
    assert.equal(s.estimated, true);
    const err = Math.abs(s.count() - n) / n;
    assert.ok(err < 0.02, `${n}: estimate ${s.count()} (${(err * 100).toFixed(2)} %)`);
  }
  const empty = new HyperLogLog();
  assert.equal(Math.round(empty.estimate()), 0);
});

test('bro-spotd mode: every numeric stats.log field is one observation per record, the same from TSV and JSON', async () => {
  const tsv = await runFrontEnd([zeekData('wrccdc2018__stats.log.gz')], [], { statsMode: true });
  const json = await runFrontEnd([zeekData('wrccdc2018__stats.json.gz')], [], { statsMode: true });
  assert.equal(tsv.periods.length, 0);
  assert.deepEqual(json.observations, tsv.observations);
  // Independent: the TSV columns split here; unset (-) fields are not observations.
  const lines = readDataText(zeekData('wrccdc2018__stats.log.gz')).split('\n');
  const fields = lines.find((l) => l.startsWith('#fields'))!.split('\t').slice(1);
  const rows = lines.filter((l) => l !== '' && !l.startsWith('#')).map((l) => l.split('\t'));
  assert.equal(tsv.observations.length, rows.length);
  rows.forEach((cols, i) => {
    const o = tsv.observations[i];
    const [sec, frac] = cols[0].split('.');
    assert.equal(o.timeNs, BigInt(sec) * 1_000_000_000n + BigInt(frac) * 1000n);
    const want: Record<string, number> = {};
    fields.forEach((f, j) => { if (f !== 'ts' && f !== 'peer' && cols[j] !== '-') want[f] = Number(cols[j]); });
    assert.deepEqual(o.values, want);
  });
  const only = await runFrontEnd([zeekData('wrccdc2018__stats.log.gz')], [], { statsMode: true, statsWatch: new Set(['pkts_proc', 'active_tcp_conns']) });
  assert.deepEqual(Object.keys(only.observations[1].values), ['pkts_proc', 'active_tcp_conns']);
});
