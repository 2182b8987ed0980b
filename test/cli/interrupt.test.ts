/**
 * Ctrl-C on `netspot run`: the first ends the run cleanly, a second one ends the process at
 * once with exit code 130, also while a batch is being counted. (Before, a long batch held the
 * event loop: neither signal was handled until it ended, minutes later.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { tempFile } from '../support/run-capture.js';
import { writeGapCapture } from '../support/gap-capture.js';

const netspot = join(import.meta.dirname, '../../src/cli/netspot.js');

test('two SIGINTs while a long batch is counted end the process at once',  { timeout: 60_000 }, async () => {
  // 1 ms periods over 99 s gaps: the single batch holds minutes of period closing.
  const capture = tempFile('gaps.pcap', writeGapCapture({ bursts: 60, packetsPerBurst: 2, gapSeconds: 99 }));
  const out = join(dirname(capture), 'data.json');
  const child = spawn(process.execPath, [netspot, 'run', '-q', '-d', capture, '-p', '1ms', '-f', out, '--exporter.console.alarm', 'false'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  try {
    // Mid-run: records are being written.
    const deadline = Date.now() + 20_000;
    while (!(existsSync(out) && statSync(out).size > 100_000)) {
      assert.ok(Date.now() < deadline, `the run did not start: ${stderr}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    const t = performance.now();
    child.kill('SIGINT');
    await new Promise((r) => setTimeout(r, 5));
    child.kill('SIGINT');
    const result = await Promise.race([exited, new Promise((r) => setTimeout(() => r('hung'), 3000))]);
    // 130 when the second came while the first was being honoured; 0 when the first had
    // already ended the run cleanly (within a slice) by then. Never a hang, never killed.
    assert.notEqual(result, 'hung', 'the process ignored both signals for 3 s');
    const { code, signal } = result as { code: number | null; signal: string | null };
    assert.equal(signal, null, stderr);
    assert.ok(code === 130 || code === 0, `exit ${code}: ${stderr}`);
    assert.doesNotMatch(stderr, /at .*\.js:\d+/);
    assert.ok(performance.now() - t < 3000);
  } finally {
    child.kill('SIGKILL');
  }
});
