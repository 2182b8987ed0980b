/**
 * Captures for the server tests, with a known answer: `periods` one-second periods of steady
 * traffic (IP packets, a fixed share of them TCP SYN) and, in periods [floodFrom, floodTo), a
 * SYN flood. Built from a few packet templates so that large captures are cheap to make.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writePcap, type CapturedPacket } from '../../support/capture-writer.js';
import { ETH_IPV4, PROTO_TCP, PROTO_UDP, ACK, SYN, ethernet, ipv4, tcp, udp } from '../../support/packet-builder.js';

export interface FloodPlan {
  periods: number;
  packetsPerPeriod: number;
  /** SYN packets per period outside the flood (the rest is ACK and UDP). */
  synPerPeriod: number;
  floodFrom: number;
  floodTo: number;
  /** Extra SYN packets per flooded period. */
  floodSyn: number;
}

export const T0 = 1_700_000_000;

// Captures live in temp dirs removed when the test process exits.
const made: string[] = [];
function captureDir(): string {
  if (made.length === 0) process.once('exit', () => made.forEach((d) => rmSync(d, { recursive: true, force: true })));
  const dir = mkdtempSync(join(tmpdir(), 'netspot-server-'));
  made.push(dir);
  return dir;
}

const synPacket = ethernet({ etherType: ETH_IPV4, payload: ipv4({ src: '10.0.0.1', dst: '10.0.0.2', protocol: PROTO_TCP, payload: tcp({ srcPort: 40000, dstPort: 80, flags: SYN }) }) });
const ackPacket = ethernet({ etherType: ETH_IPV4, payload: ipv4({ src: '10.0.0.2', dst: '10.0.0.1', protocol: PROTO_TCP, payload: tcp({ srcPort: 80, dstPort: 40000, flags: ACK }) }) });
const udpPacket = ethernet({ etherType: ETH_IPV4, payload: ipv4({ src: '10.0.0.3', dst: '10.0.0.4', protocol: PROTO_UDP, payload: udp({ srcPort: 53, dstPort: 5353 }) }) });

/** Expected R_SYN of period k (all packets are IP). */
export function expectedRSyn(p: FloodPlan, k: number): number {
  const flood = k >= p.floodFrom && k < p.floodTo ? p.floodSyn : 0;
  return (p.synPerPeriod + flood) / (p.packetsPerPeriod + flood);
}

export function floodPackets(p: FloodPlan): CapturedPacket[] {
  const out: CapturedPacket[] = [];
  for (let k = 0; k < p.periods; k++) {
    const flood = k >= p.floodFrom && k < p.floodTo ? p.floodSyn : 0;
    const n = p.packetsPerPeriod + flood;
    for (let i = 0; i < n; i++) {
      // Spread evenly inside the period; the first packet of the capture sits at T0 exactly.
      const ns = Math.floor((i * 1e9) / n);
      const data = i < p.synPerPeriod + flood ? synPacket : i % 2 === 0 ? ackPacket : udpPacket;
      out.push({ data, tsSec: T0 + k, tsNsec: ns });
    }
  }
  return out;
}

/**
 * The capture ends with its last packet: the last period is partial, from T0 + periods - 1 to
 * that packet. Its end (Unix ns) and the seconds it covers, from the generated timestamps.
 */
export function lastPeriod(p: FloodPlan): { endNs: bigint; seconds: number } {
  const last = floodPackets(p).pop()!;
  return { endNs: BigInt(last.tsSec) * 1_000_000_000n + BigInt(last.tsNsec), seconds: (last.tsSec - (T0 + p.periods - 1)) + last.tsNsec / 1e9 };
}

/** Writes the capture in a fresh temp dir; returns its path. */
export function writeFloodCapture(p: FloodPlan, name = 'flood.pcap'): string {
  const path = join(captureDir(), name);
  writeFileSync(path, writePcap(floodPackets(p), { linkType: 1, nanos: true }));
  return path;
}

/** A small capture with a flood: enough periods to calibrate (n_init 40, depth 5) and alarm. */
export const SMALL_FLOOD: FloodPlan = { periods: 120, packetsPerPeriod: 40, synPerPeriod: 4, floodFrom: 90, floodTo: 95, floodSyn: 200 };

/** A large capture (about a second of work at full speed), to have a run in progress. */
export const LARGE_STEADY: FloodPlan = { periods: 300, packetsPerPeriod: 2000, synPerPeriod: 100, floodFrom: 0, floodTo: 0, floodSyn: 0 };

/**
 * A capture that takes seconds to analyse but is cheap to make: `plan` as a first gzip member,
 * then `repeats` identical members holding `plan`'s last period again (packets older than the
 * current period count in it). node's gunzip reads concatenated members as one stream.
 */
export function writeLongCapture(plan: FloodPlan, repeats: number, name = 'long.pcap.gz'): { path: string; packets: number } {
  const packets = floodPackets(plan);
  // One timestamp for the whole filler: it compresses about a thousandfold.
  const last = packets.filter((p) => p.tsSec === T0 + plan.periods - 1).map((p) => ({ ...p, tsNsec: 0 }));
  const head = gzipSync(writePcap(packets, { linkType: 1, nanos: true }), { level: 1 });
  const filler = gzipSync(writePcap(last, { linkType: 1, nanos: true }).subarray(24), { level: 9 });
  const file = Buffer.alloc(head.length + filler.length * repeats);
  head.copy(file, 0);
  for (let i = 0; i < repeats; i++) filler.copy(file, head.length + i * filler.length);
  const path = join(captureDir(), name);
  writeFileSync(path, file);
  return { path, packets: packets.length + last.length * repeats };
}

/** Several seconds of work at full speed (10M packets): a run that is still going when a test stops it. */
export const LONG_HEAD: FloodPlan = { periods: 50, packetsPerPeriod: 2000, synPerPeriod: 100, floodFrom: 0, floodTo: 0, floodSyn: 0 };
export const LONG_REPEATS = 5_000;
