/** `netspot eval` on a small generated capture whose attack intervals come from the generator. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { synFloodSpecs } from '../fixtures/syn-flood.js';
import { materialize, prng, type PacketSpec } from '../fixtures/scenario.js';
import { writePcap } from '../support/capture-writer.js';
import { tempFile } from '../support/run-capture.js';
import { runNetspot } from '../spot/support/cli.js';
import { parseLabels } from '../../src/eval/labels.js';
import { scoreRun } from '../../src/eval/score.js';

const ORIGIN = 1_700_000_000;

/** Office traffic with a spoofed SYN flood at 300-320 s, a port scan from one host at 350-360 s and a slow scan (one SYN per 5 s) at 250-290 s. */
function scenario(): { path: string; labels: string } {
  const specs: PacketSpec[] = synFloodSpecs({ duration: 400, rate: 40, floodStart: 300, floodEnd: 320, floodRate: 300, seed: 5 });
  const rnd = prng(6);
  for (let t = 350, port = 1; t < 360; t += 0.005, port++) {
    specs.push({ t, kind: 'tcp', flags: 0x02, src: '192.168.1.66', dst: '10.0.0.44', sport: 50000, dport: port });
  }
  for (let t = 250; t < 290; t += 5) specs.push({ t, kind: 'tcp', flags: 0x02, src: '192.168.1.77', dst: '10.0.0.53', sport: 50001, dport: 1000 + Math.floor(rnd() * 1000) });
  specs.sort((a, b) => a.t - b.t);
  const { packets } = materialize(specs, ORIGIN, 1);
  const path = tempFile('eval.pcap', writePcap(packets, { linkType: 1, nanos: true }));
  const labels = [
    'start,end,name,attacker,target',
    `${ORIGIN + 300},${ORIGIN + 320},syn-flood,,10.0.0.80`,
    `${ORIGIN + 350},${ORIGIN + 360},port-scan,192.168.1.66,10.0.0.44`,
    `${ORIGIN + 250},${ORIGIN + 290},slow-scan,192.168.1.77,`,
  ].join('\n');
  const labelsPath = join(dirname(path), 'eval.labels.csv');
  writeFileSync(labelsPath, labels + '\n');
  return { path, labels: labelsPath };
}

const small = ['--spot.depth', '20', '--spot.n_init', '200', '-s', 'R_SYN,TRAFFIC,R_DST_SRC_PORT'];

test('netspot eval --json: the flood and the scan are detected with their culprit, the slow scan is missed', () => {
  const { path, labels } = scenario();
  const r = runNetspot(['eval', '-d', path, '--labels', labels, '--json', ...small]);
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.deepEqual(Object.keys(out).slice(0, 3), ['attacks', 'false_alarms_per_hour', 'periods']);
  assert.ok(out.periods >= 399 && out.periods <= 401, `periods ${out.periods}`);
  const [flood, scan, slow] = out.attacks;
  assert.deepEqual(Object.keys(flood), ['name', 'start', 'end', 'detected', 'delay_periods', 'stats', 'culprit_in_context']);
  assert.equal(flood.name, 'syn-flood');
  assert.equal(flood.detected, true);
  assert.ok(flood.delay_periods <= 1);
  assert.ok(flood.stats.includes('R_SYN'));
  assert.equal(flood.culprit_in_context, true, 'the flood target is the top destination');
  assert.equal(scan.detected, true);
  assert.ok(scan.stats.length > 0);
  assert.equal(scan.culprit_in_context, true, 'the scanner is the top source');
  assert.equal(slow.detected, false);
  assert.equal(slow.delay_periods, null);
  assert.equal(slow.culprit_in_context, null);
  assert.ok(out.false_alarms_per_hour >= 0 && out.false_alarms_per_hour < 60, `false alarms per hour ${out.false_alarms_per_hour}`);
});

test('netspot eval prints a table by default and names a bad labels line', () => {
  const { path, labels } = scenario();
  const r = runNetspot(['eval', '-d', path, '--labels', labels, ...small]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^attack\s+start\s+end\s+detected\s+delay\s+statistics\s+culprit$/m);
  assert.match(r.stdout, /^syn-flood\s+\d+\s+\d+\s+yes\s+[01]\s+.*R_SYN.*\s+yes$/m);
  assert.match(r.stdout, /^slow-scan\s+\d+\s+\d+\s+no\s+-\s+-\s+-$/m);
  assert.match(r.stdout, /^2\/3 attacks detected; \d+ false alarms in \d+ periods/m);
  const bad = tempFile('bad.csv', 'start,end,name\n100,oops,x\n');
  const e = runNetspot(['eval', '-d', path, '--labels', bad]);
  assert.equal(e.status, 2);
  assert.match(e.stderr, /bad\.csv line 2: end "oops" is not a time in epoch seconds/);
});

test('scoring: windows, grace, delay, false alarms and culprit from hand-made alarms', () => {
  const s = (k: number): bigint => BigInt(ORIGIN + k) * 1_000_000_000n;
  const periodEnds = Array.from({ length: 3600 }, (_, k) => s(k + 1));
  const labels = parseLabels('100,100.2,blip,10.0.0.9\n200,260,long,,10.0.0.1\n300,310,missed\n', 'mem');
  const ctx = (src: string, dst: string) => ({ top_src: [{ addr: src, pkts: 9, share: 0.9 }], top_dst: [{ addr: dst, pkts: 9, share: 0.9 }], top_dst_port: [] });
  const r = scoreRun({
    periodEnds, periodNs: 1e9, grace: 3,
    labels: labels.map((l) => ({ ...l, start: l.start + ORIGIN, end: l.end + ORIGIN })),
    alarms: [
      { timeNs: s(103), stat: 'R_ARP', context: ctx('10.0.0.9', '10.0.0.2') }, // blip + grace 3: window up to 103
      { timeNs: s(205), stat: 'R_SYN', context: ctx('1.2.3.4', '10.0.0.1') },
      { timeNs: s(206), stat: 'TRAFFIC', context: ctx('1.2.3.4', '10.0.0.1') },
      { timeNs: s(500), stat: 'R_SYN' },
      { timeNs: s(105), stat: 'R_SYN' },
    ],
  });
  assert.deepEqual(r.attacks.map((a) => [a.name, a.detected, a.delay_periods, a.stats, a.culprit_in_context]), [
    ['blip', true, 2, ['R_ARP'], true],
    ['long', true, 4, ['R_SYN', 'TRAFFIC'], true],
    ['missed', false, null, [], null],
  ]);
  assert.equal(r.false_alarms, 2);
  assert.equal(r.periods, 3600);
  assert.equal(r.false_alarms_per_hour, 2);
});
