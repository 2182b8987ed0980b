import type { Session } from '../../pipeline/session.js';
import { formatBytes, formatRate } from './format.js';

/** A self-refreshing status line on stderr (terminals only): bytes read, packets/s, ETA. */
export class ProgressLine {
  private readonly timer: NodeJS.Timeout;
  private readonly startMs = performance.now();
  private lastPackets = 0;
  private lastMs = this.startMs;
  private shown = false;

  constructor(private readonly session: Session) {
    this.timer = setInterval(() => this.draw(), 500);
    this.timer.unref();
  }

  private draw(): void {
    const st = this.session.source.stats();
    const now = performance.now();
    const rate = ((this.session.pipeline.state.packets - this.lastPackets) * 1000) / (now - this.lastMs);
    this.lastPackets = this.session.pipeline.state.packets;
    this.lastMs = now;
    let line = `${formatBytes(st.bytesRead)}`;
    if (st.bytesTotal > 0) {
      const done = st.bytesRead / st.bytesTotal;
      const elapsed = (now - this.startMs) / 1000;
      const eta = done > 0 ? (elapsed * (1 - done)) / done : NaN;
      line += ` / ${formatBytes(st.bytesTotal)} (${(done * 100).toFixed(0)}%)`;
      if (Number.isFinite(eta)) line += `  ETA ${eta.toFixed(0)} s`;
    }
    line += `  ${formatRate(rate)}  ${this.session.pipeline.state.periods} periods  ${this.session.pipeline.state.alarms} alarms`;
    process.stderr.write(`\r\x1b[K${line}`);
    this.shown = true;
  }

  clear(): void {
    if (this.shown) process.stderr.write('\r\x1b[K');
    this.shown = false;
  }

  stop(): void {
    clearInterval(this.timer);
    this.clear();
  }
}
