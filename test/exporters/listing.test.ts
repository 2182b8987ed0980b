import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parse } from 'smol-toml';

const bin = fileURLToPath(new URL('../../src/cli/netspot.js', import.meta.url));

// The keys of the issue (NetSpot's, plus what this version adds), written out by hand.
const KEYS: Record<string, string[]> = {
  influxdb: ['data', 'alarm', 'address', 'api', 'database', 'username', 'password', 'password_file', 'org', 'bucket', 'token', 'token_file', 'batch_size', 'agent_name', 'queue_size', 'flush_timeout'],
  socket: ['data', 'alarm', 'format', 'tag', 'queue_size', 'flush_timeout'],
  syslog: ['address', 'alarm', 'data', 'facility', 'app_name', 'queue_size', 'flush_timeout'],
};

test('netspot ls names every exporter with each of its keys; netspot defaults documents them', () => {
  const ls = spawnSync(process.execPath, [bin, 'ls', 'exporters'], { encoding: 'utf8' });
  assert.equal(ls.status, 0, ls.stderr);
  for (const [name, keys] of Object.entries(KEYS)) {
    const line = ls.stdout.split('\n').find((l) => l.trim().startsWith(`${name} `));
    assert.ok(line !== undefined, `${name} missing from netspot ls`);
    for (const k of keys) assert.match(line, new RegExp(`[ .(]${k}[,)]`), `${name}.${k} in: ${line}`);
  }
  const defaults = spawnSync(process.execPath, [bin, 'defaults'], { encoding: 'utf8' });
  const toml = parse(defaults.stdout) as { exporter: Record<string, Record<string, unknown>> };
  for (const [name, keys] of Object.entries(KEYS)) assert.deepEqual(Object.keys(toml.exporter[name]).sort(), [...keys].sort());
  assert.equal(toml.exporter.influxdb.batch_size, 10);
  assert.equal(toml.exporter.socket.tag, 'netspot');
  assert.equal(toml.exporter.influxdb.agent_name, 'local');
  for (const name of Object.keys(KEYS)) {
    assert.equal(toml.exporter[name].queue_size, 10000);
    assert.equal(toml.exporter[name].flush_timeout, '5s');
  }
  // Each key has its comment line above it.
  for (const [name, keys] of Object.entries(KEYS)) {
    const section = defaults.stdout.split(`[exporter.${name}]`)[1].split('\n[')[0];
    for (const k of keys) assert.match(section, new RegExp(`# .+\\n${k} = `), `${name}.${k} documented`);
  }
});
