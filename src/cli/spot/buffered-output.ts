/**
 * Buffered writes to a stream, honouring back-pressure; a closed pipe (EPIPE, e.g. `| head`)
 * ends the output quietly instead of failing.
 */
import type { Writable } from 'node:stream';

export class BufferedOutput {
  private buffer = '';
  /** The reader went away: further output is dropped. */
  closed = false;

  constructor(
    private readonly stream: Writable,
    private readonly limit = 1 << 16,
  ) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') this.closed = true;
      else throw err;
    });
  }

  /** Appends text; resolves at once unless a flush must wait for the stream to drain. */
  write(text: string): Promise<void> | undefined {
    this.buffer += text;
    return this.buffer.length >= this.limit ? this.flush() : undefined;
  }

  async flush(): Promise<void> {
    if (this.buffer === '' || this.closed) {
      this.buffer = '';
      return;
    }
    const chunk = this.buffer;
    this.buffer = '';
    if (!this.stream.write(chunk)) {
      await new Promise<void>((resolve) => {
        const done = (): void => {
          this.stream.off('drain', done);
          this.stream.off('close', done);
          this.stream.off('error', done);
          resolve();
        };
        this.stream.on('drain', done);
        this.stream.on('close', done);
        this.stream.on('error', done);
      });
    }
  }
}
