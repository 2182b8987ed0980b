import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { openLiveSource, resolveLiveOptions } from '../../src/source/live-source.js';
import { checkBpfFilter } from '../../src/source/bpf-filter.js';
import { UsageError } from '../../src/util/errors.js';
import { bindingSkipReason, hasCommand } from './live-fixture.js';

const noBinding = bindingSkipReason();

test('live options get NetSpot-like defaults', () => {
  const o = resolveLiveOptions({ device: 'eth0' });
  assert.equal(o.promiscuous, true);
  assert.equal(o.snapshotLen, 65535);
  assert.equal(o.bufferSize, 32 * 1024 * 1024);
  assert.equal(o.filter, '');
});

test('a bad live option is a usage error naming it', async () => {
  assert.throws(() => resolveLiveOptions({ device: '' }), UsageError);
  assert.throws(() => resolveLiveOptions({ device: 'lo', snapshotLen: 0 }), /snapshot_len.*got 0/);
  assert.throws(() => resolveLiveOptions({ device: 'lo', bufferSize: -1 }), /buffer_size/);
  assert.throws(() => resolveLiveOptions({ device: 'lo', batchCount: 1 }), /batch count/);
  await assert.rejects(openLiveSource({ device: 'lo', snapshotLen: 1.5 }), UsageError);
});

test('checkBpfFilter accepts good expressions and quotes libpcap on bad ones', { skip: noBinding }, async () => {
  await checkBpfFilter('tcp port 80 or (udp and not port 53)');
  await checkBpfFilter('ip', 113);
  for (const bad of ['tcp prot 80', 'host 300.1.1.1', 'port 70000']) {
    const err = await checkBpfFilter(bad).then(
      () => assert.fail(`${bad} was accepted`),
      (e: unknown) => e as Error,
    );
    assert.ok(err instanceof UsageError);
    assert.ok(err.message.includes(JSON.stringify(bad)), err.message);
    if (hasCommand('tcpdump')) {
      // Same libpcap behind tcpdump: its complaint is the reference.
      const td = spawnSync('tcpdump', ['-d', '-y', 'EN10MB', bad], { encoding: 'utf8' });
      const line = td.stderr.split('\n').find((l) => l.startsWith('tcpdump: '));
      assert.ok(line, td.stderr);
      assert.ok(err.message.includes(line.slice('tcpdump: '.length)), `${err.message} vs ${line}`);
    }
  }
});

test('a slow BPF compilation runs off the event loop', { skip: noBinding, timeout: 120_000 }, async () => {
  // Far beyond miner.filter's bound (the config enforces it): growing filters until libpcap
  // needs at least 300 ms, so that a held loop could not hide (a fast machine needs more).
  for (const clauses of [150, 220, 300, 400]) {
    const filter = Array.from({ length: clauses }, (_, i) => `host 10.0.${i >> 8}.${i & 255}`).join(' or ');
    let ticks = 0;
    let worstGap = 0;
    let last = performance.now();
    const timer = setInterval(() => {
      const now = performance.now();
      worstGap = Math.max(worstGap, now - last);
      last = now;
      ticks++;
    }, 10);
    const t = performance.now();
    try {
      await checkBpfFilter(filter);
    } finally {
      clearInterval(timer);
    }
    const took = performance.now() - t;
    if (took <= 300 && clauses < 400) continue;
    assert.ok(took > 300, `compilation of ${clauses} clauses took only ${took.toFixed(0)} ms: the filter is too easy to tell`);
    // Held on the loop, the compilation would be one gap as long as itself, with no tick inside.
    assert.ok(ticks >= took / 50, `${ticks} timer ticks in ${took.toFixed(0)} ms`);
    assert.ok(worstGap < took / 2, `the event loop was held ${worstGap.toFixed(0)} ms of ${took.toFixed(0)} ms`);
    return;
  }
});
