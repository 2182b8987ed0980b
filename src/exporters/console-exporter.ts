import type { Exporter, ExporterDef } from './exporter.js';
import {
  alarmRecordToJson, dataRecordToJson, formatTimeNs, type AlarmRecord, type DataRecord,
} from '../records/index.js';

/** Compact human form of a number: 4 significant digits, no exponent for ordinary sizes. */
function fmt(v: number): string {
  if (!Number.isFinite(v)) return '-';
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e7)) return v.toExponential(3);
  return String(Number(v.toPrecision(4)));
}

/**
 * stdout is shared by every console exporter of the process (a server runs many sessions):
 * one 'error' listener, held while any console exporter is open, marks it gone (e.g.
 * `netspot run ... | head`); later records are then dropped.
 */
const stdoutWatch = {
  users: 0,
  gone: false,
  onError(): void {
    stdoutWatch.gone = true;
  },
  acquire(): void {
    if (stdoutWatch.users++ === 0) process.stdout.on('error', stdoutWatch.onError);
  },
  release(): void {
    if (--stdoutWatch.users === 0) process.stdout.off('error', stdoutWatch.onError);
  },
};

/** Records on stdout: readable lines on a terminal, one JSON object per line otherwise. */
class ConsoleExporter implements Exporter {
  readonly name = 'console';
  private pending = '';
  private readonly tty: boolean;
  private open = true;
  constructor(private readonly showData: boolean, private readonly showAlarms: boolean, tty: boolean) {
    this.tty = tty;
    stdoutWatch.acquire();
  }
  async start(): Promise<void> {}

  data(r: DataRecord): void {
    if (!this.showData) return;
    if (!this.tty) {
      this.pending += dataRecordToJson(r) + '\n';
      return;
    }
    let line = formatTimeNs(r.timeNs);
    for (const s of r.stats) {
      line += `  ${s.name} ${s.value === null ? '-' : fmt(s.value)}`;
      if (Number.isFinite(s.up) || Number.isFinite(s.down)) {
        line += ` [${Number.isFinite(s.down) ? fmt(s.down) : ''}..${Number.isFinite(s.up) ? fmt(s.up) : ''}]`;
      }
    }
    this.pending += line + '\n';
  }

  alarm(a: AlarmRecord): void {
    if (!this.showAlarms) return;
    if (!this.tty) {
      this.pending += alarmRecordToJson(a) + '\n';
      return;
    }
    const cmp = a.code === 1 ? '>' : '<';
    this.pending +=
      `\x1b[31mALARM\x1b[0m ${formatTimeNs(a.timeNs)}  ${a.stat} ${a.status}  ` +
      `value ${fmt(a.value)} ${cmp} threshold ${fmt(a.threshold)}  (p = ${fmt(a.probability)})\n`;
  }

  flush(): void {
    if (this.pending === '') return;
    if (!stdoutWatch.gone) process.stdout.write(this.pending);
    this.pending = '';
  }
  async reopen(): Promise<void> {}
  async close(): Promise<void> {
    this.flush();
    if (!this.open) return;
    this.open = false;
    // Keep the listener until what was written is out: a pipe reports EPIPE later, and an
    // 'error' without a listener would crash the process. The error is emitted on the next
    // tick after the write's callback, hence setImmediate. Closing does not wait for it.
    if (stdoutWatch.gone || process.stdout.writableLength === 0) stdoutWatch.release();
    else process.stdout.write('', () => setImmediate(stdoutWatch.release));
  }
}

export const consoleExporter: ExporterDef = {
  name: 'console',
  description: 'records on stdout: readable on a terminal, JSON lines otherwise (exporter.console.data with -v, exporter.console.alarm)',
  enabled: (cfg) => cfg.exporter.console.data || cfg.exporter.console.alarm,
  create: (cfg) => new ConsoleExporter(cfg.exporter.console.data, cfg.exporter.console.alarm, process.stdout.isTTY === true),
};
