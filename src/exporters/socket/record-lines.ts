/**
 * The socket exporter's record forms, one record per line: JSON objects, or CSV rows under a
 * header with a fixed column order. Each carries type (data | alarm), time (Unix ns), series,
 * name (the configured tag) and the values.
 */
import { alarmRecordToJson, dataRecordToJson, type AlarmRecord, type DataRecord } from '../../records/index.js';

/** The JSON form: NetSpot's record with type, series and name added in front. */
export function dataJsonLine(r: DataRecord, tag: string): string {
  const json = dataRecordToJson(r); // {"time":T,...}
  return `{"type":"data","time":${r.timeNs},"series":${JSON.stringify(r.series)},"name":${JSON.stringify(tag)}${json.slice(`{"time":${r.timeNs}`.length)}`;
}

export function alarmJsonLine(a: AlarmRecord, tag: string): string {
  const json = alarmRecordToJson(a);
  return `{"type":"alarm","time":${a.timeNs},"series":${JSON.stringify(a.series)},"name":${JSON.stringify(tag)}${json.slice(`{"time":${a.timeNs}`.length)}`;
}

function csvText(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function csvNumber(v: number | null): string {
  return v !== null && Number.isFinite(v) ? String(v) : '';
}

/** Columns of data rows: the statistics in configuration order, each with its thresholds. */
export function dataCsvHeader(stats: readonly string[]): string {
  return ['type', 'time', 'series', 'name', ...stats.flatMap((s) => [s, `${s}_UP`, `${s}_DOWN`])].join(',');
}

export function dataCsvLine(r: DataRecord, tag: string, stats: readonly string[]): string {
  let line = `data,${r.timeNs},${csvText(r.series)},${csvText(tag)}`;
  for (const name of stats) {
    const s = r.stats.find((x) => x.name === name);
    line += s === undefined ? ',,,' : `,${csvNumber(s.value)},${csvNumber(s.up)},${csvNumber(s.down)}`;
  }
  return line;
}

export const ALARM_CSV_HEADER = 'type,time,series,name,stat,status,value,code,probability,threshold';

export function alarmCsvLine(a: AlarmRecord, tag: string): string {
  return `alarm,${a.timeNs},${csvText(a.series)},${csvText(tag)},${csvText(a.stat)},${a.status},${csvNumber(a.value)},${a.code},${csvNumber(a.probability)},${csvNumber(a.threshold)}`;
}
