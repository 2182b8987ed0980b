import type { Session } from '../../pipeline/session.js';
import type { PipelineStatus } from '../../pipeline/pipeline.js';
import { formatDuration } from '../../config/duration.js';
import { formatRate } from './format.js';
import { FANOUT_BOUNDS } from '../../counters/source-fanout.js';
import { LiveWorkerCapture } from '../../pipeline/live-workers.js';

/** The end-of-run summary printed on stderr. */
export function formatSummary(session: Session, st: PipelineStatus, elapsedSeconds: number): string {
  const byStat = Object.entries(st.alarmsByStat).map(([k, v]) => `${k} ${v}`).join(', ');
  const lines = [
    `netspot: ${session.source.name}: ${st.packets} packets, ${st.periods} periods of ${formatDuration(session.periodNs)}, ` +
      `${st.alarms} alarms${byStat === '' ? '' : ` (${byStat})`}, ${st.malformed} malformed`,
    `netspot: ${elapsedSeconds.toFixed(2)} s, ${formatRate(st.packets / elapsedSeconds)}` +
      (st.dropped > 0 ? `, ${st.dropped} dropped by the capture` : ''),
  ];
  // Live capture threads: how the kernel's fan-out spread the packets (one flow-heavy thread shows here).
  if (session.source instanceof LiveWorkerCapture) {
    lines.push(`netspot: ${session.workers} capture threads: ${session.source.workerPackets().join(' + ')} packets`);
  }
  // File counting threads: how much the main thread counted besides reading.
  const jobs = session.pipeline.workerJobs;
  if (jobs !== undefined) {
    const { local, all, localMs } = jobs.counted;
    const s = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
    lines.push(
      `netspot: ${session.workers} counting threads: the main thread counted ${local} of ${all} jobs (${s(localMs)}), ` +
        `waited ${s(jobs.waitMs)} for the workers, and spent ${s(jobs.runMs - localMs - jobs.waitMs)} on its own share (reading, cutting, merging, judging)`,
    );
  }
  // Bounded fan-out tables that filled up: those periods' values are lower bounds (never hidden).
  const approx = session.analyzer.approximate;
  if (approx.periods > 0) {
    const which = Object.entries(approx.byStat).map(([k, v]) => `${k} ${v}`).join(', ');
    lines.push(
      `netspot: ${approx.periods} periods approximate (${which}): a fan-out table was full ` +
        `(more than ${FANOUT_BOUNDS.sources} sources or ${FANOUT_BOUNDS.contacts} contacts a period), values are lower bounds`,
    );
  }
  // Network exporters: what reached the peer and what was lost (never hidden).
  for (const h of session.exporterHealth()) {
    lines.push(
      `netspot: exporter ${h.name}: ${h.sent} records sent, ${h.dropped} dropped` +
        (h.droppedAlarms > 0 ? ` (${h.droppedAlarms} alarms)` : ''),
    );
  }
  return lines.join('\n');
}
