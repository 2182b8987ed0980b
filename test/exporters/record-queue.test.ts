import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RecordQueue } from '../../src/exporters/network/record-queue.js';

test('records leave in the order they came, in batches of at most the asked size', () => {
  const q = new RecordQueue(10);
  q.push('data', 'd1');
  q.push('alarm', 'a1');
  q.push('data', 'd2');
  q.push('alarm', 'a2');
  assert.deepEqual(q.take(3).map((r) => r.payload), ['d1', 'a1', 'd2']);
  assert.deepEqual(q.take(3).map((r) => r.payload), ['a2']);
  assert.equal(q.length, 0);
});

test('when full, the oldest data record goes first and alarms stay', () => {
  const q = new RecordQueue(3);
  assert.equal(q.push('data', 'd1'), null);
  assert.equal(q.push('alarm', 'a1'), null);
  assert.equal(q.push('data', 'd2'), null);
  assert.equal(q.push('alarm', 'a2'), 'data'); // d1 out
  assert.equal(q.push('data', 'd3'), 'data'); // d2 out
  assert.deepEqual(q.take(10).map((r) => r.payload), ['a1', 'a2', 'd3']);
});

test('a queue of alarms only refuses new data and drops its oldest alarm for a new one', () => {
  const q = new RecordQueue(2);
  q.push('alarm', 'a1');
  q.push('alarm', 'a2');
  assert.equal(q.push('data', 'd1'), 'data');
  assert.equal(q.push('alarm', 'a3'), 'alarm');
  assert.deepEqual(q.take(10).map((r) => r.payload), ['a2', 'a3']);
});

test('a long stream through a small queue keeps the bound; in the end it holds the newest alarms', () => {
  const q = new RecordQueue(100);
  let dropped = 0;
  for (let i = 0; i < 100_000; i++) if (q.push(i % 50 === 0 ? 'alarm' : 'data', String(i)) !== null) dropped++;
  assert.equal(q.length, 100);
  assert.equal(dropped, 100_000 - 100);
  // 2000 alarms came, one every 50 records: the last 100 of them fill the queue.
  assert.deepEqual(q.take(100).map((r) => Number(r.payload)), Array.from({ length: 100 }, (_, k) => 95_000 + 50 * k));
});
