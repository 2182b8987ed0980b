/**
 * The dashboard in a real browser (Debian's chromium driven by playwright-core): it loads,
 * charts draw points while a capture is analysed, alarms show, start/stop work, screenshot.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { defaultConfig } from '../../src/config/load.js';
import { parseEndpoint, startServer, type RunningServer } from '../../src/server/index.js';
import { liveSkipReason } from '../live/live-fixture.js';
import { LONG_HEAD, LONG_REPEATS, writeFloodCapture, writeLongCapture, type FloodPlan } from './support/flood-capture.js';

const CHROMIUM = '/usr/bin/chromium';
const skip = existsSync(CHROMIUM) ? false : `${CHROMIUM} is absent (Debian package chromium): browser test skipped`;

// 600 periods, a flood near the end.
const WATCHED: FloodPlan = { periods: 600, packetsPerPeriod: 2000, synPerPeriod: 200, floodFrom: 550, floodTo: 556, floodSyn: 4000 };

const liveSkip = liveSkipReason();

let server: RunningServer;
let browser: Browser;
let page: Page;
let url: string;
let long: { path: string; packets: number };

before(async () => {
  if (skip !== false) return;
  const cfg = defaultConfig();
  cfg.exporter.console.alarm = false;
  cfg.miner.device = writeFloodCapture(WATCHED);
  cfg.analyzer.stats = ['R_SYN', 'TRAFFIC', 'AVG_PKT_SIZE'];
  cfg.spot.n_init = 100;
  cfg.spot.depth = 10;
  long = writeLongCapture(LONG_HEAD, LONG_REPEATS);
  server = await startServer({ endpoint: parseEndpoint('tcp://127.0.0.1:0'), config: cfg });
  url = `http://127.0.0.1:${(server.endpoint as { port: number }).port}/`;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
  });
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => void (m.type() === 'error' && errors.push(m.text())));
  (page as unknown as { errors: string[] }).errors = errors;
});

after(async () => {
  await browser?.close();
  await server?.close();
});

test('the dashboard loads: state, statistics, configuration, one chart per statistic', { skip }, async () => {
  await page.goto(url);
  await page.waitForSelector('#state[data-state="idle"]');
  assert.deepEqual(await page.locator('#stats span').allTextContents(), ['R_SYN', 'TRAFFIC', 'AVG_PKT_SIZE']);
  assert.match(await page.locator('#config').textContent() ?? '', /"n_init": 100/);
  assert.equal(await page.locator('.chart').count(), 3);
  assert.equal(await page.locator('#start').isEnabled(), true);
  assert.equal(await page.locator('#stop').isEnabled(), false);
});

test('a live capture: the charts grow period by period while the run is on, stop ends it', { skip: skip || liveSkip }, async () => {
  // Loopback with a filter nothing matches: a period ends every 100 ms whatever the traffic, so
  // the charts must grow while the state says running, however fast the machine is.
  const before = server.controller.getConfig();
  server.controller.patchConfig({ miner: { device: 'lo', filter: 'udp port 9' }, analyzer: { period: '100ms' } });
  try {
    await page.click('#start');
    const points = `Number(document.querySelector('.chart[data-stat="TRAFFIC"]').dataset.points)`;
    await page.waitForFunction(`document.getElementById('state').dataset.state === 'running' && ${points} >= 2`, undefined, { timeout: 20_000 });
    const first = (await page.evaluate(points)) as number;
    await page.waitForFunction(`document.getElementById('state').dataset.state === 'running' && ${points} >= ${first + 3}`, undefined, { timeout: 20_000 });
    await page.click('#stop');
    await page.waitForSelector('#state[data-state="ended"]');
    assert.equal(await page.locator('#state').textContent(), 'ended (stopped)');
  } finally {
    server.controller.patchConfig({ miner: { device: before.miner.device, filter: before.miner.filter }, analyzer: { period: before.analyzer.period } });
  }
});

test("start: the capture's charts end with every period drawn, alarms are marked", { skip }, async () => {
  await page.click('#start');
  await page.waitForSelector('#state[data-state="ended"]', { timeout: 20_000 });
  await page.waitForFunction(`Number(document.querySelector('.chart[data-stat="R_SYN"]').dataset.points) >= ${WATCHED.periods}`);
  // Each chart has a canvas with something drawn on it.
  const drawn = (await page.evaluate(`
    [...document.querySelectorAll('.chart canvas')].map((canvas) => {
      const px = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
      let ink = 0;
      for (let i = 3; i < px.length; i += 4) if (px[i] !== 0) ink++;
      return ink;
    })
  `)) as number[];
  assert.equal(drawn.length, 3);
  assert.ok(drawn.every((ink) => ink > 500), `ink per chart: ${drawn.join(', ')}`);
  // The flood's alarms are listed (R_SYN and TRAFFIC, one per flooded period each).
  const status = server.controller.status();
  assert.ok(status.alarms > 0);
  assert.equal(await page.locator('#alarms tbody tr').count(), Math.min(30, status.alarms));
  assert.match(await page.locator('#figures').textContent() ?? '', new RegExp(`${status.periods} periods`));
  assert.deepEqual((page as unknown as { errors: string[] }).errors, []);
});

test('screenshot of the dashboard', { skip }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'netspot-dashboard-'));
  const path = join(dir, 'dashboard.png');
  await page.screenshot({ path, fullPage: true });
  const png = readFileSync(path);
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const width = png.readUInt32BE(16);
  const height = png.readUInt32BE(20);
  assert.equal(width, 1280);
  assert.ok(height >= 600);
  assert.ok(png.length > 30_000, `a real picture, not a blank page (${png.length} bytes)`);
  process.stderr.write(`dashboard screenshot: ${path}\n`);
});

test('stop ends a run in progress', { skip }, async () => {
  server.controller.patchConfig({ miner: { device: long.path } });
  await page.click('#start');
  await page.waitForSelector('#stop:not([disabled])');
  await page.click('#stop');
  await page.waitForSelector('#state[data-state="ended"]');
  assert.equal(await page.locator('#state').textContent(), 'ended (stopped)');
  assert.ok(server.controller.status().packets < long.packets);
  assert.equal(await page.locator('#start').isEnabled(), true);
});
