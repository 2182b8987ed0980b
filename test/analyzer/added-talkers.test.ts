/**
 * A period counted in several places (live capture threads): each part's top-talker lists are
 * added to the main analyzer, and the period's alarm context merges them. With few keys per
 * part the merged lists are exact: those of one analyzer that counted every packet itself,
 * computed here by an independent tally of what was sent.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../../src/config/load.js';
import { Analyzer } from '../../src/analyzer/analyzer.js';
import { PacketSummary } from '../../src/decode/packet-summary.js';
import { decodePacket } from '../../src/decode/packet-decoder.js';
import * as B from '../support/packet-builder.js';

const PERIOD = { sourceSeconds: 1, partial: false, realSeconds: 0, dropped: 0, received: 0 };

test('the context of a period counted in parts merges the parts\' top talkers', async () => {
  const cfg = await loadConfig({ overrides: [['analyzer.stats', ['R_SYN']], ['analyzer.context_top', 3]] });
  const parts = [new Analyzer(cfg, 'a'), new Analyzer(cfg, 'b')];
  const main = new Analyzer(cfg, 'main');
  const s = new PacketSummary();
  // Sources 10.0.0.k send k * 10 packets to port 80, the odd ones through part 0, the even through part 1.
  const sent = new Map<string, number>();
  for (let k = 1; k <= 6; k++) {
    const src = `10.0.0.${k}`;
    const frame = B.ethernet({ etherType: B.ETH_IPV4, payload: B.ipv4({ src, dst: '192.0.2.1', protocol: B.PROTO_TCP, payload: B.tcp({ srcPort: 40000 + k, dstPort: 80, flags: B.SYN }) }) });
    for (let i = 0; i < k * 10; i++) {
      decodePacket(frame, 0, frame.length, frame.length, 1, s);
      parts[k % 2].countPacket(s);
    }
    sent.set(src, k * 10);
  }
  for (const p of parts) {
    main.mergePeriodState(p.periodState());
    main.addTalkers(p.countingTalkers!.summary());
  }
  const m = main.endPeriod(PERIOD);
  const ctx = m.context!();
  const total = [...sent.values()].reduce((a, b) => a + b, 0);
  assert.deepEqual(ctx.top_src, [6, 5, 4].map((k) => ({ addr: `10.0.0.${k}`, pkts: k * 10, share: Math.round((k * 10 / total) * 1e4) / 1e4 })));
  assert.deepEqual(ctx.top_dst, [{ addr: '192.0.2.1', pkts: total, share: 1 }]);
  assert.deepEqual(ctx.top_dst_port, [{ port: 80, proto: 'tcp', pkts: total, share: 1 }]);
  // The next period starts empty: nothing added carries over.
  assert.deepEqual(main.endPeriod(PERIOD).context!().top_src, []);
});
