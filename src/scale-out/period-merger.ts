/**
 * The aggregator's periods: snapshots of one period from every sensor are gathered;
 * a period closes when every known sensor has reported it, or `waitMs` after its first
 * snapshot, and periods close in time order (a later complete period waits for an earlier
 * one). A snapshot of a period already closed is late: counted and reported, not merged. A
 * known sensor that misses `missing` closed periods in a row is reported and no longer waited
 * for, until it reports again. The sensors of a site are learnt: a run closes no period until
 * `waitMs` after its first snapshot, so that sensors starting a little apart (or read from a
 * backlog one after the other) are all known before a period is called complete. Pure
 * bookkeeping: no I/O, the clock is passed in.
 */
import type { CounterSnapshot } from './snapshot-message.js';

export interface MergerOptions {
  periodNs: bigint;
  waitMs: number;
  missing: number;
  now: () => number;
  onWarning: (message: string) => void;
  /** The last period already judged (a restart): its snapshots and older ones are not merged again. */
  cursor?: bigint;
  /** Sensors known from the start (those with snapshots in the stream): waited for before they are seen. */
  sensors?: readonly string[];
  /** Why a snapshot cannot be merged (its counters do not match the aggregator's), or null. */
  refuse?: (s: CounterSnapshot) => string | null;
}

/** A closed period: what the back end judges, and the messages to acknowledge once it is durable. */
export interface ClosedPeriod<R> {
  start: bigint;
  /** Time covered: the period, or less when every sensor's input ended inside it. */
  coveredNs: bigint;
  partial: boolean;
  /** In arrival order. */
  snapshots: CounterSnapshot[];
  sensors: string[];
  /** Known sensors that had not reported when it closed. */
  missing: string[];
  refs: R[];
}

interface OpenPeriod<R> {
  start: bigint;
  openedMs: number;
  covered: bigint;
  partial: boolean;
  snapshots: CounterSnapshot[];
  sensors: Set<string>;
  seqs: Set<number>;
  refs: R[];
}

/** merged or duplicate: held until the period is judged; late, replayed or refused: acknowledge now. */
export type Offered = 'merged' | 'duplicate' | 'late' | 'replayed' | 'refused';

export class PeriodMerger<R> {
  private readonly open = new Map<bigint, OpenPeriod<R>>();
  private readonly known = new Set<string>();
  private readonly misses = new Map<string, number>();
  /** Sensors reported missing (no longer waited for). */
  private readonly gone = new Set<string>();
  cursor: bigint | undefined;
  /** No period closes before this (ms on the `now` clock): the sensors are being learnt. */
  private learnUntil = Infinity;
  readonly tally = { merged: 0, late: 0, duplicates: 0, refused: 0, closedIncomplete: 0 };

  constructor(private readonly o: MergerOptions) {
    this.cursor = o.cursor;
    for (const s of o.sensors ?? []) this.known.add(s);
  }

  /** Sensors waited for. */
  knownSensors(): string[] {
    return [...this.known].sort();
  }

  /**
   * Takes a snapshot (`seq`: its stream sequence, so a redelivered message is merged once).
   * `replay`: the message was delivered before (a restart, a lost ack): if its period is closed, it
   * is acknowledged silently instead of counted late.
   */
  offer(s: CounterSnapshot, seq: number, ref: R, replay = false): Offered {
    if (s.period !== this.o.periodNs) {
      this.tally.refused++;
      this.o.onWarning(`snapshot of sensor ${s.sensor} refused: its period is ${s.period} ns, this aggregator's ${this.o.periodNs} ns (analyzer.period must be the same everywhere)`);
      return 'refused';
    }
    if (s.start % this.o.periodNs !== 0n) {
      this.tally.refused++;
      this.o.onWarning(`snapshot of sensor ${s.sensor} refused: its period does not start on the epoch grid (sensors need analyzer.align = "epoch")`);
      return 'refused';
    }
    const why = this.o.refuse?.(s) ?? null;
    if (why !== null) {
      this.tally.refused++;
      this.o.onWarning(`snapshot of sensor ${s.sensor} refused: ${why}`);
      return 'refused';
    }
    if (this.cursor !== undefined && s.start <= this.cursor) {
      if (replay) {
        this.tally.duplicates++;
        return 'replayed';
      }
      this.tally.late++;
      this.o.onWarning(`late snapshot of sensor ${s.sensor} for the period starting ${isoOf(s.start)} (already judged): not counted (${this.tally.late} late so far)`);
      return 'late';
    }
    if (this.learnUntil === Infinity) this.learnUntil = this.o.now() + this.o.waitMs;
    this.see(s.sensor);
    let p = this.open.get(s.start);
    if (p === undefined) {
      p = { start: s.start, openedMs: this.o.now(), covered: 0n, partial: false, snapshots: [], sensors: new Set(), seqs: new Set(), refs: [] };
      this.open.set(s.start, p);
    }
    if (p.seqs.has(seq)) {
      this.tally.duplicates++;
      p.refs.push(ref);
      return 'duplicate';
    }
    p.seqs.add(seq);
    p.refs.push(ref);
    p.sensors.add(s.sensor);
    if (s.covered > p.covered) p.covered = s.covered;
    if (s.partial) p.partial = true;
    p.snapshots.push(s);
    this.tally.merged++;
    return 'merged';
  }

  private see(sensor: string): void {
    this.misses.set(sensor, 0);
    if (this.gone.delete(sensor)) this.o.onWarning(`sensor ${sensor} reports again: waited for again`);
    this.known.add(sensor);
  }

  /** When the oldest open period's wait ends (ms on the `now` clock), or undefined when none is open. */
  nextDeadline(): number | undefined {
    const first = this.oldest();
    return first === undefined ? undefined : first.openedMs + this.o.waitMs;
  }

  /** Closes the periods that are complete or waited long enough, oldest first. */
  closeDue(): Array<ClosedPeriod<R>> {
    const out: Array<ClosedPeriod<R>> = [];
    for (let p = this.oldest(); p !== undefined && this.o.now() >= this.learnUntil; p = this.oldest()) {
      const missing = [...this.known].filter((s) => !p!.sensors.has(s)).sort();
      if (missing.length > 0 && this.o.now() < p.openedMs + this.o.waitMs) break;
      out.push(this.close(p, missing));
    }
    return out;
  }

  private close(p: OpenPeriod<R>, missing: string[]): ClosedPeriod<R> {
    this.open.delete(p.start);
    this.cursor = p.start;
    if (missing.length > 0) {
      this.tally.closedIncomplete++;
      this.o.onWarning(`period starting ${isoOf(p.start)} closed after aggregate.wait without sensor${missing.length === 1 ? '' : 's'} ${missing.join(', ')}`);
      for (const s of missing) {
        const n = (this.misses.get(s) ?? 0) + 1;
        this.misses.set(s, n);
        if (n >= this.o.missing) {
          this.known.delete(s);
          this.gone.add(s);
          this.o.onWarning(`sensor ${s} has not reported for ${n} periods: no longer waited for (aggregate.missing ${this.o.missing})`);
        }
      }
    }
    return {
      start: p.start, coveredNs: p.covered, partial: p.partial, snapshots: p.snapshots,
      sensors: [...p.sensors].sort(), missing, refs: p.refs,
    };
  }

  private oldest(): OpenPeriod<R> | undefined {
    let best: OpenPeriod<R> | undefined;
    for (const p of this.open.values()) if (best === undefined || p.start < best.start) best = p;
    return best;
  }

  /** The lowest stream sequence held in an open period (not yet acknowledged), or undefined. */
  lowestHeld(): number | undefined {
    let low: number | undefined;
    for (const p of this.open.values()) for (const q of p.seqs) if (low === undefined || q < low) low = q;
    return low;
  }

  /** Messages of periods still open (unacknowledged: redelivered to the next run). */
  get openPeriods(): number {
    return this.open.size;
  }
}

function isoOf(ns: bigint): string {
  return new Date(Number(ns / 1_000_000n)).toISOString();
}
