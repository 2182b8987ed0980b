import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { writePcap } from '../support/capture-writer.js';
import { materialize } from '../fixtures/scenario.js';
import { tempFile } from '../support/run-capture.js';

const bin = fileURLToPath(new URL('../../src/cli/netspot.js', import.meta.url));
const demo = fileURLToPath(new URL('../../../data/demo-syn-flood.pcap.gz', import.meta.url));
const load = new URL('../../src/config/load.js', import.meta.url).href;
const session = new URL('../../src/pipeline/session.js', import.meta.url).href;

test('many sessions in one process share one stdout error listener and give it back', () => {
  const { packets } = materialize([{ t: 0, kind: 'tcp' }, { t: 1.5, kind: 'udp' }], 1_600_000_000, 1);
  const path = tempFile('two.pcap', writePcap(packets, { linkType: 1 }));
  // A process of its own, as the server is: its stdout is a pipe, records go there.
  const script = `
    import { loadConfig } from ${JSON.stringify(load)};
    import { Session } from ${JSON.stringify(session)};
    const before = process.stdout.listenerCount('error');
    const during = [];
    for (let i = 0; i < 14; i++) {
      const cfg = await loadConfig({ overrides: [['miner.device', ${JSON.stringify(path)}], ['exporter.console.data', true]] });
      const s = await Session.open(cfg);
      during.push(process.stdout.listenerCount('error'));
      await s.run();
    }
    await new Promise((r) => setTimeout(r, 50));
    process.stderr.write(JSON.stringify({ before, during, after: process.stdout.listenerCount('error') }) + '\\n');
  `;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.doesNotMatch(r.stderr, /MaxListenersExceededWarning/);
  const counts = JSON.parse(r.stderr.trim().split('\n').pop() as string) as { before: number; during: number[]; after: number };
  assert.deepEqual(counts.during, Array(14).fill(counts.before + 1), 'one listener while a session is open');
  assert.equal(counts.after, counts.before, 'back to the baseline once the sessions closed');
  assert.equal(r.stdout.trim().split('\n').length, 14 * 2, 'every session wrote its two records');
});

test('a reader that goes away early (| head -1) ends the run cleanly', async () => {
  const child = spawn(process.execPath, [bin, 'run', '-d', demo, '-v', '-q'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const first = await new Promise<string>((resolve) => child.stdout.once('data', (d: Buffer) => resolve(d.toString())));
  child.stdout.destroy();
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  assert.match(first, /^\{"time":\d+/);
  assert.equal(code, 0, stderr);
  assert.doesNotMatch(stderr, /EPIPE|Error/);
});
