/**
 * --follow: a writer appends to a log, rotates it (rename + new file) and truncates it while
 * the front end follows it; every record is used exactly once.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, renameSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseFeatures } from '../../src/zeek/feature-expr.js';
import { ZeekFrontEnd } from '../../src/zeek/zeek-front-end.js';

const HEADER = ['#separator \\x09', '#set_separator\t,', '#empty_field\t(empty)', '#unset_field\t-', '#path\tconn',
  '#open\t2024-01-01-00-00-00', '#fields\tts\tuid\tconn_state', '#types\ttime\tstring\tstring'].join('\n') + '\n';

test('following a log across rotation and truncation loses and repeats no line', { timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'netspot-follow-'));
  const log = join(dir, 'conn.log');
  const periods: Array<{ count: number; distinct: number }> = [];
  const fe = new ZeekFrontEnd({
    files: [log], features: parseFeatures(['conn.count', 'conn.distinct(uid)']), periodNs: 1e9, latenessNs: 3600e9,
    statsMode: false, follow: { pollMs: 5 },
    onPeriod: (_t, v) => periods.push({ count: v[0].value as number, distinct: v[1].value as number }),
    onObservation: () => {},
  });
  try {
    const running = fe.run();
    let written = 0;
    let ts = 1_700_000_000;
    const line = (): string => `${(ts += 0.01).toFixed(6)}\tC${written++}\tS0\n`;
    writeFileSync(log, HEADER);
    const catchUp = async (): Promise<void> => {
      const until = Date.now() + 10_000;
      while (fe.stats.records < written && Date.now() < until) await sleep(5);
    };
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 200; i++) {
        if (i % 17 === 0) {
          // A line written in two parts: the follower must wait for its newline.
          const l = line();
          appendFileSync(log, l.slice(0, 7));
          await sleep(8);
          appendFileSync(log, l.slice(7));
        } else appendFileSync(log, line());
        if (i % 10 === 0) await sleep(1);
      }
      // Lines the follower may not have seen yet, then Zeek's rotation: close, rename, new file.
      for (let i = 0; i < 50; i++) appendFileSync(log, line());
      appendFileSync(log, '#close\t2024-01-01-00-10-00\n');
      renameSync(log, join(dir, `conn.${round}.log`));
      await sleep(3);
      writeFileSync(log, HEADER);
    }
    // copytruncate-style: once read, the file is emptied and written again from the start.
    for (let i = 0; i < 100; i++) appendFileSync(log, line());
    await catchUp();
    truncateSync(log, 0);
    writeFileSync(log, HEADER);
    for (let i = 0; i < 100; i++) appendFileSync(log, line());
    await catchUp();
    fe.stop();
    const stats = await running;
    assert.equal(stats.badLines, 0);
    assert.equal(stats.records, written);
    const total = periods.reduce((s, p) => s + p.count, 0);
    const distinct = periods.reduce((s, p) => s + p.distinct, 0);
    assert.equal(total, written, 'no line lost');
    assert.equal(distinct, written, 'no line repeated (uids are unique)');
  } finally {
    fe.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
