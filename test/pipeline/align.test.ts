/**
 * analyzer.align: the period grid. Expected periods are computed here from the packets' times
 * with BigInt arithmetic (k = floor(t / p) for "epoch", floor((t - t0) / p) for "start"),
 * independently of the pipeline's relative-time doubles.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writePcap, type CapturedPacket } from '../support/capture-writer.js';
import { ETH_IPV4, PROTO_UDP, ethernet, ipv4, udp } from '../support/packet-builder.js';
import { prng } from '../support/prng.js';
import { runCapture, tempFile } from '../support/run-capture.js';

const NS = 1_000_000_000n;

/** Packets at random times over a few seconds from an odd start (not on any grid). */
function packets(seed: number): { frames: CapturedPacket[]; times: bigint[] } {
  const rnd = prng(seed);
  const start = 1_700_000_003n * NS + 123_456_789n;
  const times: bigint[] = [];
  let t = start;
  for (let i = 0; i < 400; i++) {
    times.push(t);
    t += BigInt(Math.floor(rnd() * 40_000_000)); // up to 40 ms apart
  }
  const frame = ethernet({ etherType: ETH_IPV4, payload: ipv4({ src: '10.0.0.1', dst: '10.0.0.2', protocol: PROTO_UDP, payload: udp({ srcPort: 1, dstPort: 2 }) }) });
  const frames = times.map((ts) => ({ data: frame, tsSec: Number(ts / NS), tsNsec: Number(ts % NS) }));
  return { frames, times };
}

/** The records a grid starting at `origin` must give: [period end or last packet, packets]. */
function expected(times: bigint[], periodNs: bigint, origin: bigint): Array<[string, number]> {
  const counts = new Map<bigint, number>();
  for (const t of times) {
    const k = (t - origin) / periodNs;
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  const first = (times[0] - origin) / periodNs;
  const last = (times[times.length - 1] - origin) / periodNs;
  const out: Array<[string, number]> = [];
  for (let k = first; k <= last; k++) {
    const end = k === last ? times[times.length - 1] : origin + (k + 1n) * periodNs;
    out.push([end.toString(), counts.get(k) ?? 0]);
  }
  return out;
}

for (const [align, periodMs] of [['epoch', 700], ['epoch', 1000], ['start', 700]] as const) {
  test(`align ${align}, period ${periodMs} ms: periods are the independently computed grid`, async () => {
    const { frames, times } = packets(periodMs);
    const path = tempFile('align.pcap', writePcap(frames, { linkType: 1, nanos: true }));
    const p = BigInt(periodMs) * 1_000_000n;
    const origin = align === 'epoch' ? 0n : times[0];
    const { collector } = await runCapture(path, [['analyzer.align', align], ['analyzer.period', `${periodMs}ms`], ['analyzer.stats', ['TRAFFIC']]], ['PKTS']);
    const got = collector.records.map((r): [string, number] => [r.timeNs.toString(), r.counters.PKTS]);
    assert.deepEqual(got, expected(times, p, origin));
  });
}

test('the default grid starts at the first packet', async () => {
  const { frames, times } = packets(3);
  const path = tempFile('align.pcap', writePcap(frames, { linkType: 1, nanos: true }));
  const { collector } = await runCapture(path, [['analyzer.period', '700ms'], ['analyzer.stats', ['TRAFFIC']]], ['PKTS']);
  assert.equal(collector.records[0].timeNs, times[0] + 700_000_000n);
});

test('a bad analyzer.align names the key and the values it takes', async () => {
  const path = tempFile('align.pcap', writePcap(packets(4).frames, { linkType: 1, nanos: true }));
  await assert.rejects(runCapture(path, [['analyzer.align', 'midnight']]), /analyzer\.align.*midnight.*"start" or "epoch"/);
});
