import { test } from 'node:test';
import assert from 'node:assert/strict';
import { alarmPoint, dataPoint, escapeKey, escapeMeasurement, stringField } from '../../src/exporters/influxdb/line-protocol.js';
import { INFLUXD, Influxd, missingBinary } from '../support/servers.js';

// InfluxDB's line protocol reference: measurements escape commas and spaces; tag keys, tag
// values and field keys escape commas, equals signs and spaces; string field values escape
// double quotes and backslashes.
test('escaping follows the documented rules for each element', () => {
  assert.equal(escapeMeasurement('a b,c=d"e'), 'a\\ b\\,c=d"e');
  assert.equal(escapeKey('a b,c=d"e'), 'a\\ b\\,c\\=d"e');
  assert.equal(stringField('say "hi" \\o/'), '"say \\"hi\\" \\\\o/"');
  // Backslashes before an ordinary character need no escape.
  assert.equal(escapeMeasurement('C:\\dir'), 'C:\\dir');
});

test('what line protocol cannot carry is replaced, never breaks the line', () => {
  assert.equal(escapeMeasurement('ends\\'), 'ends/');
  assert.equal(escapeKey('x\\,y'), 'x/\\,y');
  assert.equal(escapeMeasurement('#1'), '_1');
  assert.equal(escapeKey('two\nlines'), 'two\\ lines');
});

test('a data point holds each value and threshold as a float field, tags agent and type, time in ns', () => {
  const line = dataPoint(
    {
      timeNs: 1700000000123456789n, series: 'my capture', counters: {}, partial: false,
      stats: [
        { name: 'R_SYN', value: 0.25, up: 0.5, down: NaN, status: 'NORMAL' },
        { name: 'TRAFFIC', value: null, up: NaN, down: NaN, status: 'CALIBRATION' },
        { name: 'PERF', value: 1e21, up: NaN, down: 3, status: 'NORMAL' },
      ],
    },
    'sensor 1',
  );
  assert.equal(line, 'my\\ capture,agent=sensor\\ 1,type=data R_SYN=0.25,R_SYN_UP=0.5,PERF=1e+21,PERF_DOWN=3 1700000000123456789');
  assert.equal(dataPoint({ timeNs: 1n, series: 's', counters: {}, partial: false, stats: [{ name: 'R_SYN', value: null, up: NaN, down: NaN, status: 'CALIBRATION' }] }, 'a'), null);
});

test('an alarm point carries stat as a tag and status, code, value, probability, threshold as fields', () => {
  const line = alarmPoint(
    { timeNs: 5n, series: 's', status: 'DOWN_ALERT', stat: 'R_ACK', value: 0.01, code: -1, probability: 1e-7, threshold: 0.2 },
    'local',
  );
  assert.equal(line, 's,agent=local,stat=R_ACK,type=alarm status="DOWN_ALERT",code=-1i,value=0.01,probability=1e-7,threshold=0.2 5');
});

test('names with spaces, commas, equals signs, quotes and backslashes read back from a real InfluxDB', async (t) => {
  const missing = missingBinary(INFLUXD, 'influxdb');
  if (missing !== null) return t.skip(missing);
  const db = await Influxd.start();
  t.after(() => db.cleanup());
  await fetch(`${db.url}/query`, { method: 'POST', body: new URLSearchParams({ q: 'CREATE DATABASE t' }) });
  const names = ['plain', 'with space', 'a,comma', 'an=equals', 'a "quote"', "it's", 'C:\\dir\\file', 'été'];
  let body = '';
  names.forEach((n, i) => {
    body += `${escapeMeasurement(n)},tag=${escapeKey(n)} ${escapeKey(n)}=${i},s=${stringField(n)} ${1000 + i}\n`;
  });
  const res = await fetch(`${db.url}/write?db=t`, { method: 'POST', body });
  assert.equal(res.status, 204, await res.text());
  const measurements = (await db.query('t', 'SHOW MEASUREMENTS')).series![0].values.map((v) => v[0]);
  assert.deepEqual([...measurements].sort(), [...names].sort());
  for (const s of (await db.query('t', 'SHOW TAG VALUES WITH KEY = "tag"')).series!) {
    assert.equal(s.values[0][1], s.name, 'tag value = measurement name');
  }
  for (const s of (await db.query('t', 'SHOW FIELD KEYS')).series!) {
    assert.deepEqual(s.values.map((v) => v[0]).sort(), [s.name, 's'].sort());
  }
  for (const n of names) {
    const q = await db.query('t', `SELECT "s" FROM "${n.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`);
    assert.equal(q.series?.[0].values[0][1], n, `string field of ${n}`);
  }
});
