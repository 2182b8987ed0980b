import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { runCapture } from '../support/run-capture.js';
import { DEMO_SCENARIO } from '../fixtures/syn-flood.js';

const demo = fileURLToPath(new URL('../../../data/demo-syn-flood.pcap.gz', import.meta.url));

test('a SYN flood in steady traffic raises R_SYN alarms during the flood and none elsewhere (default config)', async () => {
  const { collector } = await runCapture(demo, [['analyzer.stats', 'R_SYN']]);
  const t0 = collector.records[0].timeNs - 1_000_000_000n;
  const second = (ns: bigint) => Number(ns - t0) / 1e9; // end of the alarm's period, seconds after t0
  const during = collector.alarms.filter((a) => second(a.timeNs) > DEMO_SCENARIO.floodStart && second(a.timeNs) <= DEMO_SCENARIO.floodEnd + 1);
  const outside = collector.alarms.length - during.length;
  const floodPeriods = DEMO_SCENARIO.floodEnd - DEMO_SCENARIO.floodStart;
  assert.ok(during.length >= floodPeriods * 0.9, `${during.length} R_SYN alarms during ${floodPeriods} flood periods`);
  assert.ok(outside <= 1, `${outside} R_SYN alarms outside the flood`);
  for (const a of during) {
    assert.equal(a.status, 'UP_ALERT');
    assert.equal(a.code, 1);
    assert.ok(a.value > a.threshold && a.probability > 0 && a.probability < 1e-4);
  }
});
