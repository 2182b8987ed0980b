/** What one statistic gave over one period. */
export interface StatOutcome {
  readonly name: string;
  /** The statistic's value, or null when it had none (zero denominator). */
  readonly value: number | null;
  /** Upper/lower thresholds the value was judged against; NaN while calibrating or when the tail is off. */
  readonly up: number;
  readonly down: number;
  /** Detector status name (NORMAL, ALERT_UP, CALIBRATION, FIT_ERROR, ...), or NOT_JUDGED. */
  readonly status: string;
}

/**
 * The status of a value no detector saw: a statistic that is never judged (PERF), or any
 * statistic of the last, partial period of an input. Its thresholds are absent.
 */
export const NOT_JUDGED = 'NOT_JUDGED';

/** One record per period: NetSpot's data record. */
export interface DataRecord {
  /** End of the period, Unix nanoseconds. */
  readonly timeNs: bigint;
  readonly series: string;
  readonly stats: readonly StatOutcome[];
  /** Counter values of the period (for the summary, metrics and debugging). */
  readonly counters: Readonly<Record<string, number>>;
  /**
   * The input ended inside this period (end of file, stop): it covers less than a period
   * (`SOURCE_TIME`), ends at `timeNs`, and none of its statistics was judged.
   */
  readonly partial: boolean;
}

/** A JSON number, or null for NaN/Infinity/null (JSON has no such numbers). */
export function jsonNumber(v: number | null): string {
  return v !== null && Number.isFinite(v) ? String(v) : 'null';
}

/**
 * NetSpot's JSON form: `{"time":<ns>,"R_SYN":v,"R_SYN_UP":z,"R_SYN_DOWN":z,...}`. Thresholds
 * are present only when the detector had them; the time is written exactly (it exceeds 2^53).
 */
export function dataRecordToJson(r: DataRecord): string {
  let s = `{"time":${r.timeNs}`;
  for (const st of r.stats) {
    s += `,"${st.name}":${jsonNumber(st.value)}`;
    if (Number.isFinite(st.up)) s += `,"${st.name}_UP":${st.up}`;
    if (Number.isFinite(st.down)) s += `,"${st.name}_DOWN":${st.down}`;
  }
  return s + '}';
}
