/**
 * bro-spotd mode: each `stats.log` record (Zeek's Stats::Info, one per peer per report
 * interval) is one observation of every numeric field, judged when it comes, at its own
 * `ts`. Names are the field names, as in bro-spotd's profiles; on a cluster, the fields of
 * every peer but the first one seen are named `FIELD@PEER`.
 */
import type { NamedValue } from '../backend/named-value.js';
import type { PeriodSink } from './period-aggregator.js';
import type { ZeekRecord } from './zeek-record.js';

const NOT_FEATURES = new Set(['ts', 'peer', '_path', '_write_ts', '_node']);

export class StatsObserver {
  private firstPeer: string | undefined;

  /** `watch`: the fields to watch (a profile's sections); undefined = every numeric field. */
  constructor(private readonly emit: PeriodSink, private readonly watch?: ReadonlySet<string>) {}

  add(r: ZeekRecord): void {
    if (r.path !== 'stats') return;
    const p = r.field('peer');
    const peer = p === null ? '' : String(p);
    this.firstPeer ??= peer;
    const suffix = peer === this.firstPeer ? '' : `@${peer}`;
    const values: NamedValue[] = [];
    for (const f of r.fieldNames()) {
      if (NOT_FEATURES.has(f)) continue;
      if (this.watch !== undefined && !this.watch.has(f)) continue;
      const v = r.field(f);
      if (typeof v === 'number') values.push({ name: f + suffix, value: v });
    }
    if (values.length > 0) this.emit(BigInt(r.tsUs) * 1000n, values);
  }
}
