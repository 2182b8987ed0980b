/**
 * Several Zeek log files as one stream of records in time order. Files of the same log
 * (rotated files: dns.log.1.gz, dns.log) are read one after the other, oldest first (by their
 * first record); different logs are merged by `ts`, so that one log does not run ahead of the
 * others and make their records late.
 */
import type { BadLineReporter, ZeekInputStats } from './input-stats.js';
import { LogFileCursor } from './log-file-cursor.js';
import type { ZeekRecord } from './zeek-record.js';

/** Files of one log, oldest first. */
class Chain {
  constructor(private readonly files: LogFileCursor[]) {}
  get head(): ZeekRecord | null {
    return this.files[0]?.head ?? null;
  }
  async advance(): Promise<void> {
    await this.files[0].advance();
    while (this.files.length > 0 && this.files[0].head === null) this.files.shift();
  }
}

export async function* readLogFiles(files: readonly string[], stats: ZeekInputStats, bad: BadLineReporter): AsyncGenerator<ZeekRecord> {
  const cursors: LogFileCursor[] = [];
  for (const f of files) cursors.push(await LogFileCursor.open(f, stats, bad));
  const byPath = new Map<string, LogFileCursor[]>();
  for (const c of cursors) {
    if (c.head === null) continue;
    const list = byPath.get(c.path) ?? [];
    list.push(c);
    byPath.set(c.path, list);
  }
  const chains = [...byPath.values()].map((l) => new Chain(l.sort((a, b) => (a.head as ZeekRecord).tsUs - (b.head as ZeekRecord).tsUs)));
  for (;;) {
    let best: Chain | undefined;
    for (const ch of chains) {
      const h = ch.head;
      if (h !== null && (best === undefined || h.tsUs < (best.head as ZeekRecord).tsUs)) best = ch;
    }
    if (best === undefined) return;
    yield best.head as ZeekRecord;
    await best.advance();
  }
}
