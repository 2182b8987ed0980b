/**
 * An exporter whose records wait until `release()`: the aggregator hands a period to its
 * exporters only after the judgement is durable (the state file saved), so that a crash
 * between judging and saving re-judges the period after the restart without having exported
 * it twice. Per period only.
 */
import type { Exporter } from '../exporters/index.js';
import type { AlarmRecord, DataRecord } from '../records/index.js';
import type { NamedFile } from '../util/file-identity.js';

export class DeferredExporter implements Exporter {
  private held: Array<() => void> = [];

  constructor(readonly inner: Exporter) {}

  get name(): string {
    return this.inner.name;
  }

  outputFiles(series: string): readonly NamedFile[] {
    return this.inner.outputFiles?.(series) ?? [];
  }

  start(series: string): Promise<void> {
    return this.inner.start(series);
  }

  data(r: DataRecord): void {
    this.held.push(() => this.inner.data(r));
  }

  alarm(a: AlarmRecord): void {
    this.held.push(() => this.inner.alarm(a));
  }

  flush(): void {
    this.held.push(() => this.inner.flush());
  }

  /** Hands what is held to the exporter, in order. */
  release(): void {
    const held = this.held;
    this.held = [];
    for (const f of held) f();
  }

  /** Forgets what is held (a period whose judgement could not be made durable is judged again after a restart). */
  discard(): void {
    this.held = [];
  }

  reopen(): Promise<void> {
    return this.inner.reopen();
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
