/**
 * A period's counts as plain data, to merge the work of several counters of one period: worker
 * threads counting parts of a capture, or sensors counting parts of a site's traffic.
 *
 * Contract (version COUNTER_STATE_VERSION): a packet counter hands out its period's state
 * (`Counter.state()`) and adds another's (`Counter.merge(state)`). Merging, into a counter that
 * was just reset, the states of the consecutive parts of a period's packets, in packet order, and
 * then reading `value()` gives exactly the value one counter would have after all the packets:
 * sums add, distinct sets union, fan-out tables replay their distinct contacts. The states are
 * structured-cloneable (numbers and typed arrays only): `transferList` names the buffers a
 * `postMessage` can move instead of copying.
 *
 * Bounded tables (the fan-out counters' contacts and sources) stay bounded after a merge: a
 * contact that no longer fits is counted in `contactOverflow` (a source in `sourceOverflow`), as
 * during counting, and a state carries the overflow of its part, so a merged counter says when a
 * bound was hit. Below the bounds (65536 contacts and sources a period by default) a merge is
 * exact; past them the value stays a lower bound, but which contacts were kept may differ from
 * one counter's (the state lists contacts in table order, not arrival order).
 */

export const COUNTER_STATE_VERSION = 1;

/** The sum counters (PKTS, IP, SYN, ...): packets and IP bytes per packet shape (sum-table.ts). */
export interface ShapeState {
  readonly kind: 'shapes';
  /** Shapes seen in the period. */
  readonly shapes: Uint32Array;
  /** Packets of each shape (parallel to `shapes`). */
  readonly packets: Float64Array;
  /** IP bytes of each shape. */
  readonly ipBytes: Float64Array;
}

/** A distinct-address counter: the exact addresses of the period. */
export interface AddressesState {
  readonly kind: 'addresses';
  /** IPv4 addresses. */
  readonly v4: Uint32Array;
  /** IPv6 addresses, four 32-bit big-endian words each. */
  readonly v6: Uint32Array;
}

/** A distinct-port counter: the exact ports of the period. */
export interface PortsState {
  readonly kind: 'ports';
  readonly ports: Uint16Array;
}

/** A per-source fan-out counter: the period's distinct contacts, from which the per-source counts follow. */
export interface ContactsState {
  readonly kind: 'contacts';
  /** Eight words per contact: the source address (4 words), the target (an address, or 0, 0, 0, port). */
  readonly contacts: Uint32Array;
  /** New contacts that did not fit the bounded table (0 when the state is exact). */
  readonly contactOverflow: number;
  /** New sources that did not fit the bounded table. */
  readonly sourceOverflow: number;
}

export type CounterState = ShapeState | AddressesState | PortsState | ContactsState;

/** Every packet counter of an analyzer, by the counter names each one serves. */
export interface PeriodCountersState {
  readonly version: typeof COUNTER_STATE_VERSION;
  readonly entries: ReadonlyArray<{ readonly names: readonly string[]; readonly state: CounterState }>;
}

/** The buffers of a state, for `postMessage(state, transferList(state))` (the sender must not reuse them). */
export function transferList(state: PeriodCountersState): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>();
  for (const { state: s } of state.entries) {
    for (const v of Object.values(s)) if (ArrayBuffer.isView(v) && v.buffer instanceof ArrayBuffer) out.add(v.buffer);
  }
  return [...out];
}

/** The error for a state of another shape than the counter's (another version, config or build). */
export function stateMismatch(what: string, state: { kind?: unknown }): Error {
  return new TypeError(`cannot merge a counter state of kind ${JSON.stringify(state.kind)} into ${what}`);
}
