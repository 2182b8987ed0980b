/**
 * `--api.output-dir`: output paths set through the API stay inside the directory (relative
 * ones are taken inside it, escapes refused naming the key), symlinks leading out are refused
 * at start, and a run writes where the confined path says.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultConfig } from '../../src/config/load.js';
import { parseEndpoint, startServer, type RunningServer } from '../../src/server/index.js';
import { UsageError } from '../../src/util/errors.js';
import { TestClient } from './support/http.js';
import { SMALL_FLOOD, writeFloodCapture } from './support/flood-capture.js';

let root: string;
let out: string;
let outside: string;
let capture: string;
let server: RunningServer;
let api: TestClient;

before(async () => {
  root = mkdtempSync(join(tmpdir(), 'netspot-outdir-'));
  out = join(root, 'out');
  outside = join(root, 'elsewhere');
  mkdirSync(out);
  mkdirSync(outside);
  capture = writeFloodCapture(SMALL_FLOOD); // series "flood"
  const cfg = defaultConfig();
  cfg.exporter.console.alarm = false;
  cfg.miner.device = capture;
  cfg.analyzer.stats = ['R_SYN'];
  server = await startServer({ endpoint: parseEndpoint('tcp://127.0.0.1:0'), config: cfg, outputDir: out });
  api = new TestClient(server.endpoint);
});

after(async () => {
  await api.close();
  await server.close();
  rmSync(root, { recursive: true, force: true });
});

async function runToEnd(): Promise<any> {
  const r = await api.post('/api/run', { action: 'start' });
  if (r.status !== 200) return r;
  for (;;) {
    const st = await api.get('/api/status');
    if (st.json.state === 'ended') return st;
    await new Promise((res) => setTimeout(res, 20));
  }
}

test('a relative output path is taken inside the directory, and the run writes there', async () => {
  const r = await api.post('/api/config', { exporter: { file: { data: 'runs/%s.json', alarm: '' } } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.exporter.file.data, join(out, 'runs', '%s.json'));
  const st = await runToEnd();
  assert.equal(st.json.end, 'completed', st.text);
  const lines = readFileSync(join(out, 'runs', 'flood.json'), 'utf8').trim().split('\n');
  assert.equal(lines.length, SMALL_FLOOD.periods);
});

test('paths that lead out of the directory are refused with a 400 naming the key', async () => {
  const before = (await api.get('/api/config')).json;
  const cases: Array<[string, Record<string, string>, string, RegExp]> = [
    ['dot-dot', { data: '../escape.json' }, 'exporter.file.data', /is outside the output directory/],
    ['absolute elsewhere', { alarm: join(outside, 'a.json') }, 'exporter.file.alarm', /is outside the output directory/],
    ['dot-dot in the middle', { data: 'runs/../../escape.json' }, 'exporter.file.data', /is outside/],
    ['the directory itself', { data: '.' }, 'exporter.file.data', /names the output directory itself/],
    ['%s as a whole component', { data: '%s/data.json' }, 'exporter.file.data', /made only of %s and dots/],
  ];
  for (const [what, file, key, message] of cases) {
    const r = await api.post('/api/config', { exporter: { file } });
    assert.equal(r.status, 400, `${what}: ${r.text}`);
    assert.equal(r.json.code, 400);
    assert.equal(r.json.details[0].field, key, what);
    assert.match(r.json.error, message, what);
  }
  // Nothing of the refused requests was applied.
  assert.deepEqual((await api.get('/api/config')).json, before);
  const inside = await api.post('/api/config', { exporter: { file: { alarm: join(out, 'alarms', '%s-alarms.json') } } });
  assert.equal(inside.status, 200, inside.text);
});

test('a symlink leading out of the directory is refused at start with a 409, and nothing is written through it', async () => {
  symlinkSync(outside, join(out, 'link'));
  const victim = join(outside, 'victim.json');
  writeFileSync(victim, 'precious\n');
  symlinkSync(victim, join(out, 'flood-alarms.json'));
  symlinkSync(join(outside, 'nothing-yet.json'), join(out, 'dangling.json'));
  const cases: Array<[string, Record<string, string>, string]> = [
    ['directory link', { data: 'link/data.json', alarm: '' }, 'exporter.file.data'],
    ['file link', { data: '', alarm: 'flood-alarms.json' }, 'exporter.file.alarm'],
    ['file link reached through %s', { data: '', alarm: '%s-alarms.json' }, 'exporter.file.alarm'],
    ['dangling link', { data: 'dangling.json', alarm: '' }, 'exporter.file.data'],
  ];
  for (const [what, file, key] of cases) {
    const set = await api.post('/api/config', { exporter: { file } });
    assert.equal(set.status, 200, `${what}: ${set.text}`);
    const r = await api.post('/api/run', { action: 'start' });
    assert.equal(r.status, 409, `${what}: ${r.text}`);
    assert.equal(r.json.details[0].field, key, what);
    assert.match(r.json.error, /^cannot start: .* leads outside .* through /, what);
  }
  assert.equal(readFileSync(victim, 'utf8'), 'precious\n');
  assert.equal(existsSync(join(outside, 'data.json')), false);
  assert.equal(existsSync(join(outside, 'nothing-yet.json')), false);
  assert.equal((await api.get('/api/status')).json.running, false);
});

test('an initial configuration writing outside the directory is refused at startup', async () => {
  const cfg = defaultConfig();
  cfg.exporter.file.data = join(outside, 'x.json');
  await assert.rejects(
    startServer({ endpoint: parseEndpoint('tcp://127.0.0.1:0'), config: cfg, outputDir: out }),
    (err: Error) => err instanceof UsageError && /exporter\.file\.data = ".*x\.json" is outside the output directory/.test(err.message),
  );
  await assert.rejects(
    startServer({ endpoint: parseEndpoint('tcp://127.0.0.1:0'), config: defaultConfig(), outputDir: join(root, 'missing') }),
    (err: Error) => err instanceof UsageError && /--api\.output-dir: .*missing .*expected an existing directory/.test(err.message),
  );
});
