/**
 * Per-source fan-out: the largest number of distinct targets (destination ports, or
 * destination addresses) one source contacted in the period, in bounded memory.
 *
 * Each packet the subclass selects (an opening packet: see the counters) is a contact
 * (source, target). A contact seen for the first time this period (`ContactSet`) adds one to
 * its source in a Space-Saving structure (context/space-saving.ts): its stream is the
 * period's N distinct contacts, so a source's count there is its number of distinct targets.
 *
 * Value: the largest guaranteed count (count − error) among the monitored sources. With k
 * monitored sources and true largest fan-out F, the value V satisfies F − N/k ≤ V ≤ F; it is
 * exact (V = F) when at most k sources made contacts in the period, and whenever the heaviest
 * source was monitored from its first contact on (error 0). Past the contact set's capacity
 * new contacts are not counted, so V stays a lower bound.
 */
import type { Counter } from './counter.js';
import type { PacketSummary } from '../decode/packet-summary.js';
import { SpaceSaving } from '../context/space-saving.js';
import { ContactSet } from './contact-set.js';

/** Sources monitored with their distinct-target counts. */
export const FANOUT_SOURCES = 256;

export abstract class SourceFanOut implements Counter {
  readonly contacts: ContactSet;
  readonly sources: SpaceSaving;

  constructor(sources = FANOUT_SOURCES, contactCapacity?: number) {
    this.sources = new SpaceSaving(sources);
    this.contacts = new ContactSet(contactCapacity);
  }

  /** Per packet: select the contacts to count and call `contact`. */
  abstract process(p: PacketSummary): void;

  /** Source `s[0..3]` contacted target (t0..t3): counted once per period per pair. */
  protected contact(s: Uint32Array, t0: number, t1: number, t2: number, t3: number): void {
    if (this.contacts.add(s, t0, t1, t2, t3)) this.sources.add(s[0], s[1], s[2], s[3]);
  }

  value(): number {
    const top = this.sources.top(1);
    return top.length === 0 ? 0 : top[0].min;
  }

  reset(): void {
    this.contacts.clear();
    this.sources.reset();
  }
}
