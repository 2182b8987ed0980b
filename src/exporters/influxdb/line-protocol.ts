/**
 * InfluxDB line protocol: `measurement,tag=v,... field=v,... timestamp`. Escaping follows
 * InfluxDB's rules, checked against the real server (1.6): in measurements commas and spaces,
 * in tag keys, tag values and field keys commas, equals signs and spaces are preceded by a
 * backslash; string field values are double-quoted with `"` and `\` escaped.
 *
 * What line protocol cannot say is replaced, never left to break a line: InfluxDB 1.x takes
 * a backslash just before a separator (or ending a name) as escaping it, and reads `\\`
 * differently across versions, so such a backslash becomes `/`; a newline becomes a space;
 * a measurement cannot start with `#` (a comment line), which becomes `_`.
 */
import type { AlarmRecord, DataRecord } from '../../records/index.js';

/** Backslashes that would escape what follows them (a special character or the end). */
const MEASUREMENT_LONE_BACKSLASH = /\\(?=[, ]|$)/g;
const KEY_LONE_BACKSLASH = /\\(?=[,= ]|$)/g;

export function escapeMeasurement(s: string): string {
  return s
    .replace(/[\n\r]/g, ' ')
    .replace(MEASUREMENT_LONE_BACKSLASH, '/')
    .replace(/[, ]/g, (c) => `\\${c}`)
    .replace(/^#/, '_');
}

/** Tag keys, tag values and field keys. */
export function escapeKey(s: string): string {
  return s
    .replace(/[\n\r]/g, ' ')
    .replace(KEY_LONE_BACKSLASH, '/')
    .replace(/[,= ]/g, (c) => `\\${c}`);
}

export function stringField(s: string): string {
  return `"${s.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** A float field value; null when the value cannot be written (NaN, infinities). */
function floatField(v: number | null): string | null {
  return v !== null && Number.isFinite(v) ? String(v) : null;
}

/**
 * The data point of a period: fields are the statistics with their thresholds
 * (STAT, STAT_UP, STAT_DOWN); values that do not exist (no value, calibrating) are left out.
 * Null when no field remains (nothing to write).
 */
export function dataPoint(r: DataRecord, agent: string): string | null {
  let fields = '';
  const add = (key: string, v: number | null): void => {
    const f = floatField(v);
    if (f !== null) fields += `${fields === '' ? '' : ','}${escapeKey(key)}=${f}`;
  };
  for (const s of r.stats) {
    add(s.name, s.value);
    add(`${s.name}_UP`, s.up);
    add(`${s.name}_DOWN`, s.down);
  }
  if (fields === '') return null;
  return `${escapeMeasurement(r.series)},agent=${escapeKey(agent)},type=data ${fields} ${r.timeNs}`;
}

/**
 * An alarm point. `stat` is a tag: InfluxDB keeps one point per measurement, tag set and
 * time, so two alarms of one period (two statistics) stay two points.
 */
export function alarmPoint(a: AlarmRecord, agent: string): string {
  let fields = `status=${stringField(a.status)},code=${a.code}i`;
  for (const [k, v] of [['value', a.value], ['probability', a.probability], ['threshold', a.threshold]] as const) {
    const f = floatField(v);
    if (f !== null) fields += `,${k}=${f}`;
  }
  return `${escapeMeasurement(a.series)},agent=${escapeKey(agent)},stat=${escapeKey(a.stat)},type=alarm ${fields} ${a.timeNs}`;
}
