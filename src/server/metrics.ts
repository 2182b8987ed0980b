/**
 * /metrics in Prometheus' text exposition format (version 0.0.4): the latest value and
 * thresholds of each statistic, the counters of the latest period, and lifetime totals.
 */
import type { RunController } from './run-controller.js';

function label(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function num(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

export function renderMetrics(ctl: RunController): string {
  const out: string[] = [];
  const family = (name: string, type: 'gauge' | 'counter', help: string): void => {
    out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
  };
  const st = ctl.status();
  const totals = ctl.totals();
  const latest = ctl.latest;

  family('netspot_running', 'gauge', '1 while a run is in progress');
  out.push(`netspot_running ${st.running ? 1 : 0}`);

  if (latest !== undefined) {
    const series = label(latest.series);
    family('netspot_stat_value', 'gauge', 'latest value of each statistic (NaN: no value this period)');
    for (const s of latest.stats) out.push(`netspot_stat_value{series="${series}",stat="${label(s.name)}"} ${num(s.value ?? NaN)}`);
    family('netspot_stat_threshold', 'gauge', 'thresholds the latest value was judged against (NaN while calibrating)');
    for (const s of latest.stats) {
      out.push(`netspot_stat_threshold{series="${series}",stat="${label(s.name)}",side="up"} ${num(s.up)}`);
      out.push(`netspot_stat_threshold{series="${series}",stat="${label(s.name)}",side="down"} ${num(s.down)}`);
    }
    family('netspot_counter', 'gauge', 'value of each counter over the latest period');
    for (const [name, v] of Object.entries(latest.counters)) out.push(`netspot_counter{series="${series}",counter="${label(name)}"} ${num(v)}`);
    family('netspot_period_end_seconds', 'gauge', 'end of the latest period, Unix seconds');
    out.push(`netspot_period_end_seconds ${Number(latest.timeNs) / 1e9}`);
  }

  family('netspot_packets_total', 'counter', 'packets processed since the server started');
  out.push(`netspot_packets_total ${totals.packets}`);
  family('netspot_periods_total', 'counter', 'periods analysed since the server started');
  out.push(`netspot_periods_total ${totals.periods}`);
  family('netspot_alarms_total', 'counter', 'alarms raised since the server started, per statistic');
  const stats = new Set([...st.stats, ...Object.keys(totals.alarmsByStat)]);
  for (const s of [...stats].sort()) out.push(`netspot_alarms_total{stat="${label(s)}"} ${totals.alarmsByStat[s] ?? 0}`);
  // The fan-out statistics loaded (or met before): 0 until one of their tables fills up.
  const bounded = new Set([...st.stats.filter((s) => s.endsWith('_FANOUT')), ...Object.keys(totals.approximateByStat)]);
  if (bounded.size > 0) {
    family('netspot_approximate_periods_total', 'counter', 'periods whose value of a fan-out statistic is a lower bound (its table was full), per statistic');
    for (const s of [...bounded].sort()) out.push(`netspot_approximate_periods_total{stat="${label(s)}"} ${totals.approximateByStat[s] ?? 0}`);
  }
  family('netspot_malformed_packets_total', 'counter', 'packets whose headers were cut short');
  out.push(`netspot_malformed_packets_total ${totals.malformed}`);
  family('netspot_dropped_packets_total', 'counter', 'packets dropped by the capture (live)');
  out.push(`netspot_dropped_packets_total ${totals.dropped}`);
  family('netspot_zeek_records_total', 'counter', 'Zeek log records read');
  out.push(`netspot_zeek_records_total ${totals.records}`);
  family('netspot_zeek_bad_lines_total', 'counter', 'Zeek log lines that were no records (skipped)');
  out.push(`netspot_zeek_bad_lines_total ${totals.badLines}`);
  family('netspot_zeek_late_records_total', 'counter', 'Zeek records later than zeek.lateness (not used)');
  out.push(`netspot_zeek_late_records_total ${totals.lateRecords}`);
  family('netspot_runs_total', 'counter', 'runs that ended since the server started');
  out.push(`netspot_runs_total ${totals.runs}`);
  family('netspot_sse_clients', 'gauge', 'event streams (/api/events) being written to');
  out.push(`netspot_sse_clients ${ctl.events.size}`);
  family('netspot_sse_dropped_total', 'counter', 'event streams dropped because their client fell behind');
  out.push(`netspot_sse_dropped_total ${ctl.events.dropped}`);

  // Network exporters (InfluxDB, socket, syslog): what they delivered and what they lost.
  const exporters = Object.keys(totals.exporters).sort();
  if (exporters.length > 0) {
    family('netspot_exporter_sent_total', 'counter', 'records a network exporter handed to its peer');
    for (const e of exporters) out.push(`netspot_exporter_sent_total{exporter="${label(e)}"} ${totals.exporters[e].sent}`);
    family('netspot_exporter_dropped_total', 'counter', 'records a network exporter lost (queue full, rejected, unsent at the flush deadline)');
    for (const e of exporters) out.push(`netspot_exporter_dropped_total{exporter="${label(e)}"} ${totals.exporters[e].dropped}`);
  }
  if (st.running && st.exporters.length > 0) {
    family('netspot_exporter_queued', 'gauge', 'records waiting in a network exporter\'s queue');
    for (const h of st.exporters) out.push(`netspot_exporter_queued{exporter="${label(h.name)}"} ${h.queued}`);
    family('netspot_exporter_up', 'gauge', '1 when the last send of a network exporter reached its peer');
    for (const h of st.exporters) out.push(`netspot_exporter_up{exporter="${label(h.name)}"} ${h.connected ? 1 : 0}`);
  }
  return out.join('\n') + '\n';
}
