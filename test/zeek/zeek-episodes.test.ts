/**
 * Episodes and the rebase policy come from the one back end: `netspot zeek` gets them as
 * `netspot run` does. A generated conn.log whose per-second record count jumps, with the
 * jumps known from the generator.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { prng } from '../support/prng.js';

const bin = fileURLToPath(new URL('../../src/cli/netspot.js', import.meta.url));
const netspot = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 60_000 });
const jsonLines = (path: string) => readFileSync(path, 'utf8').trim().split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Record<string, unknown>);

const T0 = 1_700_000_000;
const PERIODS = 600;
/** A 15-second burst, then a lasting change from BURST_END + 85 s to the end. */
const BURST = [300, 315] as const;
const CHANGE = 400;

/** Records in second i: 20..30 normally, 300 in the burst, 80..90 from CHANGE on. */
function writeConnLog(path: string): void {
  const rnd = prng(11);
  const lines = ['#separator \\x09', '#set_separator\t,', '#empty_field\t(empty)', '#unset_field\t-', '#path\tconn',
    '#open\t2024-01-01-00-00-00', '#fields\tts\tuid\tid.orig_h\tid.resp_h\tid.resp_p\tproto\tconn_state',
    '#types\ttime\tstring\taddr\taddr\tport\tenum\tstring'];
  for (let i = 0; i < PERIODS; i++) {
    const n = i >= BURST[0] && i < BURST[1] ? 300 : i >= CHANGE ? 80 + Math.floor(11 * rnd()) : 20 + Math.floor(11 * rnd());
    for (let j = 0; j < n; j++) lines.push([(T0 + i + j / (n + 1)).toFixed(6), `C${i}x${j}`, '10.0.0.1', '10.0.0.2', 80, 'tcp', 'S0'].join('\t'));
  }
  lines.push('#close\t2024-01-02-00-00-00');
  writeFileSync(path, lines.join('\n') + '\n');
}

/** End of the period of second i, as records and episodes give it (Unix ns). */
const periodEnd = (i: number): bigint => BigInt(T0 + i + 1) * 1_000_000_000n;

function runZeek(dir: string, log: string, tag: string, extra: string[]): { alarms: Record<string, unknown>[]; episodes: Record<string, unknown>[] } {
  const r = netspot('zeek', '-q', '--feature', 'conn.count', '-p', '1s', '--spot.n_init', '200',
    '--exporter.console.alarm', 'false', '--exporter.file.alarm', join(dir, `${tag}.alarms.json`),
    '--exporter.file.episode', join(dir, `${tag}-%s.episodes.json`), ...extra, log);
  assert.equal(r.status, 0, r.stderr);
  return { alarms: jsonLines(join(dir, `${tag}.alarms.json`)), episodes: jsonLines(join(dir, `${tag}-zeek.episodes.json`)) };
}

test('netspot zeek: a burst is one episode record, and a lasting change ends its alarm storm by a rebase', () => {
  const dir = mkdtempSync(join(tmpdir(), 'netspot-zeek-episodes-'));
  try {
    const log = join(dir, 'conn.log');
    writeConnLog(log);
    // Times stay exact: read them as text.
    const times = (path: string) => [...readFileSync(path, 'utf8').matchAll(/"(start|end)":(\d+)/g)].map((m) => BigInt(m[2]));

    const { alarms, episodes } = runZeek(dir, log, 'default', ['--spot.rebase_after', '30']);
    const t = times(join(dir, 'default-zeek.episodes.json'));
    const withTimes = episodes.map((e, k): Record<string, unknown> => ({ ...e, start: t[2 * k], end: t[2 * k + 1] }));

    // The burst: one episode from its first to its last second, every second of it an alarm.
    const burst = withTimes.filter((e) => (e.start as bigint) >= periodEnd(BURST[0] - 3) && (e.start as bigint) <= periodEnd(BURST[1]));
    assert.equal(burst.length, 1, JSON.stringify(episodes));
    const b = burst[0];
    assert.deepEqual([b.stat, b.status, b.start, b.end, b.periods], ['conn.count', 'UP_ALERT', periodEnd(BURST[0]), periodEnd(BURST[1] - 1), BURST[1] - BURST[0]]);
    assert.equal(b.peak_value, 300);
    assert.equal(b.context, null, 'Zeek logs give no context');
    assert.equal(b.baseline, null);
    // Alarm records carry no context either: NetSpot's fields only.
    for (const a of alarms) assert.deepEqual(Object.keys(a), ['time', 'status', 'stat', 'value', 'code', 'probability', 'threshold']);

    // The lasting change: after 30 alarms its level becomes the new normal, in the episode record.
    const change = withTimes.filter((e) => (e.start as bigint) >= periodEnd(CHANGE));
    assert.ok(change.length >= 1, JSON.stringify(episodes));
    const c = change[0];
    assert.deepEqual([c.start, c.periods], [periodEnd(CHANGE), 30]);
    const base = c.baseline as { old_level: number; new_level: number };
    assert.ok(base.old_level >= 20 && base.old_level <= 30, `old level ${base.old_level}`);
    assert.ok(base.new_level >= 80 && base.new_level <= 90, `new level ${base.new_level}`);
    const after = alarms.filter((a) => (a.time as number) / 1e9 > T0 + CHANGE + 30.5).length;

    // Without the policy (NetSpot's behaviour) the same log alarms at nearly every second of the change.
    const storm = runZeek(dir, log, 'netspot', ['--spot.rebase_after', '0']);
    const stormAfter = storm.alarms.filter((a) => (a.time as number) / 1e9 > T0 + CHANGE + 30.5).length;
    assert.ok(stormAfter >= 0.9 * (PERIODS - 1 - CHANGE - 30), `${stormAfter} alarms in the storm`);
    assert.ok(after <= stormAfter / 10, `${after} alarms after the rebase, ${stormAfter} without it`);
    assert.ok(storm.episodes.every((e) => e.baseline === null));
    // That storm is one episode, still open when the log ended: the end of the input wrote it.
    const last = storm.episodes[storm.episodes.length - 1];
    assert.ok((last.periods as number) >= 0.9 * (PERIODS - 1 - CHANGE), JSON.stringify(last));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
