/**
 * The most recent alarms, bounded in memory: a ring of `capacity` entries, each numbered by a
 * sequence id that grows over the server's life (across runs), so a client asks for what came
 * after the last id it saw (`?since=`) and learns how many it missed when the ring overflowed.
 */
import type { AlarmRecord } from '../records/index.js';

export interface LoggedAlarm {
  readonly id: number;
  readonly alarm: AlarmRecord;
}

export interface AlarmPage {
  alarms: LoggedAlarm[];
  /** The `since` to ask with next time: the last id returned, or the newest id when none was. */
  next: number;
  /** Alarms after `since` that the ring no longer holds. */
  missed: number;
}

export class AlarmLog {
  private readonly ring: (LoggedAlarm | undefined)[];
  private nextId = 1;

  constructor(readonly capacity = 1000) {
    this.ring = new Array<LoggedAlarm | undefined>(capacity);
  }

  add(alarm: AlarmRecord): LoggedAlarm {
    const entry = { id: this.nextId++, alarm };
    this.ring[entry.id % this.capacity] = entry;
    return entry;
  }

  /** Id of the newest alarm, 0 when none. */
  get last(): number {
    return this.nextId - 1;
  }

  /** Alarms with an id above `since`, oldest first, at most `limit`. */
  since(since: number, limit = this.capacity): AlarmPage {
    const last = this.last;
    const oldestHeld = Math.max(1, last - this.capacity + 1);
    const from = Math.max(since + 1, oldestHeld);
    const missed = Math.max(0, oldestHeld - (since + 1));
    const alarms: LoggedAlarm[] = [];
    for (let id = from; id <= last && alarms.length < limit; id++) alarms.push(this.ring[id % this.capacity]!);
    // A `since` beyond the newest id (a restarted server) resyncs to the newest.
    return { alarms, next: alarms.length > 0 ? alarms[alarms.length - 1].id : last, missed };
  }
}
