/**
 * Reads one Zeek log file (plain or gzip-compressed, told by its first bytes) record by
 * record, so that several files can be merged by time.
 */
import type { FileHandle } from 'node:fs/promises';
import { openInputFile } from '../util/safe-open.js';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import { InputError } from '../util/errors.js';
import { ZeekLineError, ZeekLineParser, pathFromFileName } from './line-parser.js';
import type { BadLineReporter, ZeekInputStats } from './input-stats.js';
import type { ZeekRecord } from './zeek-record.js';

/** Whether a file starts with gzip's magic bytes; false for a file that does not exist (yet). */
export async function isGzipFile(file: string): Promise<boolean> {
  try {
    return await isGzip(file);
  } catch {
    return false;
  }
}

async function isGzip(file: string): Promise<boolean> {
  const fh = await openInputFile(file, 'zeek.logs');
  try {
    return await startsWithGzipMagic(fh);
  } finally {
    await fh.close();
  }
}

async function startsWithGzipMagic(fh: FileHandle): Promise<boolean> {
  const b = Buffer.alloc(2);
  const { bytesRead } = await fh.read(b, 0, 2, 0);
  return bytesRead === 2 && b[0] === 0x1f && b[1] === 0x8b;
}

export class LogFileCursor {
  /** The next record, or null at the end of the file. */
  head: ZeekRecord | null = null;
  private lineNo = 0;
  private lines!: AsyncIterator<string>;
  private readonly parser: ZeekLineParser;

  private constructor(
    readonly file: string,
    private readonly stats: ZeekInputStats,
    private readonly bad: BadLineReporter,
  ) {
    this.parser = new ZeekLineParser(pathFromFileName(file));
  }

  /**
   * Opens the file and reads up to its first record. Throws an InputError when it cannot be
   * read, a UsageError when it is no regular file (a FIFO would block).
   */
  static async open(file: string, stats: ZeekInputStats, bad: BadLineReporter): Promise<LogFileCursor> {
    const c = new LogFileCursor(file, stats, bad);
    const fh = await openInputFile(file, 'zeek.logs');
    const gzip = await startsWithGzipMagic(fh).catch(async (err: unknown) => {
      await fh.close();
      throw new InputError(`cannot read zeek.logs ${file}: ${(err as Error).message}`);
    });
    let input: Readable = fh.createReadStream({ start: 0 });
    if (gzip) {
      const gunzip = createGunzip();
      input.on('error', (e) => gunzip.destroy(e));
      input = input.pipe(gunzip);
    }
    c.lines = createInterface({ input, crlfDelay: Infinity })[Symbol.asyncIterator]();
    await c.advance();
    return c;
  }

  /** The log path: from the first record, else the header, else the file name. */
  get path(): string {
    return this.head?.path ?? this.parser.path;
  }

  /** Moves `head` to the next record. */
  async advance(): Promise<void> {
    for (;;) {
      let r: IteratorResult<string>;
      try {
        r = await this.lines.next();
      } catch (err) {
        throw new InputError(`cannot read zeek.logs ${this.file} after line ${this.lineNo}: ${(err as Error).message}`);
      }
      if (r.done === true) {
        this.head = null;
        return;
      }
      this.lineNo++;
      this.stats.lines++;
      try {
        const rec = this.parser.parse(r.value);
        if (rec !== null) {
          this.stats.records++;
          this.head = rec;
          return;
        }
      } catch (err) {
        if (!(err instanceof ZeekLineError)) throw err;
        this.stats.badLines++;
        this.bad(this.file, this.lineNo, err.message);
      }
    }
  }
}
