/**
 * Endpoints and access: Unix socket (mode 0600, stale socket replaced, live one and regular
 * files left alone, removed at close), tokens, the Host check on loopback, and shutdown.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultConfig } from '../../src/config/load.js';
import { parseEndpoint, readTokenFile, startServer } from '../../src/server/index.js';
import { UsageError } from '../../src/util/errors.js';
import { TestClient } from './support/http.js';
import { LONG_HEAD, LONG_REPEATS, writeLongCapture } from './support/flood-capture.js';

const TOKEN = 'k3y-0123456789-abcdef';

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'netspot-access-'));
}

function quietConfig() {
  const cfg = defaultConfig();
  cfg.exporter.console.alarm = false;
  return cfg;
}

test('unix socket: mode 0600, the API answers, the socket is removed at close', async () => {
  const path = join(tempDir(), 'api.sock');
  const server = await startServer({ endpoint: parseEndpoint(`unix://${path}`), config: quietConfig() });
  try {
    const st = statSync(path);
    assert.ok(st.isSocket());
    assert.equal(st.mode & 0o777, 0o600);
    const api = new TestClient(server.endpoint);
    const r = await api.get('/api/status');
    assert.equal(r.status, 200);
    assert.equal(r.json.state, 'idle');
    const bad = await api.post('/api/run', { action: 'jump' });
    assert.equal(bad.status, 400);
    assert.equal(bad.json.details[0].field, 'action');
    assert.equal((await api.get('/')).status, 200);
    await api.close();
  } finally {
    await server.close();
  }
  assert.equal(existsSync(path), false);
});

test('unix socket: a stale socket is replaced, a live one and a regular file are not', async () => {
  const dir = tempDir();
  const stale = join(dir, 'stale.sock');
  // A process that binds the socket and dies without cleaning up leaves a stale socket.
  const r = spawnSync(process.execPath, ['-e', `require('net').createServer().listen(${JSON.stringify(stale)}, () => process.exit(0))`]);
  assert.equal(r.status, 0);
  assert.ok(statSync(stale).isSocket());
  const first = await startServer({ endpoint: parseEndpoint(`unix://${stale}`), config: quietConfig() });
  try {
    await assert.rejects(
      startServer({ endpoint: parseEndpoint(`unix://${stale}`), config: quietConfig() }),
      (e: Error) => e instanceof UsageError && /another server is listening/.test(e.message),
    );
    const api = new TestClient(first.endpoint);
    assert.equal((await api.get('/api/status')).status, 200, 'the first server still answers');
    await api.close();
  } finally {
    await first.close();
  }
  const file = join(dir, 'not-a-socket');
  writeFileSync(file, 'keep me');
  await assert.rejects(
    startServer({ endpoint: parseEndpoint(`unix://${file}`), config: quietConfig() }),
    (e: Error) => e instanceof UsageError && /not a socket/.test(e.message),
  );
  assert.equal(readFileSync(file, 'utf8'), 'keep me');
});

test('a non-loopback TCP address needs a token', async () => {
  await assert.rejects(
    startServer({ endpoint: parseEndpoint('tcp://0.0.0.0:0'), config: quietConfig() }),
    (e: Error) => e instanceof UsageError && /without a token/.test(e.message) && /--api\.token-file/.test(e.message),
  );
});

test('with a token: every API route needs it, the dashboard files do not', async () => {
  const tokenFile = join(tempDir(), 'token');
  writeFileSync(tokenFile, `${TOKEN}\n`);
  const token = await readTokenFile(tokenFile);
  assert.equal(token, TOKEN);
  // Bound on every address, reached on loopback only.
  const server = await startServer({ endpoint: parseEndpoint('tcp://0.0.0.0:0'), config: quietConfig(), token });
  const ep = { kind: 'tcp' as const, host: '127.0.0.1', port: (server.endpoint as { port: number }).port };
  const anon = new TestClient(ep);
  const authed = new TestClient(ep, TOKEN);
  try {
    for (const path of ['/api/status', '/api/config', '/api/series', '/api/alarms', '/metrics', '/api/openapi.json', '/api/stats', '/api/nope']) {
      const r = await anon.get(path);
      assert.equal(r.status, 401, `${path} without token`);
      assert.equal(r.json.code, 401);
      assert.match(String(r.headers['www-authenticate']), /^Bearer/);
      const wrong = await anon.get(path, { authorization: `Bearer ${TOKEN.slice(0, -1)}x` });
      assert.equal(wrong.status, 401, `${path} with a wrong token`);
    }
    assert.equal((await anon.post('/api/run', { action: 'start' })).status, 401);
    assert.equal((await anon.send('GET', '/api/events')).status, 401);
    for (const path of ['/', '/app.js', '/style.css', '/vendor/uPlot.iife.min.js', '/docs']) {
      assert.equal((await anon.get(path)).status, 200, `${path} is public`);
    }
    assert.equal((await authed.get('/api/status')).status, 200);
    assert.equal((await authed.get('/metrics')).status, 200);
    const doc = await authed.get('/api/openapi.json');
    assert.deepEqual(doc.json.security, [{ bearer: [] }]);
  } finally {
    await anon.close();
    await authed.close();
    await server.close();
  }
});

test('token files must hold a real token', async () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'short'), 'abc\n');
  await assert.rejects(readTokenFile(join(dir, 'short')), /at least 16 characters/);
  await assert.rejects(readTokenFile(join(dir, 'missing')), /cannot read token file/);
});

test('loopback without token: requests for other host names are refused (DNS rebinding)', async () => {
  const server = await startServer({ endpoint: parseEndpoint('tcp://127.0.0.1:0'), config: quietConfig() });
  const api = new TestClient(server.endpoint);
  try {
    assert.equal((await api.get('/api/status')).status, 200);
    assert.equal((await api.get('/api/status', { host: `localhost:${(server.endpoint as { port: number }).port}` })).status, 200);
    const r = await api.get('/api/status', { host: 'attacker.example' });
    assert.equal(r.status, 403);
    assert.match(r.json.error, /attacker\.example/);
  } finally {
    await api.close();
    await server.close();
  }
});

test('closing the server stops the run, flushes outputs and ends event streams', async () => {
  const capture = writeLongCapture(LONG_HEAD, LONG_REPEATS);
  const out = join(tempDir(), 'data.json');
  const cfg = quietConfig();
  cfg.miner.device = capture.path;
  cfg.analyzer.stats = ['R_SYN'];
  cfg.exporter.file.data = out;
  const server = await startServer({ endpoint: parseEndpoint('tcp://127.0.0.1:0'), config: cfg });
  const api = new TestClient(server.endpoint);
  const tap = await api.openEvents();
  const started = await api.post('/api/run', { action: 'start' });
  assert.equal(started.json.running, true);
  await server.close();
  const status = server.controller.status();
  assert.equal(status.end, 'stopped');
  assert.ok(status.packets < capture.packets);
  assert.equal(readFileSync(out, 'utf8').trim().split('\n').length, status.periods);
  await tap.until(() => tap.ended, 5000);
  await api.close();
});
