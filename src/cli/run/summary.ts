import type { Session } from '../../pipeline/session.js';
import type { PipelineStatus } from '../../pipeline/pipeline.js';
import { formatDuration } from '../../config/duration.js';
import { formatRate } from './format.js';

/** The end-of-run summary printed on stderr. */
export function formatSummary(session: Session, st: PipelineStatus, elapsedSeconds: number): string {
  const byStat = Object.entries(st.alarmsByStat).map(([k, v]) => `${k} ${v}`).join(', ');
  const lines = [
    `netspot: ${session.source.name}: ${st.packets} packets, ${st.periods} periods of ${formatDuration(session.periodNs)}, ` +
      `${st.alarms} alarms${byStat === '' ? '' : ` (${byStat})`}, ${st.malformed} malformed`,
    `netspot: ${elapsedSeconds.toFixed(2)} s, ${formatRate(st.packets / elapsedSeconds)}` +
      (st.dropped > 0 ? `, ${st.dropped} dropped by the capture` : ''),
  ];
  // Network exporters: what reached the peer and what was lost (never hidden).
  for (const h of session.exporterHealth()) {
    lines.push(
      `netspot: exporter ${h.name}: ${h.sent} records sent, ${h.dropped} dropped` +
        (h.droppedAlarms > 0 ? ` (${h.droppedAlarms} alarms)` : ''),
    );
  }
  return lines.join('\n');
}
