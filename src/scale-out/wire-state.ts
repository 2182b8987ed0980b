/**
 * A period's counter state (counters/counter-state.ts) as it travels from a sensor to the
 * aggregator: JSON with the typed arrays in base64 (little-endian, as every platform Node runs
 * on). Distinct sets (addresses, ports) larger than WIRE_EXACT_MAX members travel as a
 * HyperLogLog sketch instead (src/zeek/hyperloglog.ts: 2^14 registers, 16 KiB, relative
 * standard error 1.04/sqrt(2^14) = 0.81 %) of the members' text (dotted quad, RFC 5952 IPv6,
 * decimal port), so that the aggregator's union stays meaningful: it hashes the exact members
 * of the other sensors into the sketch, and the count is then an estimate.
 */
import { COUNTER_STATE_VERSION, type CounterState, type PeriodCountersState } from '../counters/counter-state.js';
import { addressText } from '../context/address-text.js';
import { HLL_REGISTERS, HyperLogLog } from '../zeek/hyperloglog.js';

/** Members of a distinct set sent as such at most; a larger set goes as a sketch (16 KiB instead of up to 4 bytes a member and more). */
export const WIRE_EXACT_MAX = 4096;

type Names = { names: string[] };
export type WireEntry = Names &
  (
    | { kind: 'shapes'; shapes: string; packets: string; ipBytes: string }
    | { kind: 'addresses'; v4: string; v6: string }
    | { kind: 'ports'; ports: string }
    | { kind: 'contacts'; contacts: string; contactOverflow: number; sourceOverflow: number }
    | { kind: 'hll'; of: 'addresses' | 'ports'; registers: string }
  );

/** A decoded entry: a counter state, or a sketch standing for a distinct set. */
export type ReceivedEntry = { names: readonly string[] } & (
  | { kind: 'state'; state: CounterState }
  | { kind: 'sketch'; of: 'addresses' | 'ports'; sketch: HyperLogLog }
);

const b64 = (a: ArrayBufferView): string => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');

export function encodeState(state: PeriodCountersState): WireEntry[] {
  return state.entries.map(({ names, state: s }): WireEntry => {
    const n = [...names];
    switch (s.kind) {
      case 'shapes':
        return { names: n, kind: 'shapes', shapes: b64(s.shapes), packets: b64(s.packets), ipBytes: b64(s.ipBytes) };
      case 'addresses':
        if (s.v4.length + s.v6.length / 4 > WIRE_EXACT_MAX) return { names: n, kind: 'hll', of: 'addresses', registers: b64(sketchOf(addressMembers(s))) };
        return { names: n, kind: 'addresses', v4: b64(s.v4), v6: b64(s.v6) };
      case 'ports':
        if (s.ports.length > WIRE_EXACT_MAX) return { names: n, kind: 'hll', of: 'ports', registers: b64(sketchOf(portMembers(s))) };
        return { names: n, kind: 'ports', ports: b64(s.ports) };
      case 'contacts':
        return { names: n, kind: 'contacts', contacts: b64(s.contacts), contactOverflow: s.contactOverflow, sourceOverflow: s.sourceOverflow };
    }
  });
}

function sketchOf(members: readonly string[]): Uint8Array {
  const h = new HyperLogLog();
  for (const m of members) h.add(m);
  return h.bytes();
}

/** The members of a distinct set as the sketch hashes them. */
export function addressMembers(s: { v4: Uint32Array; v6: Uint32Array }): string[] {
  const out: string[] = [];
  for (const a of s.v4) out.push(addressText(0, 0, 0xffff, a));
  for (let o = 0; o + 4 <= s.v6.length; o += 4) out.push(addressText(s.v6[o], s.v6[o + 1], s.v6[o + 2], s.v6[o + 3]));
  return out;
}

export function portMembers(s: { ports: Uint16Array }): string[] {
  return Array.from(s.ports, String);
}

/** Why a wire state cannot be read. */
export class WireStateError extends Error {}

function typed<T>(text: unknown, what: string, bytes: number, make: (b: ArrayBuffer) => T): T {
  if (typeof text !== 'string') throw new WireStateError(`${what} is not base64`);
  const buf = Buffer.from(text, 'base64');
  if (buf.length % bytes !== 0) throw new WireStateError(`${what}: ${buf.length} bytes is no whole number of ${bytes}-byte values`);
  return make(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length));
}

const count = (v: unknown, what: string): number => {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw new WireStateError(`${what} is not a count`);
  return v;
};

export function decodeState(entries: unknown): ReceivedEntry[] {
  if (!Array.isArray(entries)) throw new WireStateError('"counters" is not a list');
  return entries.map((e: Record<string, unknown>, i): ReceivedEntry => {
    const names = e?.names;
    if (!Array.isArray(names) || !names.every((n) => typeof n === 'string')) throw new WireStateError(`counters[${i}]: no "names"`);
    const what = (k: string): string => `counter ${names.join('+')} ${k}`;
    switch (e.kind) {
      case 'shapes': {
        const shapes = typed(e.shapes, what('shapes'), 4, (b) => new Uint32Array(b));
        const packets = typed(e.packets, what('packets'), 8, (b) => new Float64Array(b));
        const ipBytes = typed(e.ipBytes, what('ipBytes'), 8, (b) => new Float64Array(b));
        if (packets.length !== shapes.length || ipBytes.length !== shapes.length) throw new WireStateError(`${what('shapes')}: lists of different lengths`);
        return { names, kind: 'state', state: { kind: 'shapes', shapes, packets, ipBytes } };
      }
      case 'addresses': {
        const v6 = typed(e.v6, what('v6'), 16, (b) => new Uint32Array(b));
        return { names, kind: 'state', state: { kind: 'addresses', v4: typed(e.v4, what('v4'), 4, (b) => new Uint32Array(b)), v6 } };
      }
      case 'ports':
        return { names, kind: 'state', state: { kind: 'ports', ports: typed(e.ports, what('ports'), 2, (b) => new Uint16Array(b)) } };
      case 'contacts':
        return {
          names, kind: 'state',
          state: {
            kind: 'contacts', contacts: typed(e.contacts, what('contacts'), 32, (b) => new Uint32Array(b)),
            contactOverflow: count(e.contactOverflow, what('contactOverflow')), sourceOverflow: count(e.sourceOverflow, what('sourceOverflow')),
          },
        };
      case 'hll': {
        if (e.of !== 'addresses' && e.of !== 'ports') throw new WireStateError(`${what('of')} is neither addresses nor ports`);
        const registers = typed(e.registers, what('registers'), 1, (b) => new Uint8Array(b));
        if (registers.length !== HLL_REGISTERS) throw new WireStateError(`${what('registers')}: ${registers.length} registers, not ${HLL_REGISTERS}`);
        return { names, kind: 'sketch', of: e.of, sketch: HyperLogLog.fromBytes(registers) };
      }
      default:
        throw new WireStateError(`${what('kind')} ${JSON.stringify(e.kind)} is unknown`);
    }
  });
}

/** An empty state of a distinct set's kind (a sketch's place in the analyzer's merge). */
export function emptyState(of: 'addresses' | 'ports'): CounterState {
  return of === 'addresses' ? { kind: 'addresses', v4: new Uint32Array(0), v6: new Uint32Array(0) } : { kind: 'ports', ports: new Uint16Array(0) };
}

export { COUNTER_STATE_VERSION };
