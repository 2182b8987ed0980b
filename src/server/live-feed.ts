/** An exporter that hands every record of a run to the server (series, alarms, events, metrics). */
import type { Exporter } from '../exporters/index.js';
import type { AlarmRecord, DataRecord, EpisodeRecord } from '../records/index.js';

export interface LiveFeedSink {
  onData(r: DataRecord): void;
  onAlarm(a: AlarmRecord): void;
  onEpisode(e: EpisodeRecord): void;
}

export class LiveFeed implements Exporter {
  readonly name = 'api';

  constructor(private readonly sink: LiveFeedSink) {}

  async start(): Promise<void> {}

  data(r: DataRecord): void {
    this.sink.onData(r);
  }

  alarm(a: AlarmRecord): void {
    this.sink.onAlarm(a);
  }

  episode(e: EpisodeRecord): void {
    this.sink.onEpisode(e);
  }

  flush(): void {}

  async reopen(): Promise<void> {}

  async close(): Promise<void> {}
}
