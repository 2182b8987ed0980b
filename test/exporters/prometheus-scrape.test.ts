/**
 * /metrics read by the real consumer: Debian's Prometheus scrapes `netspot serve` and the
 * values are checked through Prometheus' query API. The run sends to an InfluxDB address
 * where nothing listens, so the exporter's drops must show in /api/status and in Prometheus.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultConfig } from '../../src/config/load.js';
import { parseEndpoint, startServer } from '../../src/server/index.js';
import { ServerProcess, freePort, missingBinary, tempDir, waitFor } from '../support/servers.js';
import { readJsonLines } from '../support/json-lines.js';

const PROMETHEUS = '/usr/bin/prometheus';
const demo = fileURLToPath(new URL('../../../data/demo-syn-flood.pcap.gz', import.meta.url));

async function promQuery(url: string, q: string): Promise<Array<{ metric: Record<string, string>; value: [number, string] }>> {
  const res = await fetch(`${url}/api/v1/query?${new URLSearchParams({ query: q })}`);
  const body = (await res.json()) as { status: string; data: { result: Array<{ metric: Record<string, string>; value: [number, string] }> } };
  assert.equal(body.status, 'success', JSON.stringify(body));
  return body.data.result;
}

test('Prometheus scrapes netspot serve: run totals and exporter drops are in its database', async (t) => {
  const missing = missingBinary(PROMETHEUS, 'prometheus');
  if (missing !== null) return t.skip(missing);
  const dir = tempDir('prometheus');
  const deadPort = await freePort(); // nothing listens there: every point is dropped
  const cfg = defaultConfig();
  cfg.miner.device = demo;
  cfg.analyzer.stats = ['R_SYN', 'TRAFFIC'];
  cfg.exporter.console.alarm = false;
  cfg.exporter.file.data = join(dir, 'data.json');
  cfg.exporter.influxdb.data = true;
  cfg.exporter.influxdb.address = `http://127.0.0.1:${deadPort}`;
  cfg.exporter.influxdb.queue_size = 100;
  cfg.exporter.influxdb.flush_timeout = '500ms';
  const warnings: string[] = [];
  const server = await startServer({ endpoint: parseEndpoint('tcp://127.0.0.1:0'), config: cfg, onWarning: (m: string) => warnings.push(m) });
  t.after(() => server.close());
  const ep = server.endpoint as { host: string; port: number };
  const netspotUrl = `http://127.0.0.1:${ep.port}`;

  // The run: start it and wait for its end.
  const started = await fetch(`${netspotUrl}/api/run`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"action":"start"}' });
  assert.equal(started.status, 200, await started.text());
  const status = await waitFor('the run to end', async () => {
    const s = (await (await fetch(`${netspotUrl}/api/status`)).json()) as { state: string; packets: number; exporters: Array<Record<string, unknown>> };
    return s.state === 'ended' ? s : undefined;
  }, 60_000);
  const records = readJsonLines(readFileSync(join(dir, 'data.json'), 'utf8')).length;
  assert.equal(status.packets, 51302);
  assert.deepEqual(status.exporters, [{ name: 'influxdb', sent: 0, dropped: records, droppedAlarms: 0, queued: 0, connected: false, lastError: status.exporters[0].lastError }]);
  assert.match(String(status.exporters[0].lastError), /ECONNREFUSED|connect/);
  assert.ok(warnings.some((w) => /exporter influxdb: dropped \d+ data records: queue full \(queue_size 100\)/.test(w)), warnings.join('\n'));

  const promPort = await freePort();
  writeFileSync(join(dir, 'prometheus.yml'), [
    'global:', '  scrape_interval: 1s', 'scrape_configs:', '  - job_name: netspot', '    static_configs:', `      - targets: ['127.0.0.1:${ep.port}']`, '',
  ].join('\n'));
  const prom = new ServerProcess(spawn(PROMETHEUS, [
    `--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'tsdb')}`, `--web.listen-address=127.0.0.1:${promPort}`,
  ], { stdio: ['ignore', 'pipe', 'pipe'] }));
  t.after(() => prom.stop());
  const promUrl = `http://127.0.0.1:${promPort}`;
  await waitFor('a successful scrape', async () => {
    if (!prom.running) throw new Error(`prometheus exited: ${prom.output.slice(-2000)}`);
    const up = await promQuery(promUrl, 'up{job="netspot"}');
    return up.length === 1 && up[0].value[1] === '1' ? true : undefined;
  }, 30_000);

  const one = async (q: string): Promise<string> => {
    const r = await promQuery(promUrl, q);
    assert.equal(r.length, 1, `${q}: ${JSON.stringify(r)}`);
    return r[0].value[1];
  };
  assert.equal(await one('netspot_packets_total'), '51302');
  assert.equal(await one('netspot_runs_total'), '1');
  assert.equal(await one('netspot_exporter_dropped_total{exporter="influxdb"}'), String(records));
  assert.equal(await one('netspot_exporter_sent_total{exporter="influxdb"}'), '0');
  assert.equal(await one('netspot_running'), '0');
  const alarms = await promQuery(promUrl, 'netspot_alarms_total');
  assert.deepEqual(alarms.map((r) => r.metric.stat).sort(), ['R_SYN', 'TRAFFIC']);
  const thresholds = await promQuery(promUrl, 'netspot_stat_threshold{stat="R_SYN"}');
  assert.deepEqual(thresholds.map((r) => r.metric.side).sort(), ['down', 'up']);
});
