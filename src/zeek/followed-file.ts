/**
 * Follows one growing log like `tail -F`: reads from the start, then polls for new bytes.
 * Rotation (the name now points to another file): the old file is read to its end through the
 * descriptor still open, then the new file from its start. Truncation (the file got shorter):
 * reading restarts at 0. A missing file is waited for. Only whole lines are handed over; a
 * partial last line waits for its newline (or for the rotation, which completes it).
 * A file truncated and written again past its old size between two polls is told by its
 * content: the last bytes read are no longer where they were.
 */
import { open, stat, type FileHandle } from 'node:fs/promises';

const CHUNK = 1 << 20;
/** Bytes before the read position kept to recognise a rewritten file. */
const TAIL = 256;

export class FollowedFile {
  private fh: FileHandle | null = null;
  private ino = -1;
  private pos = 0;
  private partial: Buffer = Buffer.alloc(0);
  private tail: Buffer = Buffer.alloc(0);
  private readonly buf = Buffer.alloc(CHUNK);
  lineNo = 0;
  /** Rotations and truncations seen (reported in warnings and tests). */
  rotations = 0;
  truncations = 0;

  constructor(readonly file: string, private readonly onLine: (line: string, lineNo: number) => void) {}

  /** Reads whatever is new; call it periodically. */
  async poll(): Promise<void> {
    let st;
    try {
      st = await stat(this.file);
    } catch {
      // Gone (between rotation and re-creation): finish the file we hold, wait for the new one.
      if (this.fh !== null) await this.drain();
      return;
    }
    if (this.fh !== null && st.ino !== this.ino) {
      await this.drain();
      await this.closeCurrent(true);
      this.rotations++;
    }
    if (this.fh === null) {
      try {
        this.fh = await open(this.file, 'r');
      } catch {
        return;
      }
      this.ino = (await this.fh.stat()).ino;
      this.pos = 0;
      this.partial = Buffer.alloc(0);
      this.tail = Buffer.alloc(0);
    }
    const now = await this.fh.stat();
    if (now.size < this.pos || !(await this.tailStillThere())) {
      this.truncations++;
      this.pos = 0;
      this.partial = Buffer.alloc(0);
      this.tail = Buffer.alloc(0);
    }
    await this.drain();
  }

  private async tailStillThere(): Promise<boolean> {
    const n = this.tail.length;
    if (n === 0) return true;
    const b = Buffer.alloc(n);
    const { bytesRead } = await (this.fh as FileHandle).read(b, 0, n, this.pos - n);
    return bytesRead === n && b.equals(this.tail);
  }

  /** Reads the current descriptor to its end. */
  private async drain(): Promise<void> {
    const fh = this.fh as FileHandle;
    for (;;) {
      const { bytesRead } = await fh.read(this.buf, 0, CHUNK, this.pos);
      if (bytesRead === 0) return;
      this.pos += bytesRead;
      const got = this.buf.subarray(0, bytesRead);
      this.tail = Buffer.from(bytesRead >= TAIL ? got.subarray(bytesRead - TAIL) : Buffer.concat([this.tail, got]).subarray(-TAIL));
      this.split(got);
    }
  }

  private split(chunk: Buffer): void {
    let data = this.partial.length > 0 ? Buffer.concat([this.partial, chunk]) : chunk;
    let start = 0;
    for (;;) {
      const nl = data.indexOf(0x0a, start);
      if (nl < 0) break;
      this.lineNo++;
      this.onLine(data.toString('utf8', start, nl), this.lineNo);
      start = nl + 1;
    }
    data = data.subarray(start);
    this.partial = Buffer.from(data);
  }

  /** `complete`: the file will not grow any more, so a last line without newline is whole. */
  private async closeCurrent(complete: boolean): Promise<void> {
    if (complete && this.partial.length > 0) {
      this.lineNo++;
      this.onLine(this.partial.toString('utf8'), this.lineNo);
    }
    this.partial = Buffer.alloc(0);
    this.tail = Buffer.alloc(0);
    await this.fh?.close();
    this.fh = null;
    this.lineNo = 0;
  }

  async close(): Promise<void> {
    await this.closeCurrent(false);
  }
}
