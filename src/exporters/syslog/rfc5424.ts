/**
 * RFC 5424 syslog messages: `<PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID [SD] MSG`.
 * Alarms carry their fields as structured data (SD-ID `alarm@32473`), so a SIEM can parse them
 * without reading the text; 32473 is the enterprise number RFC 5612 reserves for examples.
 */
import { formatTimeNs, type AlarmRecord, type DataRecord } from '../../records/index.js';

export const FACILITY_CODES: Record<string, number> = {
  kern: 0, user: 1, mail: 2, daemon: 3, auth: 4, syslog: 5, lpr: 6, news: 7, uucp: 8, cron: 9, authpriv: 10, ftp: 11,
  ntp: 12, security: 13, console: 14, 'solaris-cron': 15,
  local0: 16, local1: 17, local2: 18, local3: 19, local4: 20, local5: 21, local6: 22, local7: 23,
};

export const SEVERITY = { warning: 4, info: 6 } as const;

export const ENTERPRISE = 32473;

export interface SyslogHeader {
  facility: number;
  hostname: string;
  appName: string;
  procId: string;
}

/** A header field: printable US-ASCII without spaces, at most `max` characters, '-' when empty. */
export function headerField(s: string, max: number): string {
  const clean = s.replace(/[^!-~]/g, '_').slice(0, max);
  return clean === '' ? '-' : clean;
}

/** PARAM-VALUE: `"`, `\` and `]` are escaped with a backslash. */
export function paramValue(s: string): string {
  return s.replace(/["\\\]]/g, (c) => `\\${c}`);
}

/** PARAM-NAME: printable ASCII except `=`, space, `]` and `"`, at most 32 characters. */
function paramName(s: string): string {
  return s.replace(/[^!-~]|[=\]"]/g, '_').slice(0, 32);
}

function num(v: number | null): string {
  return v !== null && Number.isFinite(v) ? String(v) : '';
}

function shortNum(v: number): string {
  return Number.isFinite(v) ? String(Number(v.toPrecision(4))) : String(v);
}

function message(h: SyslogHeader, severity: number, timeNs: bigint, msgId: string, sd: string, text: string): string {
  return `<${h.facility * 8 + severity}>1 ${formatTimeNs(timeNs)} ${h.hostname} ${h.appName} ${h.procId} ${msgId} ${sd} ${text}`;
}

export function alarmMessage(a: AlarmRecord, h: SyslogHeader): string {
  const params: Array<[string, string]> = [
    ['series', a.series], ['stat', a.stat], ['status', a.status], ['value', num(a.value)], ['threshold', num(a.threshold)],
    ['probability', num(a.probability)], ['code', String(a.code)],
  ];
  const sd = `[alarm@${ENTERPRISE}${params.map(([k, v]) => ` ${k}="${paramValue(v)}"`).join('')}]`;
  const side = a.code === 1 ? 'above' : 'below';
  const text = `${a.stat} ${a.status} on ${a.series}: value ${shortNum(a.value)} ${side} threshold ${shortNum(a.threshold)} (p = ${a.probability.toExponential(2)})`;
  return message(h, SEVERITY.warning, a.timeNs, 'ALARM', sd, text);
}

export function dataMessage(r: DataRecord, h: SyslogHeader): string {
  let sd = `[data@${ENTERPRISE} series="${paramValue(r.series)}"`;
  for (const s of r.stats) {
    sd += ` ${paramName(s.name)}="${num(s.value)}"`;
    if (Number.isFinite(s.up)) sd += ` ${paramName(`${s.name}_UP`)}="${s.up}"`;
    if (Number.isFinite(s.down)) sd += ` ${paramName(`${s.name}_DOWN`)}="${s.down}"`;
  }
  sd += ']';
  const text = `${r.series}: ${r.stats.map((s) => `${s.name} ${s.value === null ? '-' : shortNum(s.value)}`).join(', ')}`;
  return message(h, SEVERITY.info, r.timeNs, 'DATA', sd, text);
}

/** RFC 6587 octet counting: the message's length in bytes, a space, the message. */
export function octetCounted(msg: string): string {
  return `${Buffer.byteLength(msg)} ${msg}`;
}
