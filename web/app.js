// NetSpot dashboard: state, start/stop, configuration, and a live chart per statistic fed by
// /api/events (read with fetch so that a bearer token can be sent). No build step.
'use strict';

const MAX_POINTS = 900;
const $ = (id) => document.getElementById(id);
let token = sessionStorage.getItem('netspot-token') || '';
let status = null;
const charts = new Map(); // stat -> { data: [x, value, up, down, alarm], plot, card, dirty }
let redrawQueued = false;

function headers(json) {
  const h = {};
  if (json) h['content-type'] = 'application/json';
  if (token) h.authorization = 'Bearer ' + token;
  return h;
}

async function api(method, path, body) {
  const res = await fetch(path, { method, headers: headers(body !== undefined), body: body === undefined ? undefined : JSON.stringify(body) });
  const payload = await res.json().catch(() => null);
  if (res.status === 401) {
    $('auth').hidden = false;
    throw new Error('a token is needed');
  }
  if (!res.ok) throw new Error((payload && payload.error) || 'HTTP ' + res.status);
  return payload;
}

function say(text) {
  $('message').hidden = !text;
  $('message').textContent = text || '';
}

function fmt(v) {
  if (v === null || v === undefined || Number.isNaN(v)) return '–';
  return Number.isInteger(v) ? String(v) : Number(v.toPrecision(5)).toString();
}

function showStatus(s) {
  status = s;
  const badge = $('state');
  badge.dataset.state = s.state;
  badge.textContent = s.state === 'ended' ? 'ended (' + s.end + ')' : s.state;
  $('start').disabled = s.running;
  $('stop').disabled = !s.running;
  const parts = [];
  if (s.series) parts.push(s.series);
  if (s.state !== 'idle') parts.push(s.packets + ' packets', s.periods + ' periods', s.alarms + ' alarms');
  if (s.dropped > 0) parts.push(s.dropped + ' dropped');
  $('figures').textContent = parts.join(' · ');
  if (s.error) say('run failed: ' + s.error);
}

function showConfig(cfg) {
  $('config').textContent = JSON.stringify(cfg, null, 2);
  if (document.activeElement !== $('device')) $('device').value = cfg.miner.device;
  const stats = $('stats');
  stats.replaceChildren(...cfg.analyzer.stats.map((n) => Object.assign(document.createElement('span'), { textContent: n })));
}

// ---- charts -------------------------------------------------------------------------------

const compact = new Intl.NumberFormat('en', { notation: 'compact', maximumSignificantDigits: 4 });
function tick(v) {
  return v === null ? '' : Math.abs(v) >= 1000 ? compact.format(v) : String(Number(v.toPrecision(4)));
}

function makeChart(stat) {
  const card = document.createElement('div');
  card.className = 'chart';
  card.dataset.stat = stat;
  card.dataset.points = '0';
  const title = document.createElement('h3');
  title.innerHTML = '<span></span><small></small>';
  title.firstChild.textContent = stat;
  const plotBox = document.createElement('div');
  plotBox.className = 'plot';
  card.append(title, plotBox);
  $('charts').append(card);
  const data = [[], [], [], [], []];
  const css = getComputedStyle(document.documentElement);
  const color = (name) => css.getPropertyValue(name).trim();
  const plot = new uPlot(
    {
      width: Math.max(300, plotBox.clientWidth || 400),
      height: 200,
      legend: { show: true },
      cursor: { drag: { x: true, y: false } },
      scales: { x: { time: true } },
      axes: [{}, { size: 64, values: (u, splits) => splits.map(tick) }],
      series: [
        {},
        { label: 'value', stroke: color('--value'), width: 1.5, spanGaps: false },
        { label: 'up', stroke: color('--up'), width: 1, dash: [5, 4] },
        { label: 'down', stroke: color('--down'), width: 1, dash: [5, 4] },
        { label: 'alarm', stroke: color('--alarm'), width: 0, paths: () => null, points: { show: true, size: 9, fill: color('--alarm'), stroke: color('--alarm') } },
      ],
    },
    data,
    plotBox,
  );
  const entry = { data, plot, card, title, dirty: false };
  charts.set(stat, entry);
  return entry;
}

function resetCharts(stats) {
  for (const c of charts.values()) c.plot.destroy();
  charts.clear();
  $('charts').replaceChildren();
  if (stats.length === 0) $('charts').append(Object.assign(document.createElement('p'), { className: 'empty', textContent: 'No statistic loaded.' }));
  for (const s of stats) makeChart(s);
}

function queueRedraw() {
  if (redrawQueued) return;
  redrawQueued = true;
  requestAnimationFrame(() => {
    redrawQueued = false;
    for (const c of charts.values()) {
      if (!c.dirty) continue;
      c.dirty = false;
      c.plot.setData(c.data);
      c.card.dataset.points = String(c.data[0].length);
      const last = c.data[1][c.data[1].length - 1];
      c.title.lastChild.textContent = fmt(last);
    }
  });
}

function pushPoint(c, x, value, up, down) {
  const d = c.data;
  d[0].push(x);
  d[1].push(value);
  d[2].push(up);
  d[3].push(down);
  d[4].push(null);
  if (d[0].length > MAX_POINTS) for (const col of d) col.shift();
  c.dirty = true;
}

// A data record: {"time": ns, "R_SYN": v, "R_SYN_UP": z, "R_SYN_DOWN": z, ...}
function onData(rec) {
  const x = rec.time / 1e9;
  // A Zeek run learns stats.log fields as they come: a name seen for the first time gets its chart.
  for (const k of Object.keys(rec)) {
    const base = k.replace(/_(UP|DOWN)$/, '');
    if (k === 'time' || charts.has(k) || (base !== k && base in rec)) continue;
    $('charts').querySelector('p.empty')?.remove();
    makeChart(k);
  }
  for (const [stat, c] of charts) {
    if (!(stat in rec)) continue;
    const num = (k) => (typeof rec[k] === 'number' ? rec[k] : null);
    pushPoint(c, x, num(stat), num(stat + '_UP'), num(stat + '_DOWN'));
  }
  queueRedraw();
}

function onAlarm(a) {
  addAlarmRow(a);
  const c = charts.get(a.stat);
  if (!c) return;
  const x = a.time / 1e9;
  const xs = c.data[0];
  for (let i = xs.length - 1; i >= 0 && xs[i] >= x; i--) {
    if (xs[i] === x) {
      c.data[4][i] = a.value;
      c.dirty = true;
      break;
    }
  }
  queueRedraw();
}

/** The first of each context list: "198.51.100.7 62% · 10.0.0.80 88% · tcp/80 90%". */
function who(c) {
  if (!c) return '–';
  const pct = (s) => (s * 100).toFixed(s < 0.1 ? 1 : 0) + '%';
  const first = (l, f) => (l.length === 0 ? '–' : f(l[0]) + ' ' + pct(l[0].share));
  const parts = [first(c.top_src, (x) => x.addr), first(c.top_dst, (x) => x.addr), first(c.top_dst_port, (x) => x.proto + '/' + x.port)];
  // A scanner is named by the fan-out statistic it moved, not by its volume.
  for (const f of c.top_fanout ?? []) parts.push(f.addr + ' ' + f.targets + ' ' + (f.stat === 'ADDR_FANOUT' ? 'hosts' : 'ports'));
  return parts.join(' · ');
}

function whoTitle(c) {
  if (!c) return '';
  const list = (l, f) => l.map((x) => f(x) + ' ' + x.pkts + ' pkts (' + (x.share * 100).toFixed(1) + '%)').join('\n');
  return 'sources\n' + list(c.top_src, (x) => x.addr) + '\n\ndestinations\n' + list(c.top_dst, (x) => x.addr) +
    '\n\ndestination ports\n' + list(c.top_dst_port, (x) => x.proto + '/' + x.port) +
    (c.top_fanout ? '\n\nfan-out\n' + c.top_fanout.map((f) => f.stat + ': ' + f.addr + ' (' + f.targets + ')').join('\n') : '');
}

const timeOf = (ns) => new Date(Number(ns) / 1e6).toISOString().replace('T', ' ').replace('Z', '');

function addEpisodeRow(e) {
  const tbody = $('episodes').tBodies[0];
  const tr = document.createElement('tr');
  const note = e.baseline ? 'baseline changed: ' + fmt(e.baseline.old_level) + ' → ' + fmt(e.baseline.new_level) + ' is now normal' : '';
  const cells = [e.id, timeOf(e.start), timeOf(e.end), e.stat, e.periods, fmt(e.peak_value), who(e.context), note];
  for (const v of cells) tr.append(Object.assign(document.createElement('td'), { textContent: String(v ?? '–') }));
  tr.cells[6].title = whoTitle(e.context);
  tbody.prepend(tr);
  while (tbody.rows.length > 30) tbody.deleteRow(-1);
}

function addAlarmRow(a) {
  const tbody = $('alarms').tBodies[0];
  const tr = document.createElement('tr');
  const cells = [a.id, new Date(a.time / 1e6).toISOString().replace('T', ' ').replace('Z', ''), a.stat, a.status, fmt(a.value), fmt(a.threshold), who(a.context)];
  for (const v of cells) tr.append(Object.assign(document.createElement('td'), { textContent: String(v ?? '–') }));
  if (a.status === 'UP_ALERT') tr.cells[3].className = 'up';
  tr.cells[6].title = whoTitle(a.context);
  tbody.prepend(tr);
  while (tbody.rows.length > 30) tbody.deleteRow(-1);
}

// ---- event stream -------------------------------------------------------------------------

function onStatus(s) {
  const fresh = !status || s.startedAt !== status.startedAt;
  if (s.state === 'running' && fresh) resetCharts(s.stats);
  showStatus(s);
}

async function follow() {
  for (;;) {
    try {
      const res = await fetch('/api/events', { headers: headers(false) });
      if (res.status === 401) {
        $('auth').hidden = false;
        return;
      }
      if (!res.ok || !res.body) throw new Error('HTTP ' + res.status);
      say('');
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      let buf = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buf += value.replace(/\r\n?/g, '\n');
        let i;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          let event = 'message';
          const data = [];
          for (const line of block.split('\n')) {
            if (line.startsWith('event:')) event = line.slice(6).trim();
            else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
          }
          if (data.length === 0) continue;
          const obj = JSON.parse(data.join('\n'));
          if (event === 'data') onData(obj);
          else if (event === 'alarm') onAlarm(obj);
          else if (event === 'episode') addEpisodeRow(obj);
          else if (event === 'status') onStatus(obj);
        }
      }
    } catch (err) {
      // fall through to the reconnection below
    }
    $('state').dataset.state = 'offline';
    $('state').textContent = 'offline';
    say('Connection to NetSpot lost; reconnecting…');
    await new Promise((r) => setTimeout(r, 2000));
    await refresh().catch(() => undefined);
  }
}

// ---- actions ------------------------------------------------------------------------------

async function refresh() {
  const [s, cfg, series, alarms, episodes] = await Promise.all([
    api('GET', '/api/status'), api('GET', '/api/config'), api('GET', '/api/series'), api('GET', '/api/alarms?limit=30'),
    api('GET', '/api/episodes'),
  ]);
  showConfig(cfg);
  if (charts.size === 0 || !status || s.startedAt !== status.startedAt) {
    resetCharts(s.state === 'idle' ? cfg.analyzer.stats : s.stats);
    if (series.time !== null) {
      const rec = { time: series.time };
      for (const st of series.stats) Object.assign(rec, { [st.name]: st.value, [st.name + '_UP']: st.up, [st.name + '_DOWN']: st.down });
      onData(rec);
    }
  }
  $('alarms').tBodies[0].replaceChildren();
  for (const a of alarms.alarms) addAlarmRow(a);
  $('episodes').tBodies[0].replaceChildren();
  for (const e of episodes.episodes.slice(-30)) addEpisodeRow(e);
  showStatus(s);
}

async function run(action) {
  $('start').disabled = $('stop').disabled = true;
  try {
    say('');
    if (action === 'start') {
      $('alarms').tBodies[0].replaceChildren();
      $('episodes').tBodies[0].replaceChildren();
    }
    onStatus(await api('POST', '/api/run', { action }));
  } catch (err) {
    say(err.message);
    if (status) showStatus(status);
  }
}

$('start').addEventListener('click', () => run('start'));
$('stop').addEventListener('click', () => run('stop'));
$('device-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  try {
    showConfig(await api('POST', '/api/config', { miner: { device: $('device').value } }));
    say('');
  } catch (err) {
    say(err.message);
  }
});
$('auth-form').addEventListener('submit', (e) => {
  e.preventDefault();
  token = $('token').value.trim();
  sessionStorage.setItem('netspot-token', token);
  $('auth').hidden = true;
  start();
});
new ResizeObserver(() => {
  for (const c of charts.values()) {
    const w = c.card.querySelector('.plot').clientWidth;
    if (w > 0 && Math.abs(w - c.plot.width) > 4) c.plot.setSize({ width: w, height: 200 });
  }
}).observe($('charts'));

async function start() {
  try {
    await refresh();
    follow();
  } catch (err) {
    say(err.message);
  }
}

start();
