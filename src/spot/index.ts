/**
 * SPOT anomaly detection (Siffer et al., KDD 2017), self-contained: no I/O, no packets.
 *
 * NetSpot's detector, one per statistic:
 *
 *   const d = new DriftSpot({ depth: 50, q: 1e-4, n_init: 1000, level: 0.98, up: true,
 *                             down: false, alert: true, bounded: true, max_excess: 200 });
 *   const status = d.step(x);            // Status.INIT | CALIBRATION | NORMAL | EXCESS_UP | ...
 *   d.upperThreshold, d.lowerThreshold   // thresholds x was judged against (drift included,
 *                                        // NaN before calibration or for a disabled tail)
 *   d.probability                        // for ALERT_UP/ALERT_DOWN: P(value at least as extreme)
 *   statusName(status), isAlert(status)
 *   const saved = d.snapshot();          // versioned plain object, JSON.stringify-able
 *   const again = DriftSpot.restore(saved);  // or restore(jsonText); SnapshotError if refused
 *
 * Configuration: SpotConfig has NetSpot's snake_case keys; SPOT_CONFIG_DEFAULTS are NetSpot's
 * defaults; resolveSpotConfig(partial) / validateSpotConfig(config) throw a SpotParameterError
 * (a RangeError with `parameter`, `value`, `allowed`) naming the parameter, the bad value and
 * the allowed range. `new DriftSpot(partial)` validates the same way.
 *
 * libspot 2.0 single tail, exact to the reference library:
 *
 *   const s = new Spot({ q: 1e-4, level: 0.98, low: false, discard_anomalies: true,
 *                        max_excess: 200, bounded: true });
 *   s.fit(batch) -> SpotFitResult.OK | ANOMALY_THRESHOLD_IS_NAN; s.step(x) -> SpotResult.NORMAL | EXCESS | ANOMALY | NAN_INPUT
 *   s.excessThreshold, s.anomalyThreshold, s.gamma, s.sigma, s.n, s.nt,
 *   s.quantile(p), s.probability(z)
 */
export { DriftSpot } from './drift-spot.js';
export { Status, STATUSES, STATUS_NAMES, statusName, isAlert } from './status.js';
export {
  type SpotConfig,
  SPOT_CONFIG_DEFAULTS,
  SPOT_CONFIG_KEYS,
  resolveSpotConfig,
  validateSpotConfig,
} from './config.js';
export { SpotParameterError } from './spot-parameter-error.js';
export {
  type DriftSpotSnapshot,
  SNAPSHOT_FORMAT,
  SNAPSHOT_VERSION,
  SnapshotError,
} from './snapshot.js';
export { Spot, SpotResult, SpotFitResult, type SpotOptions, SPOT_DEFAULTS } from './spot.js';
