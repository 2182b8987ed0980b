import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as Summary from '../../src/decode/packet-summary.js';
import { SHAPE_LAYOUT } from '../../src/counters/sum-table.js';
import { writePcap } from '../support/capture-writer.js';
import * as B from '../support/packet-builder.js';
import { materialize, type PacketSpec } from '../fixtures/scenario.js';
import { runCapture, tempFile } from '../support/run-capture.js';

test('the counters\' shape layout holds every layer bit, all eight TCP flags and the malformed flag without overlap', () => {
  const { layerBits, flagShift, flagBits, malformedShift, shapes } = SHAPE_LAYOUT;
  // Every LAYER_* the decoder can set is in LAYER_ALL, every TCP_* in TCP_ALL.
  for (const [name, v] of Object.entries(Summary)) {
    if (name.startsWith('LAYER_')) assert.equal((v as number) & ~Summary.LAYER_ALL, 0, `${name} is in LAYER_ALL`);
    if (name.startsWith('TCP_')) assert.equal((v as number) & ~Summary.TCP_ALL, 0, `${name} is in TCP_ALL`);
  }
  assert.equal(Summary.TCP_ALL, 0xff, 'the whole TCP flags byte (FIN..CWR)');
  const layerField = 2 ** layerBits - 1;
  const flagField = Summary.TCP_ALL * 2 ** flagShift;
  const malformedField = 2 ** malformedShift;
  assert.equal(layerField & Summary.LAYER_ALL, Summary.LAYER_ALL, 'the layer field holds LAYER_ALL');
  assert.equal(flagBits, 8);
  assert.equal(layerField & flagField, 0, 'layers and flags do not overlap');
  assert.equal((layerField | flagField) & malformedField, 0, 'the malformed bit overlaps nothing');
  assert.equal(shapes, 2 * malformedField, 'the table has one entry per shape, the largest included');
});

test('ECE and CWR are counted like the other flags (whatever the others)', async () => {
  const flags = [B.SYN | B.ECE | B.CWR, B.ACK | B.ECE, B.ACK | B.CWR, B.ACK, B.ECE, B.CWR | B.FIN | B.URG];
  const specs: PacketSpec[] = flags.map((f, i) => ({ t: i / 100, kind: 'tcp', flags: f }));
  const { packets } = materialize(specs, 1_600_000_000, 1);
  const path = tempFile('ecn.pcap', writePcap(packets, { linkType: 1 }));
  const { collector } = await runCapture(path, [['analyzer.stats', 'R_SYN']], ['ECE', 'CWR', 'URG', 'FIN', 'ACK']);
  const c = collector.records[0].counters;
  const count = (bit: number) => flags.filter((f) => (f & bit) !== 0).length;
  assert.deepEqual(
    { ECE: c.ECE, CWR: c.CWR, URG: c.URG, FIN: c.FIN, ACK: c.ACK, SYN: c.SYN, IP: c.IP },
    { ECE: count(B.ECE), CWR: count(B.CWR), URG: count(B.URG), FIN: count(B.FIN), ACK: count(B.ACK), SYN: count(B.SYN), IP: flags.length },
  );
});
