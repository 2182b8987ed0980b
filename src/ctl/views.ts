/** Human-readable forms of the API's answers. */
import { formatFields, formatNumber, formatTable } from './table.js';

interface Status {
  state: string;
  device: string | null;
  series: string | null;
  live: boolean;
  stats: string[];
  startedAt: string | null;
  endedAt: string | null;
  end: string | null;
  error: string | null;
  packets: number;
  periods: number;
  alarms: number;
  alarmsByStat: Record<string, number>;
  malformed: number;
  dropped: number;
  bytesRead: number;
  bytesTotal: number;
  exporters?: Array<{ name: string; sent: number; dropped: number; droppedAlarms: number; queued: number; connected: boolean; lastError: string | null }>;
}

export function statusView(s: Status): string {
  const state =
    s.state === 'ended'
      ? `ended (${s.end}${s.error !== null ? `: ${s.error}` : ''}) at ${s.endedAt}`
      : s.state === 'idle'
        ? 'idle (no run yet)'
        : `${s.state} since ${s.startedAt}`;
  const fields: Array<[string, string]> = [['state', state]];
  if (s.device !== null) fields.push(['device', `${s.device}${s.live ? ' (live)' : ''}`], ['series', s.series ?? '-']);
  if (s.stats.length > 0) fields.push(['stats', s.stats.join(', ')]);
  if (s.state !== 'idle') {
    const byStat = Object.entries(s.alarmsByStat).map(([k, v]) => `${k} ${v}`).join(', ');
    fields.push(
      ['packets', String(s.packets)],
      ['periods', String(s.periods)],
      ['alarms', byStat === '' ? String(s.alarms) : `${s.alarms} (${byStat})`],
      ['malformed', String(s.malformed)],
      ['dropped', String(s.dropped)],
    );
    if (s.bytesTotal > 0) fields.push(['read', `${s.bytesRead} / ${s.bytesTotal} bytes (${((100 * s.bytesRead) / s.bytesTotal).toFixed(0)}%)`]);
    for (const e of s.exporters ?? []) {
      fields.push([
        `exporter ${e.name}`,
        `${e.sent} sent, ${e.dropped} dropped${e.droppedAlarms > 0 ? ` (${e.droppedAlarms} alarms)` : ''}, ${e.queued} queued, ` +
          (e.connected ? 'connected' : `not connected${e.lastError === null ? '' : `: ${e.lastError}`}`),
      ]);
    }
  }
  return formatFields(fields);
}

export function statsView(body: { stats: Array<{ name: string; loaded: boolean; formula: string; description: string }> }): string {
  return formatTable(
    ['STAT', 'LOADED', 'FORMULA', 'DESCRIPTION'],
    body.stats.map((s) => [s.name, s.loaded ? 'yes' : '', s.formula, s.description]),
  );
}

export function devicesView(body: {
  devices: Array<{ name: string; flags: Record<string, unknown>; addresses: Array<{ family: string; address: string }> }>;
}): string {
  if (body.devices.length === 0) return 'no capture device';
  return formatTable(
    ['DEVICE', 'FLAGS', 'ADDRESSES'],
    body.devices.map((d) => [
      d.name,
      ['up', 'running', 'loopback', 'wireless'].filter((f) => d.flags[f] === true).join(','),
      d.addresses.filter((a) => a.family !== 'link').map((a) => a.address).join(' '),
    ]),
  );
}

export function seriesView(body: {
  series: string | null;
  time: number | null;
  stats: Array<{ name: string; value: number | null; up: number | null; down: number | null; status: string | null }>;
}, timeText: string | null): string {
  const head = body.time === null ? 'no period analysed yet' : `${body.series}: period ending ${timeText}`;
  const table = formatTable(
    ['STAT', 'VALUE', 'UP', 'DOWN', 'STATUS'],
    body.stats.map((s) => [s.name, formatNumber(s.value), formatNumber(s.up), formatNumber(s.down), s.status ?? '-']),
  );
  return `${head}\n${table}`;
}

export interface AlarmRow {
  id: number;
  time: string;
  stat: string;
  status: string;
  value: number | null;
  threshold: number | null;
  probability: number | null;
}

// Fixed widths: alarms print one line at a time when followed.
const ALARM_WIDTHS = [6, 28, 15, 11, 12, 12];

function alarmLine(cells: readonly string[]): string {
  return cells.map((c, i) => (i < ALARM_WIDTHS.length ? c.padEnd(ALARM_WIDTHS[i]) : c)).join(' ').trimEnd();
}

export const ALARM_HEADER = alarmLine(['ID', 'TIME', 'STAT', 'STATUS', 'VALUE', 'THRESHOLD', 'PROBABILITY']);

export function alarmView(a: AlarmRow): string {
  return alarmLine([String(a.id), a.time, a.stat, a.status, formatNumber(a.value), formatNumber(a.threshold), formatNumber(a.probability)]);
}
