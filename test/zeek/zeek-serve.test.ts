/**
 * netspot serve runs a Zeek session when the config sets zeek.logs: features and alarms reach
 * the status, the SSE feed and /metrics; spot-anomaly.log is written as for the CLI.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultConfig } from '../../src/config/load.js';
import { parseEndpoint, startServer, type RunningServer } from '../../src/server/index.js';
import { TestClient } from '../server/support/http.js';
import { OpenApiChecker } from '../server/support/openapi-check.js';
import { writeStatsLog, zeekData } from './zeek-support.js';

let server: RunningServer;
let api: TestClient;
let openapi: OpenApiChecker;
let dir: string;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'netspot-zeek-serve-'));
  const cfg = defaultConfig();
  cfg.exporter.console.alarm = false;
  server = await startServer({ endpoint: parseEndpoint('tcp://127.0.0.1:0'), config: cfg, keepAliveMs: 100 });
  api = new TestClient(server.endpoint);
  openapi = new OpenApiChecker((await api.get('/api/openapi.json')).json);
});

after(async () => {
  await api.close();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

async function runToEnd(config: Record<string, unknown>) {
  const set = await api.send('POST', '/api/config', config);
  assert.equal(set.status, 200, set.text);
  const tap = await api.openEvents();
  await tap.until(() => tap.of('status').length >= 1);
  const start = await api.send('POST', '/api/run', { action: 'start' });
  assert.equal(start.status, 200, start.text);
  openapi.check('POST', '/api/run', start);
  const ended = (s: string): boolean => JSON.parse(s).state === 'ended' && JSON.parse(s).startedAt === start.json.startedAt;
  await tap.until(() => tap.of('status').some(ended), 30_000);
  tap.close();
  const status = await api.get('/api/status');
  openapi.check('GET', '/api/status', status);
  return { status: status.json, data: tap.of('data').map((d) => JSON.parse(d)), alarms: tap.of('alarm').map((a) => JSON.parse(a)) };
}

test('a Zeek session from the API: feature values on the SSE feed and in /metrics', async () => {
  const { status, data } = await runToEnd({
    zeek: { logs: [zeekData('wrccdc2018__dns.log.gz')], features: ['dns.count', 'dns.ratio(rcode_name=NXDOMAIN)'], period: '10s', lateness: '1h' },
  });
  assert.equal(status.input, 'zeek');
  assert.equal(status.end, 'completed', status.error);
  assert.equal(status.records, 4000);
  assert.equal(status.lateRecords, 0);
  assert.deepEqual(status.stats, ['dns.count', 'dns.ratio(rcode_name=NXDOMAIN)']);
  assert.equal(data.length, status.periods);
  // Independent: the number of dns records in all periods is the number of data lines.
  assert.equal(data.reduce((s: number, d: Record<string, number>) => s + d['dns.count'], 0), 4000);
  const metrics = (await api.get('/metrics')).text;
  assert.match(metrics, /netspot_stat_value\{series="zeek",stat="dns\.count"\} \d+/);
  assert.match(metrics, /netspot_stat_value\{series="zeek",stat="dns\.ratio\(rcode_name=NXDOMAIN\)"\} /);
  assert.match(metrics, /^netspot_zeek_records_total 4000$/m);
});

test('a bro-spotd profile on stats.log through the API: alarms on the feed and in spot-anomaly.log', async () => {
  const log = join(dir, 'stats.log');
  writeStatsLog(log, 400, 350, 370);
  const ini = join(dir, 'p.ini');
  writeFileSync(ini, '[default]\nq = 1e-3\nn_init = 200\nlevel = 0.9\n\n[pkts_proc]\n\n[active_tcp_conns]\nup = false\ndown = true\n');
  const { status, alarms } = await runToEnd({ zeek: { logs: [log], features: [], profile: ini, anomaly_log: join(dir, 'out'), period: '60s', lateness: '' } });
  assert.equal(status.end, 'completed', status.error);
  assert.deepEqual(alarms.map((a: { stat: string; status: string }) => `${a.stat}:${a.status}`), ['pkts_proc:UP_ALERT', 'active_tcp_conns:DOWN_ALERT']);
  assert.deepEqual(status.alarmsByStat, { pkts_proc: 1, active_tcp_conns: 1 });
  const anomaly = readFileSync(join(dir, 'out', 'spot-anomaly.log'), 'utf8').split('\n').filter((l) => l !== '' && !l.startsWith('#'));
  assert.deepEqual(anomaly.map((l) => l.split('\t')[2]), ['pkts_proc', 'active_tcp_conns']);
  const metrics = (await api.get('/metrics')).text;
  assert.match(metrics, /^netspot_alarms_total\{stat="pkts_proc"\} 1$/m);
});
