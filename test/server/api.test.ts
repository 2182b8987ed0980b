/**
 * The HTTP API against the real server on TCP (ephemeral port): every route, every error
 * case, and every response checked against the server's own OpenAPI document.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { defaultConfig } from '../../src/config/load.js';
import { parseEndpoint, startServer, type RunningServer } from '../../src/server/index.js';
import { TestClient, type Reply } from './support/http.js';
import { OpenApiChecker } from './support/openapi-check.js';
import { LONG_HEAD, LONG_REPEATS, SMALL_FLOOD, T0, expectedRSyn, lastPeriod, writeFloodCapture, writeLongCapture } from './support/flood-capture.js';

// NetSpot's ten statistics, as its documentation names them.
const NETSPOT_STATS = ['AVG_PKT_SIZE', 'PERF', 'R_ACK', 'R_ARP', 'R_DST_SRC', 'R_DST_SRC_PORT', 'R_ICMP', 'R_IP', 'R_SYN', 'TRAFFIC'];
/** The statistics for scans and floods hidden in volume (docs/scan-statistics.md). */
const SCAN_STATS = ['TCP_PORT_FANOUT', 'UDP_PORT_FANOUT', 'ADDR_FANOUT', 'R_HALF_OPEN', 'R_REJECT', 'CONN_RATE'];

let server: RunningServer;
let api: TestClient;
let openapi: OpenApiChecker;
let small: string;
let long: { path: string; packets: number };

async function call(method: 'GET' | 'POST', path: string, body?: unknown, headers?: Record<string, string>): Promise<Reply> {
  const r = await api.send(method, path, body, headers);
  openapi.check(method, path, r);
  return r;
}

function assertError(r: Reply, status: number, pattern: RegExp): void {
  assert.equal(r.status, status, r.text);
  assert.equal(r.json.code, status);
  assert.match(r.json.error, pattern);
}

/** Runs the current config to its end; returns the final status and the events seen. */
async function runToEnd(): Promise<{ status: any; data: string[]; alarms: string[]; episodes: string[]; statuses: any[] }> {
  const tap = await api.openEvents();
  await tap.until(() => tap.of('status').length >= 1);
  const start = await call('POST', '/api/run', { action: 'start' });
  assert.equal(start.status, 200, start.text);
  // The stream opens with the current status (possibly the previous run's end): wait for this run's end.
  const ended = (s: string): boolean => JSON.parse(s).state === 'ended' && JSON.parse(s).startedAt === start.json.startedAt;
  await tap.until(() => tap.of('status').some(ended));
  tap.close();
  const status = (await call('GET', '/api/status')).json;
  return { status, data: tap.of('data'), alarms: tap.of('alarm'), episodes: tap.of('episode'), statuses: tap.of('status').map((s) => JSON.parse(s)) };
}

before(async () => {
  small = writeFloodCapture(SMALL_FLOOD);
  long = writeLongCapture(LONG_HEAD, LONG_REPEATS);
  const cfg = defaultConfig();
  cfg.exporter.console.alarm = false;
  server = await startServer({ endpoint: parseEndpoint('tcp://127.0.0.1:0'), config: cfg, keepAliveMs: 100, alarmCapacity: 3 });
  api = new TestClient(server.endpoint);
  const doc = await api.get('/api/openapi.json');
  assert.equal(doc.status, 200);
  openapi = new OpenApiChecker(doc.json);
});

after(async () => {
  await api.close();
  await server.close();
});

describe('OpenAPI document', () => {
  test('is OpenAPI 3 and describes every route', async () => {
    const r = await call('GET', '/api/openapi.json');
    assert.match(r.json.openapi, /^3\./);
    const routes = Object.entries(r.json.paths as Record<string, object>).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`));
    for (const want of [
      'GET /api/config', 'POST /api/config', 'POST /api/run', 'GET /api/status', 'GET /api/stats', 'GET /api/devices',
      'GET /api/series', 'GET /api/alarms', 'GET /api/events', 'GET /metrics', 'GET /api/openapi.json',
    ]) assert.ok(routes.includes(want), `${want} missing from ${routes.join(', ')}`);
    // Bodies are declared with their schema (what the server validates with).
    assert.deepEqual(r.json.paths['/api/run'].post.requestBody.content['application/json'].schema.properties.action.anyOf.map((s: any) => s.enum?.[0] ?? s.const), ['start', 'stop']);
  });

  test('the page rendering it is served', async () => {
    const r = await api.get('/docs');
    assert.equal(r.status, 200);
    assert.match(String(r.headers['content-type']), /text\/html/);
    assert.match(r.text, /openapi\.json/);
  });
});

describe('idle server', () => {
  test('GET /api/status: idle', async () => {
    const r = await call('GET', '/api/status');
    assert.equal(r.status, 200);
    assert.equal(r.json.running, false);
    assert.equal(r.json.state, 'idle');
    assert.equal(r.json.packets, 0);
    assert.match(String(r.headers['x-request-id']), /.+/);
  });

  test('a request id given by the client is echoed', async () => {
    const r = await api.get('/api/status', { 'x-request-id': 'trace-42' });
    assert.equal(r.headers['x-request-id'], 'trace-42');
  });

  test('GET /api/stats lists NetSpot statistics and the loaded ones', async () => {
    const r = await call('GET', '/api/stats');
    assert.deepEqual([...r.json.available].sort(), [...NETSPOT_STATS, ...SCAN_STATS].sort());
    assert.deepEqual(r.json.loaded, defaultConfig().analyzer.stats);
    const syn = r.json.stats.find((s: any) => s.name === 'R_SYN');
    assert.deepEqual(syn.requires.sort(), ['IP', 'SYN']);
  });

  test('GET /api/devices lists interfaces, or says live capture is unavailable', async () => {
    const r = await call('GET', '/api/devices');
    if (r.status === 503) return assert.match(r.json.error, /cannot list devices/);
    assert.equal(r.status, 200);
    assert.ok(r.json.devices.some((d: any) => d.name === 'lo' && d.flags.loopback === true), r.text);
  });

  test('GET /api/series before any run: the loaded statistics, no values', async () => {
    const r = await call('GET', '/api/series');
    assert.equal(r.json.time, null);
    assert.deepEqual(r.json.stats.map((s: any) => s.name), defaultConfig().analyzer.stats);
    assert.ok(r.json.stats.every((s: any) => s.value === null));
  });

  test('unknown route: JSON 404', async () => {
    const r = await api.get('/api/nope');
    assertError(r, 404, /no route GET \/api\/nope/);
  });
});

describe('POST /api/config', () => {
  test('GET returns the whole configuration', async () => {
    const r = await call('GET', '/api/config');
    const want = defaultConfig();
    want.exporter.console.alarm = false;
    assert.deepEqual(r.json, JSON.parse(JSON.stringify(want)));
  });

  test('a partial config is merged, the rest kept', async () => {
    const r = await call('POST', '/api/config', { spot: { q: 1e-3, R_SYN: { level: 0.9 } }, analyzer: { period: '2s' } });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.spot.q, 1e-3);
    assert.equal(r.json.spot.R_SYN.level, 0.9);
    assert.equal(r.json.analyzer.period, '2s');
    assert.equal(r.json.spot.n_init, defaultConfig().spot.n_init);
    const again = await call('GET', '/api/config');
    assert.deepEqual(again.json, r.json);
    // A per-statistic section shows what was set, not the inherited values filled in.
    assert.deepEqual(again.json.spot.R_SYN, { level: 0.9 });
  });

  test('secrets (InfluxDB password, token) are never shown; sending back what was read keeps them', async () => {
    const r = await call('POST', '/api/config', { exporter: { influxdb: { password: 's3cret-pw', token: 't0ken-xyz', username: 'u' } } });
    assert.equal(r.status, 200, r.text);
    assert.doesNotMatch(r.text, /s3cret-pw|t0ken-xyz/);
    const shown = await call('GET', '/api/config');
    assert.doesNotMatch(shown.text, /s3cret-pw|t0ken-xyz/);
    assert.equal(shown.json.exporter.influxdb.username, 'u');
    assert.equal(shown.json.exporter.influxdb.password, '(set; hidden)');
    // A client that edits one key and posts the whole document back keeps the stored secrets.
    const doc = shown.json;
    doc.exporter.influxdb.database = 'other';
    assert.equal((await call('POST', '/api/config', doc)).status, 200);
    const kept = server.controller.getConfig().exporter.influxdb;
    assert.deepEqual([kept.password, kept.token, kept.database], ['s3cret-pw', 't0ken-xyz', 'other']);
    // Restore the defaults for the tests below.
    await call('POST', '/api/config', { exporter: { influxdb: { password: '', token: '', username: '', database: defaultConfig().exporter.influxdb.database } } });
    assert.equal(server.controller.getConfig().exporter.influxdb.password, '');
  });

  test('a bad value is a 400 naming the field and what it expects; nothing is applied', async () => {
    const before = (await call('GET', '/api/config')).json;
    const r = await call('POST', '/api/config', { analyzer: { period: '5s' }, spot: { q: 2 } });
    assertError(r, 400, /spot\.q/);
    assert.deepEqual(r.json.details.map((d: any) => d.field), ['spot.q']);
    assert.match(r.json.details[0].expected, /number in \(0, 1\)/);
    assert.deepEqual((await call('GET', '/api/config')).json, before, 'the valid half (analyzer.period) must not be applied');
  });

  test('unknown keys, wrong types and bad statistics are each named', async () => {
    const r = await call('POST', '/api/config', { spot: { nope: 1 }, miner: { promiscuous: 'yes' }, analyzer: { stats: ['R_SYN', 'BOGUS'] } });
    assertError(r, 400, /invalid body/);
    const fields = r.json.details.map((d: any) => d.field).sort();
    assert.deepEqual(fields, ['analyzer.stats.1', 'miner.promiscuous', 'spot.nope']);
    assert.match(r.json.details.find((d: any) => d.field === 'spot.nope').message, /unknown key|it is no \[spot\] key/);
    assert.match(r.json.details.find((d: any) => d.field === 'miner.promiscuous').expected, /true or false/);
  });

  test('constraints between keys are checked on the merged result', async () => {
    // level 0.98 is kept from the current config: q must stay below 1 - level.
    const r = await call('POST', '/api/config', { spot: { q: 0.5 } });
    assertError(r, 400, /spot\.q/);
    assert.equal(r.json.details[0].field, 'spot.q');
  });

  test('body problems: not JSON, wrong type, empty, too large', async () => {
    assertError(await call('POST', '/api/config', '{"spot":'), 400, /JSON/);
    assertError(await call('POST', '/api/config', 'spot=1', { 'content-type': 'text/plain' }), 415, /content-type|media type/i);
    assertError(await call('POST', '/api/config', [1, 2]), 400, /body/);
    assertError(await call('POST', '/api/config', { miner: { device: 'x'.repeat(70_000) } }), 413, /too large/);
  });
});

describe('POST /api/run', () => {
  test('bad actions are 400', async () => {
    const r = await call('POST', '/api/run', { action: 'go' });
    assertError(r, 400, /action/);
    assert.match(r.json.details[0].expected, /"start" or "stop"/);
    assertError(await call('POST', '/api/run', {}), 400, /missing action/);
    assertError(await call('POST', '/api/run', { action: 'start', extra: 1 }), 400, /unknown key "extra"/);
  });

  test('start with no statistic loaded is a 409', async () => {
    await call('POST', '/api/config', { analyzer: { stats: [] }, miner: { device: small } });
    assertError(await call('POST', '/api/run', { action: 'start' }), 409, /no statistic loaded/);
  });

  test('start when the source cannot be opened is a 409 with the reason', async () => {
    await call('POST', '/api/config', { analyzer: { stats: ['R_SYN'] }, miner: { device: join(dirname(small), 'missing.pcap') } });
    assertError(await call('POST', '/api/run', { action: 'start' }), 409, /cannot start: .*missing\.pcap/);
    assert.equal((await call('GET', '/api/status')).json.state, 'idle');
  });

  test('start while running is a 409; stop ends the run and flushes', async () => {
    const out = join(dirname(long.path), 'data.json');
    await call('POST', '/api/config', { miner: { device: long.path }, analyzer: { stats: ['R_SYN', 'TRAFFIC'], period: '1s' }, exporter: { file: { data: out } } });
    const started = await call('POST', '/api/run', { action: 'start' });
    assert.equal(started.status, 200, started.text);
    assert.equal(started.json.running, true);
    assert.equal(started.json.device, long.path);
    assertError(await call('POST', '/api/run', { action: 'start' }), 409, /already running/);
    const stopped = await call('POST', '/api/run', { action: 'stop' });
    assert.equal(stopped.status, 200);
    assert.equal(stopped.json.running, false);
    assert.equal(stopped.json.state, 'ended');
    assert.equal(stopped.json.end, 'stopped');
    assert.ok(stopped.json.packets < long.packets, `stopped early: ${stopped.json.packets} packets`);
    // Every period emitted, including the partial one at the stop, is in the file.
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    assert.equal(lines.length, stopped.json.periods);
    // Stopping again is not an error.
    assert.equal((await call('POST', '/api/run', { action: 'stop' })).json.end, 'stopped');
    await call('POST', '/api/config', { exporter: { file: { data: '' } } });
  });
});

describe('a whole run: series, alarms, events, metrics', () => {
  let run: Awaited<ReturnType<typeof runToEnd>>;

  before(async () => {
    await call('POST', '/api/config', {
      miner: { device: small }, analyzer: { stats: ['R_SYN', 'TRAFFIC'], period: '1s' },
      spot: { n_init: 40, depth: 5, q: 1e-3 },
    });
    run = await runToEnd();
  });

  test('status counts what the capture holds', () => {
    const s = run.status;
    const packets = SMALL_FLOOD.periods * SMALL_FLOOD.packetsPerPeriod + (SMALL_FLOOD.floodTo - SMALL_FLOOD.floodFrom) * SMALL_FLOOD.floodSyn;
    assert.equal(s.end, 'completed');
    assert.equal(s.packets, packets);
    assert.equal(s.periods, SMALL_FLOOD.periods);
    assert.equal(s.series, 'flood');
    // Steady values, then each flooded period raises both ratios' and the traffic's alarm.
    const flooded = SMALL_FLOOD.floodTo - SMALL_FLOOD.floodFrom;
    assert.deepEqual(s.alarmsByStat, { R_SYN: flooded, TRAFFIC: flooded });
    assert.equal(s.alarms, 2 * flooded);
  });

  test('episodes: the flood is one episode per statistic, in /api/episodes and as SSE events, with the context', async () => {
    const flooded = SMALL_FLOOD.floodTo - SMALL_FLOOD.floodFrom;
    const page = await call('GET', '/api/episodes');
    assert.equal(page.status, 200, page.text);
    const eps = page.json.episodes as any[];
    assert.deepEqual(eps.map((e) => [e.stat, e.periods]).sort(), [['R_SYN', flooded], ['TRAFFIC', flooded]]);
    for (const e of eps) {
      assert.equal(e.end - e.start, (flooded - 1) * 1e9);
      assert.equal(e.context.top_dst[0].addr, '10.0.0.2');
      assert.deepEqual([e.context.top_dst_port[0].proto, e.context.top_dst_port[0].port], ['tcp', 80]);
      assert.equal(e.baseline, null);
    }
    // The same episodes arrived on the event stream, exact times included.
    assert.deepEqual(run.episodes.map((t) => /"start":(\d+)/.exec(t)![1]), eps.map((e: any) => new RegExp(`"id":${e.id},"stat":"${e.stat}","status":"UP_ALERT","start":(\\d+)`).exec(page.text)![1]));
    for (const a of run.alarms.map((t) => JSON.parse(t))) assert.equal(a.context.top_src[0].addr, '10.0.0.1');
  });

  test('events: a status at start and end, a data record per period, every alarm', () => {
    assert.deepEqual(run.statuses.map((s) => s.state).slice(-2), ['running', 'ended']);
    assert.equal(run.data.length, SMALL_FLOOD.periods);
    // NetSpot's data record: period end in Unix ns, exactly; thresholds once calibrated.
    const judged = run.data[run.data.length - 2];
    assert.match(judged, new RegExp(`^\\{"time":${T0 + SMALL_FLOOD.periods - 1}000000000,"R_SYN":[\\d.]+,"R_SYN_UP":[\\d.]+,`));
    // The last, partial period ends with the capture and is not judged: no thresholds.
    const last = run.data[run.data.length - 1];
    assert.match(last, new RegExp(`^\\{"time":${lastPeriod(SMALL_FLOOD).endNs},"R_SYN":[\\d.]+,"TRAFFIC":[\\d.]+\\}$`));
    const k = 10;
    assert.equal(JSON.parse(run.data[k]).R_SYN, expectedRSyn(SMALL_FLOOD, k));
    assert.equal(run.alarms.length, run.status.alarms);
    for (const a of run.alarms.map((t) => JSON.parse(t))) {
      assert.ok(a.stat === 'R_SYN' || a.stat === 'TRAFFIC', a.stat);
      assert.equal(a.status, 'UP_ALERT');
      const period = Math.round(a.time / 1e9) - T0 - 1;
      assert.ok(period >= SMALL_FLOOD.floodFrom && period < SMALL_FLOOD.floodTo, `alarm outside the flood: period ${period}`);
    }
  });

  test('GET /api/series: the last period, value and thresholds', async () => {
    const r = await call('GET', '/api/series');
    assert.equal(r.json.series, 'flood');
    assert.match(r.text, new RegExp(`"time":${lastPeriod(SMALL_FLOOD).endNs}`));
    // The run ended: its last period is the partial one, recorded but not judged.
    const syn = r.json.stats.find((s: any) => s.name === 'R_SYN');
    assert.deepEqual(syn, { name: 'R_SYN', value: expectedRSyn(SMALL_FLOOD, SMALL_FLOOD.periods - 1), up: null, down: null, status: 'NOT_JUDGED' });
    const traffic = r.json.stats.find((s: any) => s.name === 'TRAFFIC');
    assert.equal(traffic.value, SMALL_FLOOD.packetsPerPeriod / lastPeriod(SMALL_FLOOD).seconds);
  });

  test('GET /api/alarms: bounded buffer, since, limit', async () => {
    const total = run.status.alarms;
    assert.ok(total > 3, 'more alarms than the buffer (3) holds');
    const all = await call('GET', '/api/alarms');
    assert.equal(all.json.capacity, 3);
    assert.equal(all.json.alarms.length, 3);
    assert.equal(all.json.missed, total - 3);
    const ids = all.json.alarms.map((a: any) => a.id);
    assert.deepEqual(ids, [total - 2, total - 1, total]);
    assert.equal(all.json.next, total);
    // The same alarms as the event stream, exact times included.
    assert.match(all.text, new RegExp(`"id":${total},"time":${JSON.parse(run.alarms[total - 1]).time === undefined ? '' : /"time":(\d+)/.exec(run.alarms[total - 1])![1]},`));
    const newer = await call('GET', `/api/alarms?since=${total - 1}`);
    assert.deepEqual(newer.json.alarms.map((a: any) => a.id), [total]);
    assert.equal(newer.json.missed, 0);
    const none = await call('GET', `/api/alarms?since=${total}`);
    assert.deepEqual(none.json.alarms, []);
    assert.equal(none.json.next, total);
    const one = await call('GET', `/api/alarms?since=0&limit=1`);
    assert.deepEqual(one.json.alarms.map((a: any) => a.id), [total - 2]);
    assertError(await call('GET', '/api/alarms?since=-1'), 400, /since/);
    assertError(await call('GET', '/api/alarms?since=abc'), 400, /since/);
    assertError(await call('GET', '/api/alarms?limit=0'), 400, /limit/);
  });

  test('GET /metrics: Prometheus text with statistics, thresholds, counters, totals', async () => {
    const r = await call('GET', '/metrics');
    assert.match(String(r.headers['content-type']), /^text\/plain; version=0\.0\.4/);
    const samples = new Map<string, number>();
    for (const line of r.text.split('\n')) {
      if (line === '' || line.startsWith('#')) continue;
      const m = /^([a-z_]+(?:\{[^}]*\})?) (\S+)$/.exec(line);
      assert.ok(m !== null, `not a Prometheus sample line: ${line}`);
      samples.set(m[1], Number(m[2]));
    }
    assert.equal(samples.get('netspot_running'), 0);
    assert.equal(samples.get('netspot_stat_value{series="flood",stat="R_SYN"}'), expectedRSyn(SMALL_FLOOD, SMALL_FLOOD.periods - 1));
    assert.equal(samples.get('netspot_stat_value{series="flood",stat="TRAFFIC"}'), SMALL_FLOOD.packetsPerPeriod / lastPeriod(SMALL_FLOOD).seconds);
    // The latest period is the run's last, partial one: not judged, so no thresholds.
    assert.ok(Number.isNaN(samples.get('netspot_stat_threshold{series="flood",stat="R_SYN",side="up"}')));
    assert.equal(samples.get('netspot_counter{series="flood",counter="SYN"}'), SMALL_FLOOD.synPerPeriod);
    assert.equal(samples.get('netspot_alarms_total{stat="R_SYN"}'), run.status.alarmsByStat.R_SYN);
    assert.equal(samples.get('netspot_alarms_total{stat="TRAFFIC"}'), run.status.alarmsByStat.TRAFFIC);
    assert.equal(samples.get('netspot_dropped_packets_total'), 0);
    // Totals cover every run of the server's life: the stopped run's packets count too.
    assert.ok(samples.get('netspot_packets_total')! > run.status.packets);
    assert.equal(samples.get('netspot_runs_total'), 2);
  });

  test('the event stream sends keep-alive comments', async () => {
    const tap = await api.openEvents();
    assert.equal(tap.status, 200);
    assert.match(tap.contentType, /^text\/event-stream/);
    await tap.until(() => tap.comments >= 1, 5000);
    tap.close();
  });
});
