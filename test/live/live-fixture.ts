/**
 * Shared pieces of the live-capture tests: when to skip, and a minimal byte-level reader
 * of captured batches (deliberately independent of src/decode).
 */
import { execFileSync } from 'node:child_process';
import { isLiveCaptureAvailable } from '../../src/source/native-binding.js';
import type { PacketBatch, PacketSource } from '../../src/source/packet-batch.js';

/** Why tests of the native binding cannot run here, or false when they can. */
export function bindingSkipReason(): string | false {
  if (!isLiveCaptureAvailable()) {
    return 'native libpcap binding not built (apt-get install libpcap-dev g++ make python3, then npm ci)';
  }
  return false;
}

/** Why the live capture tests cannot run here, or false when they can. */
export function liveSkipReason(): string | false {
  if (process.platform !== 'linux') return 'live capture tests need Linux';
  if (process.getuid?.() !== 0) return 'live capture tests need root (CAP_NET_RAW/CAP_NET_ADMIN); CI runs them as root';
  return bindingSkipReason();
}

/** True when `cmd` is on the PATH. */
export function hasCommand(cmd: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Offset of the IPv4 header of packet i, or -1 (Ethernet, Linux SLL, Linux SLL2). */
export function ipv4Start(batch: PacketBatch, i: number): number {
  const d = batch.data;
  const at = batch.offset[i];
  const link = batch.linkType[i];
  let proto: number;
  let start: number;
  if (link === 1) {
    proto = (d[at + 12] << 8) | d[at + 13];
    start = at + 14;
  } else if (link === 113) {
    proto = (d[at + 14] << 8) | d[at + 15];
    start = at + 16;
  } else if (link === 276) {
    proto = (d[at] << 8) | d[at + 1];
    start = at + 20;
  } else {
    return -1;
  }
  if (proto !== 0x0800 || start + 20 > at + batch.caplen[i]) return -1;
  return start;
}

/** What the tests count in a capture. */
export interface TrafficTally {
  packets: number;
  /** IPv4 UDP datagrams by destination port. */
  udpTo: Map<number, number>;
  /** IPv4 TCP segments with SYN and without ACK, by destination port. */
  synTo: Map<number, number>;
  /** IPv4 TCP segments with SYN and ACK, by source port. */
  synAckFrom: Map<number, number>;
  /** ICMP echo requests / replies. */
  echoRequests: number;
  echoReplies: number;
  /** Packets whose timestamp lies outside [notBeforeMs, notAfterMs]. */
  badTimestamps: number;
  /** caplen/wirelen of the last UDP datagram seen, to check the snapshot length. */
  lastUdpCaplen: number;
  lastUdpWirelen: number;
  /** The source this tally came from reported packets it did not count as IPv4. */
  nonIpv4: number;
}

function bump(m: Map<number, number>, k: number): void {
  m.set(k, (m.get(k) ?? 0) + 1);
}

/** Adds one batch to `t`; timestamps are checked against the given wall-clock window. */
export function tallyBatch(t: TrafficTally, batch: PacketBatch, notBeforeMs: number, notAfterMs: number): void {
  const d = batch.data;
  for (let i = 0; i < batch.count; i++) {
    t.packets++;
    const ms = batch.tsSec[i] * 1000 + batch.tsNsec[i] / 1e6;
    if (ms < notBeforeMs - 1 || ms > notAfterMs + 1 || batch.tsNsec[i] > 999_999_999) t.badTimestamps++;
    const ip = ipv4Start(batch, i);
    if (ip < 0) {
      t.nonIpv4++;
      continue;
    }
    const ihl = (d[ip] & 0x0f) * 4;
    const proto = d[ip + 9];
    const l4 = ip + ihl;
    const end = batch.offset[i] + batch.caplen[i];
    if (proto === 17 && l4 + 8 <= end) {
      bump(t.udpTo, (d[l4 + 2] << 8) | d[l4 + 3]);
      t.lastUdpCaplen = batch.caplen[i];
      t.lastUdpWirelen = batch.wirelen[i];
    } else if (proto === 6 && l4 + 14 <= end) {
      const flags = d[l4 + 13];
      if (flags & 0x02) {
        if (flags & 0x10) bump(t.synAckFrom, (d[l4] << 8) | d[l4 + 1]);
        else bump(t.synTo, (d[l4 + 2] << 8) | d[l4 + 3]);
      }
    } else if (proto === 1 && l4 + 1 <= end) {
      if (d[l4] === 8) t.echoRequests++;
      else if (d[l4] === 0) t.echoReplies++;
    }
  }
}

export function emptyTally(): TrafficTally {
  return {
    packets: 0,
    udpTo: new Map(),
    synTo: new Map(),
    synAckFrom: new Map(),
    echoRequests: 0,
    echoReplies: 0,
    badTimestamps: 0,
    lastUdpCaplen: 0,
    lastUdpWirelen: 0,
    nonIpv4: 0,
  };
}

/**
 * Runs `generate` while `source` captures, then stops the source (keeping what it holds)
 * and tallies everything up to the end of the stream.
 */
export async function captureWhile(
  source: PacketSource & { stop(): void },
  generate: () => Promise<void>,
): Promise<TrafficTally> {
  const tally = emptyTally();
  const start = Date.now();
  const reading = (async () => {
    for (;;) {
      const batch = await source.next();
      if (batch === null) return;
      tallyBatch(tally, batch, start, Date.now());
    }
  })();
  try {
    await generate();
  } finally {
    source.stop();
  }
  await reading;
  return tally;
}
