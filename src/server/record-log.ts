/**
 * The most recent records of one kind (alarms, episodes), bounded in memory: a ring of
 * `capacity` entries, each numbered by a sequence id that grows over the server's life (across
 * runs), so a client asks for what came after the last id it saw (`?since=`) and learns how
 * many it missed when the ring overflowed.
 */
export interface LoggedRecord<T> {
  readonly id: number;
  readonly record: T;
}

export interface RecordPage<T> {
  records: LoggedRecord<T>[];
  /** The `since` to ask with next time: the last id returned, or the newest id when none was. */
  next: number;
  /** Records after `since` that the ring no longer holds. */
  missed: number;
}

export class RecordLog<T> {
  private readonly ring: (LoggedRecord<T> | undefined)[];
  private nextId = 1;

  constructor(readonly capacity = 1000) {
    this.ring = new Array<LoggedRecord<T> | undefined>(capacity);
  }

  add(record: T): LoggedRecord<T> {
    const entry = { id: this.nextId++, record };
    this.ring[entry.id % this.capacity] = entry;
    return entry;
  }

  /** Id of the newest record, 0 when none. */
  get last(): number {
    return this.nextId - 1;
  }

  /** Records with an id above `since`, oldest first, at most `limit`. */
  since(since: number, limit = this.capacity): RecordPage<T> {
    const last = this.last;
    const oldestHeld = Math.max(1, last - this.capacity + 1);
    const from = Math.max(since + 1, oldestHeld);
    const missed = Math.max(0, oldestHeld - (since + 1));
    const records: LoggedRecord<T>[] = [];
    for (let id = from; id <= last && records.length < limit; id++) records.push(this.ring[id % this.capacity]!);
    // A `since` beyond the newest id (a restarted server) resyncs to the newest.
    return { records, next: records.length > 0 ? records[records.length - 1].id : last, missed };
  }
}
