/**
 * The parameters NetSpot gives each detector (its `[spot]` configuration keys), their
 * defaults, and their validation.
 */
import { MAX_EXCESS_LIMIT } from './spot.js';
import { SpotParameterError } from './spot-parameter-error.js';

export interface SpotConfig {
  /** Drift window: mean of the last `depth` non-alarm values; 0 disables the drift. */
  depth: number;
  /** Probability of an anomaly: 0 < q < 1 - level. */
  q: number;
  /** Number of values in the calibration batch (after the drift window is full). */
  n_init: number;
  /** Quantile level of the excess threshold: 0 <= level < 1. */
  level: number;
  /** Watch the upper tail. */
  up: boolean;
  /** Watch the lower tail. */
  down: boolean;
  /** Flag values beyond a threshold and keep them out of the models. */
  alert: boolean;
  /** Keep at most `max_excess` peaks per tail (false: keep every peak). */
  bounded: boolean;
  /** Peaks kept per tail when bounded. */
  max_excess: number;
}

/** NetSpot's defaults. */
export const SPOT_CONFIG_DEFAULTS: Readonly<SpotConfig> = Object.freeze({
  depth: 50,
  q: 1e-4,
  n_init: 1000,
  level: 0.98,
  up: true,
  down: false,
  alert: true,
  bounded: true,
  max_excess: 200,
});

/** Keys of SpotConfig, in documentation order. */
export const SPOT_CONFIG_KEYS: readonly (keyof SpotConfig)[] = [
  'depth',
  'q',
  'n_init',
  'level',
  'up',
  'down',
  'alert',
  'bounded',
  'max_excess',
];

/** Smallest calibration batch: P² needs five values. */
export const MIN_N_INIT = 5;
/** Largest drift window and calibration batch (both are held in memory). */
export const MAX_WINDOW = 10_000_000;

/**
 * Defaults completed with `partial`, validated. Throws a SpotParameterError (a RangeError)
 * whose message names the parameter, the bad value and the allowed range; unknown keys are
 * refused too.
 */
export function resolveSpotConfig(partial: Partial<SpotConfig> = {}): SpotConfig {
  for (const key of Object.keys(partial)) {
    if (!(SPOT_CONFIG_KEYS as readonly string[]).includes(key)) {
      throw new SpotParameterError(key, (partial as Record<string, unknown>)[key], `one of the keys ${SPOT_CONFIG_KEYS.join(', ')} (unknown key)`);
    }
  }
  const config: SpotConfig = { ...SPOT_CONFIG_DEFAULTS };
  for (const key of SPOT_CONFIG_KEYS) {
    const value = partial[key];
    if (value !== undefined) (config as unknown as Record<string, unknown>)[key] = value;
  }
  validateSpotConfig(config);
  return config;
}

/** Throws a SpotParameterError for the first parameter out of its range. */
export function validateSpotConfig(c: SpotConfig): void {
  integer('depth', c.depth, 0, MAX_WINDOW);
  if (typeof c.level !== 'number' || !(c.level >= 0 && c.level < 1)) {
    throw new SpotParameterError('level', c.level, 'a number with 0 <= level < 1');
  }
  if (typeof c.q !== 'number' || !(c.q > 0 && c.q < 1 - c.level)) {
    throw new SpotParameterError('q', c.q, `a number with 0 < q < 1 - level = ${+(1 - c.level).toPrecision(12)}`);
  }
  integer('n_init', c.n_init, MIN_N_INIT, MAX_WINDOW);
  for (const key of ['up', 'down', 'alert', 'bounded'] as const) {
    if (typeof c[key] !== 'boolean') throw new SpotParameterError(key, c[key], 'true or false');
  }
  integer('max_excess', c.max_excess, 1, MAX_EXCESS_LIMIT);
}

function integer(name: string, value: unknown, min: number, max: number): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new SpotParameterError(name, value, `an integer from ${min} to ${max}`);
  }
}
