/** The README's demo output is what the demo prints: the document cannot drift from the code. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../../src/cli/netspot.js', import.meta.url));
const root = fileURLToPath(new URL('../../../', import.meta.url));
const COMMAND = 'npx netspot run -d data/demo-syn-flood.pcap.gz';

/** The first alarm, the warnings and the summary of the output block that follows the demo command in the README. */
function readmeDemoOutput(): { firstAlarm: string; warnings: string[]; summary: string } {
  const readme = readFileSync(`${root}README.md`, 'utf8');
  const at = readme.indexOf(`\n${COMMAND}\n`);
  assert.ok(at >= 0, `the README shows "${COMMAND}"`);
  const closing = readme.indexOf('```', at + COMMAND.length + 2); // the end of the command's block
  const block = /```\n([\s\S]*?)```/.exec(readme.slice(closing + 3));
  assert.ok(block !== null, 'an output block follows the demo command');
  const lines = block[1].trim().split('\n');
  return { firstAlarm: lines[0], warnings: lines.filter((l) => l.startsWith('netspot: warning: ')), summary: lines[lines.length - 1] };
}

test("the README's demo alarm and summary are exactly what every run prints", () => {
  const want = readmeDemoOutput();
  for (let run = 0; run < 3; run++) {
    const r = spawnSync(process.execPath, [bin, 'run', '-d', 'data/demo-syn-flood.pcap.gz'], { cwd: root, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.split('\n')[0], want.firstAlarm, `run ${run}: first alarm`);
    const stderr = r.stderr.split('\n');
    const warnings = stderr.filter((l) => l.startsWith('netspot: warning: '));
    assert.deepEqual(warnings, want.warnings, `run ${run}: warnings`);
    assert.equal(stderr[warnings.length], want.summary, `run ${run}: summary`);
  }
});
