/** What the Zeek front end read and what it could not use: every drop is counted here. */
export interface ZeekInputStats {
  /** Lines read (header lines included). */
  lines: number;
  /** Records parsed. */
  records: number;
  /** Lines that are not valid records (bad JSON, wrong column count, bad ts, ...). */
  badLines: number;
  /** Records whose period was already closed (later than zeek.lateness): counted, not used. */
  lateRecords: number;
}

export function emptyInputStats(): ZeekInputStats {
  return { lines: 0, records: 0, badLines: 0, lateRecords: 0 };
}

/** How a bad line is reported: the file, the line number and what is wrong. */
export type BadLineReporter = (file: string, lineNo: number, message: string) => void;

/**
 * Reports the first few bad lines of each file in full, then one line per file saying how
 * many more were skipped, so a broken file does not flood the output.
 */
export function limitedBadLineReporter(warn: (message: string) => void, perFile = 5): BadLineReporter & { finish(): void } {
  const seen = new Map<string, number>();
  const report = (file: string, lineNo: number, message: string): void => {
    const n = (seen.get(file) ?? 0) + 1;
    seen.set(file, n);
    if (n <= perFile) warn(`${file}:${lineNo}: ${message} (line skipped)`);
  };
  return Object.assign(report, {
    finish(): void {
      for (const [file, n] of seen) if (n > perFile) warn(`${file}: ${n - perFile} more bad lines skipped`);
    },
  });
}
