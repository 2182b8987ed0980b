import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as B from '../support/packet-builder.js';
import { writePcap, type CapturedPacket } from '../support/capture-writer.js';
import { tempFile } from '../support/run-capture.js';
import { FANOUT_BOUNDS } from '../../src/counters/source-fanout.js';

const bin = fileURLToPath(new URL('../../src/cli/netspot.js', import.meta.url));
const ORIGIN = 1_700_000_000;

/**
 * One period in which `sources` distinct hosts each send one SYN (to port 80 of one server),
 * then a second period with a single packet, so that the crowded period is a whole one.
 */
function crowd(sources: number): string {
  const packets: CapturedPacket[] = [];
  for (let i = 0; i < sources; i++) {
    const src = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
    const frame = B.ethernet({ etherType: B.ETH_IPV4, payload: B.ipv4({ src, dst: '192.168.0.1', protocol: B.PROTO_TCP, payload: B.tcp({ srcPort: 40000, dstPort: 80, flags: B.SYN }) }) });
    packets.push({ data: frame, tsSec: ORIGIN, tsNsec: Math.floor((i / sources) * 9e8) });
  }
  const last = B.ethernet({ etherType: B.ETH_IPV4, payload: B.ipv4({ src: '10.0.0.1', dst: '192.168.0.1', protocol: B.PROTO_TCP, payload: B.tcp({ srcPort: 40000, dstPort: 80, flags: B.ACK }) }) });
  packets.push({ data: last, tsSec: ORIGIN + 1, tsNsec: 5e8 });
  return tempFile('crowd.pcap', writePcap(packets, { linkType: 1, nanos: true }));
}

function run(path: string): string {
  const r = spawnSync(process.execPath, [bin, 'run', '-d', path, '-s', 'all', '-p', '1s', '--exporter.console.alarm', 'false'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stderr;
}

test('a period with more sources than the fan-out bound is reported in the run summary, one at the bound is not', () => {
  const bound = FANOUT_BOUNDS.sources;
  const over = run(crowd(bound + 1000));
  // The SYNs are TCP and address contacts: both statistics lost sources; UDP_PORT_FANOUT saw no UDP.
  assert.match(over, /netspot: 1 periods approximate \(TCP_PORT_FANOUT 1, ADDR_FANOUT 1\): a fan-out table was full \(more than 65536 sources or 65536 contacts a period\), values are lower bounds/);
  const at = run(crowd(bound));
  assert.match(at, /packets, 2 periods of 1s/);
  assert.doesNotMatch(at, /approximate/);
});
