/**
 * What a detector step concluded, as a small integer (no object per step). NORMAL, EXCESS_UP
 * and ALERT_UP have libspot's codes 0, 1, 2 for the upper tail.
 */
export const Status = {
  NORMAL: 0,
  /** Beyond the upper excess threshold: the upper tail model was updated. */
  EXCESS_UP: 1,
  /** Beyond the upper anomaly threshold (alert mode): flagged, kept out of every model. */
  ALERT_UP: 2,
  EXCESS_DOWN: 3,
  ALERT_DOWN: 4,
  /** Filling the drift window (the first `depth` values). */
  INIT: 5,
  /** Collecting the calibration batch (the next `n_init` values). */
  CALIBRATION: 6,
  /** Not a finite number: nothing changed. */
  MISSING: 7,
  /**
   * A watched tail has no anomaly threshold (NaN: its fit found too few distinct excesses,
   * libspot's ERR_ANOMALY_THRESHOLD_IS_NAN): the value fed the models but could not be judged
   * on that tail. Lasts until the stream brings excesses the fit can use.
   */
  FIT_ERROR: 8,
} as const;
export type Status = (typeof Status)[keyof typeof Status];

/** Status names indexed by code. */
export const STATUS_NAMES: readonly string[] = [
  'NORMAL',
  'EXCESS_UP',
  'ALERT_UP',
  'EXCESS_DOWN',
  'ALERT_DOWN',
  'INIT',
  'CALIBRATION',
  'MISSING',
  'FIT_ERROR',
];

/** Every status code, in code order. */
export const STATUSES: readonly Status[] = [0, 1, 2, 3, 4, 5, 6, 7, 8];

/** The name of a status code ('NORMAL', 'ALERT_UP', ...). */
export function statusName(status: number): string {
  const name = STATUS_NAMES[status];
  if (name === undefined) throw new RangeError(`unknown SPOT status code ${status}`);
  return name;
}

/** ALERT_UP or ALERT_DOWN. */
export function isAlert(status: number): boolean {
  return status === Status.ALERT_UP || status === Status.ALERT_DOWN;
}
