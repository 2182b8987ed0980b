/**
 * The bounded queue between the analysis and a network sender. Pushing never waits: when the
 * queue is full the oldest data record goes first, and an alarm is dropped only when the queue
 * holds nothing but alarms. Records leave in the order they came (a sequence number merges the
 * two lanes back).
 */
export type RecordKind = 'data' | 'alarm';

export interface QueuedRecord {
  readonly kind: RecordKind;
  /** The record as the peer wants it (a line, a syslog message). */
  readonly payload: string;
  readonly seq: number;
}

/** A FIFO over an array with a moving head (compacted now and then, so pops are O(1)). */
class Lane {
  private items: QueuedRecord[] = [];
  private head = 0;
  get length(): number {
    return this.items.length - this.head;
  }
  push(r: QueuedRecord): void {
    this.items.push(r);
  }
  peek(): QueuedRecord | undefined {
    return this.items[this.head];
  }
  shift(): QueuedRecord | undefined {
    if (this.head >= this.items.length) return undefined;
    const r = this.items[this.head++];
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return r;
  }
  clear(): number {
    const n = this.length;
    this.items = [];
    this.head = 0;
    return n;
  }
}

/** What a push cost: the record dropped to make room (or the pushed one), if any. */
export type PushOutcome = RecordKind | null;

export class RecordQueue {
  private readonly dataLane = new Lane();
  private readonly alarmLane = new Lane();
  private seq = 0;

  constructor(readonly capacity: number) {
    if (!(capacity >= 1)) throw new RangeError(`queue capacity must be at least 1, got ${capacity}`);
  }

  get length(): number {
    return this.dataLane.length + this.alarmLane.length;
  }

  get alarms(): number {
    return this.alarmLane.length;
  }

  /** Adds a record; returns the kind of the record dropped to keep the bound, or null. */
  push(kind: RecordKind, payload: string): PushOutcome {
    let dropped: PushOutcome = null;
    if (this.length >= this.capacity) {
      if (this.dataLane.length > 0) {
        this.dataLane.shift();
        dropped = 'data';
      } else if (kind === 'data') {
        return 'data'; // only alarms queued: they are worth more than this data record
      } else {
        this.alarmLane.shift();
        dropped = 'alarm';
      }
    }
    (kind === 'data' ? this.dataLane : this.alarmLane).push({ kind, payload, seq: this.seq++ });
    return dropped;
  }

  /** Removes and returns up to `max` records, oldest first. */
  take(max: number): QueuedRecord[] {
    const out: QueuedRecord[] = [];
    while (out.length < max) {
      const d = this.dataLane.peek();
      const a = this.alarmLane.peek();
      if (d === undefined && a === undefined) break;
      const lane = a === undefined || (d !== undefined && d.seq < a.seq) ? this.dataLane : this.alarmLane;
      out.push(lane.shift()!);
    }
    return out;
  }

  /** Empties the queue; returns how many data records and alarms it held. */
  clear(): { data: number; alarms: number } {
    return { data: this.dataLane.clear(), alarms: this.alarmLane.clear() };
  }
}
