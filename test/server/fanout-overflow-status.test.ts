import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultConfig } from '../../src/config/load.js';
import { parseEndpoint, startServer } from '../../src/server/index.js';
import { statNames } from '../../src/stats/index.js';
import { FANOUT_BOUNDS } from '../../src/counters/source-fanout.js';
import { TestClient } from './support/http.js';
import { writeCrowdCapture } from '../fixtures/crowd-capture.js';

test('/api/status and /metrics count the periods where a fan-out table was full, per statistic', async () => {
  const cfg = defaultConfig();
  cfg.exporter.console.alarm = false;
  cfg.miner.device = writeCrowdCapture(FANOUT_BOUNDS.sources + 1000);
  cfg.analyzer.stats = statNames.filter((n) => n !== 'PERF');
  const server = await startServer({ endpoint: parseEndpoint('tcp://127.0.0.1:0'), config: cfg });
  const api = new TestClient(server.endpoint);
  try {
    const start = await api.post('/api/run', { action: 'start' });
    assert.equal(start.status, 200, start.text);
    let status = start.json;
    for (const deadline = Date.now() + 60_000; status.state !== 'ended'; ) {
      assert.ok(Date.now() < deadline, `run not ended: ${JSON.stringify(status)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
      status = (await api.get('/api/status')).json;
    }
    assert.equal(status.end, 'completed', status.error);
    assert.equal(status.periods, 2);
    // The SYNs are TCP and address contacts: those two statistics lost sources, the UDP one did not.
    assert.deepEqual(status.approximate, { periods: 1, byStat: { TCP_PORT_FANOUT: 1, ADDR_FANOUT: 1 } });
    // And Prometheus sees the same, the UDP statistic at 0 (loaded, never approximate).
    const metrics = (await api.get('/metrics')).text;
    for (const [stat, n] of [['ADDR_FANOUT', 1], ['TCP_PORT_FANOUT', 1], ['UDP_PORT_FANOUT', 0]] as const) {
      assert.match(metrics, new RegExp(`^netspot_approximate_periods_total\\{stat="${stat}"\\} ${n}$`, 'm'));
    }
    assert.match(metrics, /^# TYPE netspot_approximate_periods_total counter$/m);
  } finally {
    await api.close();
    await server.close();
  }
});
