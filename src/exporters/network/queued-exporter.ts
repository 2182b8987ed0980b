/**
 * What every network exporter is to the analysis: each record is formatted once, per period,
 * and pushed to a BackgroundSender's bounded queue; nothing here waits on the network. An
 * exporter type only supplies its formats and its senders (one for both kinds of records, or
 * one per peer as the socket exporter's data and alarm addresses).
 */
import type { Exporter, ExporterHealth } from '../exporter.js';
import type { AlarmRecord, DataRecord } from '../../records/index.js';
import type { BackgroundSender } from './background-sender.js';

/** Where one kind of record goes: its sender and its format (null: nothing to send). */
export interface Route<R> {
  readonly sender: BackgroundSender;
  format(record: R): string | null;
}

export class QueuedExporter implements Exporter {
  private readonly senders: BackgroundSender[];

  constructor(
    readonly name: string,
    private readonly dataRoute: Route<DataRecord> | null,
    private readonly alarmRoute: Route<AlarmRecord> | null,
  ) {
    this.senders = [...new Set([dataRoute?.sender, alarmRoute?.sender].filter((s) => s !== undefined))];
  }

  async start(): Promise<void> {}

  data(r: DataRecord): void {
    if (this.dataRoute === null) return;
    const text = this.dataRoute.format(r);
    if (text !== null) this.dataRoute.sender.push('data', text);
  }

  alarm(a: AlarmRecord): void {
    if (this.alarmRoute === null) return;
    const text = this.alarmRoute.format(a);
    if (text !== null) this.alarmRoute.sender.push('alarm', text);
  }

  /** The period is complete: senders may send what it queued without waiting for a full batch. */
  flush(): void {
    for (const s of this.senders) s.wake();
  }

  async reopen(): Promise<void> {}

  async close(): Promise<void> {
    await Promise.all(this.senders.map((s) => s.close()));
  }

  /** The senders' figures added up, under the exporter's name. */
  health(): ExporterHealth {
    const parts = this.senders.map((s) => s.health());
    return {
      name: this.name,
      sent: parts.reduce((n, h) => n + h.sent, 0),
      dropped: parts.reduce((n, h) => n + h.dropped, 0),
      droppedAlarms: parts.reduce((n, h) => n + h.droppedAlarms, 0),
      queued: parts.reduce((n, h) => n + h.queued, 0),
      connected: parts.every((h) => h.connected),
      lastError: parts.find((h) => h.lastError !== null)?.lastError ?? null,
    };
  }
}
