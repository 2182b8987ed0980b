import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig, configKeys, defaultConfig, mergeConfig, setKey, validateConfig } from '../../src/config/load.js';
import { parseDuration } from '../../src/config/duration.js';
import { defaultsToml } from '../../src/config/defaults-toml.js';
import { parse } from 'smol-toml';
import { tempFile } from '../support/run-capture.js';
import { UsageError } from '../../src/util/errors.js';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

test('defaults are NetSpot\'s', async () => {
  const cfg = await loadConfig();
  assert.deepEqual(
    { depth: cfg.spot.depth, q: cfg.spot.q, n_init: cfg.spot.n_init, level: cfg.spot.level, up: cfg.spot.up, down: cfg.spot.down, alert: cfg.spot.alert, bounded: cfg.spot.bounded, max_excess: cfg.spot.max_excess },
    { depth: 50, q: 1e-4, n_init: 1000, level: 0.98, up: true, down: false, alert: true, bounded: true, max_excess: 200 },
  );
  assert.equal(cfg.analyzer.period, '1s');
});

test('precedence: defaults < file < flags, per-statistic sections override [spot]', async () => {
  const file = tempFile('c.toml', '[analyzer]\nperiod = "2s"\nstats = ["R_SYN"]\n[spot]\nq = 1e-5\ndepth = 10\n[spot.R_SYN]\nq = 1e-6\n');
  const cfg = await loadConfig({ file, overrides: [['spot.depth', '20'], ['spot.R_SYN.down', 'true']] });
  assert.equal(cfg.analyzer.period, '2s');
  assert.equal(cfg.spot.q, 1e-5);
  assert.equal(cfg.spot.depth, 20);
  assert.deepEqual(cfg.spot.R_SYN, { q: 1e-6, down: true });
});

test('a bad value names the key, the value and what was expected', async () => {
  await assert.rejects(loadConfig({ overrides: [['spot.q', 'often']] }), /spot\.q: "often" \(expected a number in \(0, 1\)\)/);
  await assert.rejects(loadConfig({ overrides: [['analyzer.period', '10 parsecs']] }), /analyzer\.period: "10 parsecs" \(expected a duration/);
  await assert.rejects(loadConfig({ overrides: [['analyzer.stats', 'R_SYN,R_NOPE']] }), /analyzer\.stats: "R_NOPE"/);
  await assert.rejects(loadConfig({ overrides: [['spot.R_SYN.level', '0.99995']] }), /spot\.q/);
});

test('an unknown key is refused, from a file or a flag', async () => {
  await assert.rejects(loadConfig({ overrides: [['miner.speed', '3']] }), /unknown config key "miner\.speed"/);
  const file = tempFile('u.toml', '[analyzer]\nperiode = "1s"\n');
  await assert.rejects(loadConfig({ file }), /unknown config key "analyzer\.periode"/);
  const bad = tempFile('b.toml', '[analyzer\nperiod = 1');
  await assert.rejects(loadConfig({ file: bad }), /is not valid TOML/);
});

test('durations follow Go\'s syntax', () => {
  assert.equal(parseDuration('500ms'), 5e8);
  assert.equal(parseDuration('1s'), 1e9);
  assert.equal(parseDuration('2m'), 120e9);
  assert.equal(parseDuration('1m30s'), 90e9);
  assert.equal(parseDuration('1.5h'), 5400e9);
  assert.ok(Number.isNaN(parseDuration('1 s')));
  assert.ok(Number.isNaN(parseDuration('s')));
});

test('netspot defaults is valid TOML that loads back to the defaults', async () => {
  const text = defaultsToml();
  const file = tempFile('d.toml', text);
  assert.deepEqual(await loadConfig({ file }), await loadConfig());
  const parsed = parse(text) as Record<string, unknown>;
  assert.deepEqual(Object.keys(parsed).sort(), ['aggregate', 'analyzer', 'exporter', 'miner', 'spot', 'zeek']);
  for (const { key } of configKeys().filter((k) => !/^spot\.[A-Z_]+\./.test(k.key))) {
    assert.ok(text.includes(`${key.split('.').pop()} = `), `defaults mention ${key}`);
  }
});

test('[spot."FEATURE"] tables set Zeek features and stats.log fields; an unknown upper-case name is a typo', async () => {
  const ok = tempFile('z.toml', '[spot."dns.ratio(rcode_name=NXDOMAIN)"]\nq = 1e-5\n[spot.pkts_proc]\nn_init = 100\n');
  const cfg = await loadConfig({ file: ok });
  assert.deepEqual(cfg.spot['dns.ratio(rcode_name=NXDOMAIN)'], { q: 1e-5 });
  assert.deepEqual(cfg.spot.pkts_proc, { n_init: 100 });
  await assert.rejects(loadConfig({ file: tempFile('t.toml', '[spot.R_SYNN]\nq = 1e-5\n') }), /unknown config key "spot\.R_SYNN" \(no such statistic\)/);
  await assert.rejects(loadConfig({ file: tempFile('q.toml', '[spot."dns.count"]\nq = 5\n') }), /bad value for spot\."dns\.count"\.q: 5 \(expected a number in \(0, 1\)\)/);
});

test('__proto__, constructor and prototype keys are unknown keys and never touch Object.prototype', async () => {
  const polluted = () => (({}) as Record<string, unknown>).polluted;
  const files: Array<[string, string]> = [
    ['[__proto__]\npolluted = 1\n', '__proto__'],
    ['[spot.__proto__]\npolluted = 1\n', 'spot.__proto__'],
    ['[spot.R_SYN.constructor]\npolluted = 1\n', 'spot.R_SYN.constructor'],
    ['[analyzer]\nprototype = 1\n', 'analyzer.prototype'],
    ['[exporter.console.constructor.prototype]\npolluted = 1\n', 'exporter.console.constructor'],
  ];
  for (const [text, key] of files) {
    const file = tempFile('proto.toml', text);
    await assert.rejects(loadConfig({ file }), { message: `unknown config key "${key}"` }, text);
    assert.equal(polluted(), undefined, text);
  }
  // An API patch (JSON) goes through mergeConfig; netspotctl's flags through setKey.
  const patched = defaultConfig() as unknown as Record<string, unknown>;
  mergeConfig(patched, JSON.parse('{"__proto__": {"polluted": 1}, "spot": {"__proto__": {"polluted": 1}}}'));
  assert.equal(polluted(), undefined);
  assert.throws(() => validateConfig(patched), { message: 'unknown config key "__proto__"\nunknown config key "spot.__proto__"' });
  const set = defaultConfig() as unknown as Record<string, unknown>;
  setKey(set, '__proto__.polluted', 1);
  setKey(set, 'spot.constructor.prototype.polluted', 1);
  assert.equal(polluted(), undefined);
  assert.equal((Object as unknown as Record<string, unknown>).polluted, undefined);
  assert.throws(() => validateConfig(set), /unknown config key "__proto__"/);
  await assert.rejects(loadConfig({ overrides: [['spot.__proto__.polluted', '1']] }), /unknown config key "spot\.__proto__\.polluted"/);
});

test('analyzer.period is bounded to 1ms..24h and miner.timeout to 24h, checked on the parsed value', async () => {
  for (const ok of ['1ms', '1s', '24h', '23h59m', '1000us']) {
    assert.equal((await loadConfig({ overrides: [['analyzer.period', ok]] })).analyzer.period, ok);
  }
  const nines = '9'.repeat(400) + 'h';
  for (const bad of ['50us', '999us', '0', '0s', '600h', '24h1ns', nines]) {
    await assert.rejects(loadConfig({ overrides: [['analyzer.period', bad]] }), (err: Error) => {
      assert.ok(err instanceof UsageError, String(err));
      assert.match(err.message, /^bad value for analyzer\.period: .* \(expected a duration from 1ms to 24h\)$/);
      // A long value is cut, not echoed whole.
      assert.ok(err.message.length < 200, err.message);
      return true;
    });
  }
  assert.equal((await loadConfig({ overrides: [['miner.timeout', '0s']] })).miner.timeout, '0s');
  assert.equal((await loadConfig({ overrides: [['miner.timeout', '24h']] })).miner.timeout, '24h');
  for (const bad of ['25h', nines]) {
    await assert.rejects(loadConfig({ overrides: [['miner.timeout', bad]] }), /bad value for miner\.timeout: .* \(expected a duration up to 24h \(0s = never\)\)/);
  }
  // Every duration key is bounded the same way, network exporters' flush deadline included.
  for (const ex of ['influxdb', 'socket', 'syslog']) {
    await assert.rejects(loadConfig({ overrides: [[`exporter.${ex}.flush_timeout`, nines]] }), new RegExp(`bad value for exporter\\.${ex}\\.flush_timeout: .* \\(expected a duration up to 10m\\)`));
  }
});

test('miner.filter is bounded to 512 characters', async () => {
  const clause = (i: number): string => `port ${1000 + i}`;
  const fits = Array.from({ length: 38 }, (_, i) => clause(i)).join(' or ');
  assert.ok(fits.length <= 512);
  assert.equal((await loadConfig({ overrides: [['miner.filter', fits]] })).miner.filter, fits);
  const long = Array.from({ length: 3000 }, (_, i) => clause(i)).join(' or ');
  await assert.rejects(loadConfig({ overrides: [['miner.filter', long]] }), (err: Error) => {
    assert.match(err.message, /^bad value for miner\.filter: "port 1000 or .*\(\d+ characters\) \(expected a BPF expression of at most 512 characters\)$/);
    assert.ok(err.message.length < 250);
    return true;
  });
});

test('a FIFO given as the config file is refused at once; a missing one is named', { timeout: 10_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'netspot-cfg-'));
  try {
    const fifo = join(dir, 'netspot.toml');
    execFileSync('mkfifo', [fifo]);
    const t = performance.now();
    await assert.rejects(loadConfig({ file: fifo }), (err: Error) => {
      assert.ok(err instanceof UsageError, String(err));
      assert.match(err.message, /^config file .*netspot\.toml is a FIFO: only a regular file is accepted/);
      return true;
    });
    assert.ok(performance.now() - t < 2000);
    await assert.rejects(loadConfig({ file: join(dir, 'missing.toml') }), /^UsageError: cannot open config file .*missing\.toml: no such file or directory \(ENOENT\)/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('"all" in analyzer.stats stands for every statistic except PERF, from a file, a flag or a patch', async () => {
  // Written out here, not taken from the registry: the list a user gets.
  const every = [
    'AVG_PKT_SIZE', 'R_ACK', 'R_ARP', 'R_DST_SRC', 'R_DST_SRC_PORT', 'R_ICMP', 'R_IP', 'R_SYN', 'TRAFFIC',
    'TCP_PORT_FANOUT', 'UDP_PORT_FANOUT', 'ADDR_FANOUT', 'R_HALF_OPEN', 'R_REJECT', 'CONN_RATE',
  ];
  assert.deepEqual((await loadConfig({ overrides: [['analyzer.stats', 'all']] })).analyzer.stats, every);
  const file = tempFile('all.toml', '[analyzer]\nstats = ["R_SYN", "all", "PERF"]\n');
  // In the order given, each once.
  assert.deepEqual((await loadConfig({ file })).analyzer.stats, ['R_SYN', ...every.filter((n) => n !== 'R_SYN'), 'PERF']);
  const patched = defaultConfig() as unknown as Record<string, unknown>;
  mergeConfig(patched, { analyzer: { stats: ['all'] } });
  assert.deepEqual(validateConfig(patched).analyzer.stats, every);
  await assert.rejects(loadConfig({ overrides: [['analyzer.stats', 'all,R_NOPE']] }), /analyzer\.stats: "R_NOPE"/);
});
