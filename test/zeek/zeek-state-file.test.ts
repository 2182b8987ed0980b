/**
 * analyzer.state_file with the Zeek front end: `netspot zeek` saves the back end's detectors
 * at the end, and a later run on a new stats.log goes on judging from them (it alarms on the
 * planted spike at once) instead of recalibrating for n_init observations.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeStatsLog } from './zeek-support.js';

const bin = fileURLToPath(new URL('../../src/cli/netspot.js', import.meta.url));
const netspot = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 60_000 });

test('netspot zeek: detectors saved by one run judge the next run\'s stats.log at once', () => {
  const dir = mkdtempSync(join(tmpdir(), 'netspot-zeek-state-'));
  try {
    const toml = join(dir, 'netspot.toml');
    writeFileSync(toml, '[spot]\ndepth = 0\nn_init = 200\nlevel = 0.9\nq = 1e-3\n');
    const state = join(dir, 'zeek.state.json');
    const run = (log: string, alarms: string, stateFile: string) =>
      netspot('zeek', '-q', '-c', toml, '--analyzer.state_file', stateFile, '--exporter.console.alarm', 'false', '--exporter.file.alarm', alarms, log);

    // 300 quiet observations: calibrated on 200, no spike.
    const first = join(dir, 'first.stats.log');
    writeStatsLog(first, 300, -1, -1);
    let r = run(first, join(dir, 'first.alarms.json'), state);
    assert.equal(r.status, 0, r.stderr);
    const saved = JSON.parse(readFileSync(state, 'utf8')) as { periods: number; detectors: Record<string, { phase: string }> };
    assert.equal(saved.periods, 300, 'one judged period per stats.log observation');
    assert.equal(saved.detectors.pkts_proc.phase, 'stream');

    // 50 observations, pkts_proc spiking at the 21st: fewer than n_init, so only restored detectors can judge it.
    const second = join(dir, 'second.stats.log');
    const ts = writeStatsLog(second, 50, 20, -1);
    const restoredAlarms = join(dir, 'restored.alarms.json');
    r = run(second, restoredAlarms, state);
    assert.equal(r.status, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /not restored/);
    const alarms = readFileSync(restoredAlarms, 'utf8').trim().split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as { stat: string; status: string; time: number });
    const spike = alarms.filter((a) => a.stat === 'pkts_proc' && a.status === 'UP_ALERT');
    assert.equal(spike.length, 1, JSON.stringify(alarms));
    assert.equal(spike[0].time, Math.round(ts[20] * 1e9));

    // Without the state, the same log raises nothing: every detector is still calibrating.
    const freshAlarms = join(dir, 'fresh.alarms.json');
    r = run(second, freshAlarms, '');
    assert.equal(r.status, 0, r.stderr);
    assert.equal(existsSync(freshAlarms) ? readFileSync(freshAlarms, 'utf8').trim() : '', '');

    // Another zeek.period: refused with a warning naming the key, calibrating afresh.
    r = netspot('zeek', '-q', '-c', toml, '--zeek.period', '10s', '--analyzer.state_file', state, '--exporter.console.alarm', 'false', second);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /analyzer\.state_file .* not restored: saved with zeek\.period = "\d+\w+", now "10s"; calibrating afresh/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
