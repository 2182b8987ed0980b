import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { writeCrowdCapture as crowd } from '../fixtures/crowd-capture.js';
import { FANOUT_BOUNDS } from '../../src/counters/source-fanout.js';

const bin = fileURLToPath(new URL('../../src/cli/netspot.js', import.meta.url));

function run(path: string): string {
  const r = spawnSync(process.execPath, [bin, 'run', '-d', path, '-s', 'all', '-p', '1s', '--exporter.console.alarm', 'false'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stderr;
}

test('a period with more sources than the fan-out bound is reported in the run summary, one at the bound is not', () => {
  const bound = FANOUT_BOUNDS.sources;
  const over = run(crowd(bound + 1000));
  // The SYNs are TCP and address contacts: both statistics lost sources; UDP_PORT_FANOUT saw no UDP.
  assert.match(over, /netspot: 1 periods approximate \(TCP_PORT_FANOUT 1, ADDR_FANOUT 1\): a fan-out table was full \(more than 65536 sources or 65536 contacts a period\), values are lower bounds/);
  const at = run(crowd(bound));
  assert.match(at, /packets, 2 periods of 1s/);
  assert.doesNotMatch(at, /approximate/);
});
