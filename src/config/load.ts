/**
 * Building the effective configuration: defaults < TOML file < `--section.key value` flags,
 * then one validation pass whose errors name the key, the value and what was expected.
 */
import { parse as parseToml } from 'smol-toml';
import { Value } from '@sinclair/typebox/value';
import type { TSchema } from '@sinclair/typebox';
import { ConfigSchema, type Config } from './schema.js';
import { InputError, UsageError } from '../util/errors.js';
import { openInputFile } from '../util/safe-open.js';
import { SpotParameterError, validateSpotConfig } from '../spot/index.js';
import { detectorParams } from '../analyzer/stat-detector.js';
import { ALL_STATS, expandStats, statNames } from '../stats/index.js';
import { durationWithin } from './duration.js';

/** A fresh copy of the built-in defaults. */
export function defaultConfig(): Config {
  return Value.Create(ConfigSchema) as unknown as Config;
}

/** Reads a TOML file into a plain object (not yet validated). */
export async function readConfigFile(path: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    // Through safe-open: a FIFO or a device given as -c is refused instead of blocking.
    const handle = await openInputFile(path, 'config file');
    try {
      text = await handle.readFile('utf8');
    } finally {
      await handle.close();
    }
  } catch (err) {
    if (err instanceof UsageError) throw err;
    // A missing or unreadable file is a usage error here (the user named it on the command line).
    throw new UsageError(err instanceof InputError ? err.message : `cannot read config file ${path}: ${(err as Error).message}`);
  }
  return parseConfigText(text, path);
}

export function parseConfigText(text: string, origin: string): Record<string, unknown> {
  try {
    return parseToml(text) as Record<string, unknown>;
  } catch (err) {
    throw new UsageError(`config file ${origin} is not valid TOML: ${(err as Error).message.split('\n')[0]}`);
  }
}

/**
 * Deep-merges `patch` into `base` (tables merge, everything else replaces). Keys are own data
 * properties only: `__proto__`, `constructor` or `prototype` in a file or an API patch never
 * reach Object.prototype; they stay plain keys that validation reports as unknown.
 */
export function mergeConfig(base: Record<string, unknown>, patch: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(patch)) {
    const cur = ownValue(base, k);
    if (isTable(v) && isTable(cur)) mergeConfig(cur, v);
    else setOwn(base, k, isTable(v) ? structuredClone(v) : v);
  }
}

/** `obj[key]` if `obj` has it as its own property (never an inherited one such as `__proto__`). */
function ownValue(obj: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(obj, key) ? obj[key] : undefined;
}

/** `obj[key] = value` as an own data property (assigning `__proto__` would set the prototype). */
function setOwn(obj: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, writable: true, enumerable: true, configurable: true });
}

function isTable(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The schema of a dotted key (`spot.R_SYN.q`), or undefined when no such key exists. */
export function schemaOfKey(key: string): TSchema | undefined {
  let s: TSchema | undefined = ConfigSchema;
  for (const part of key.split('.')) {
    const props: Record<string, TSchema> | undefined = (s as { properties?: Record<string, TSchema> }).properties;
    if (props === undefined || !Object.hasOwn(props, part)) return undefined;
    s = props[part];
  }
  return s;
}

/** Every settable leaf key with its schema (per-statistic SPOT keys included). */
export function configKeys(): Array<{ key: string; schema: TSchema }> {
  const out: Array<{ key: string; schema: TSchema }> = [];
  const walk = (s: TSchema, prefix: string): void => {
    const props = (s as { properties?: Record<string, TSchema> }).properties;
    if (props === undefined || s.type !== 'object') {
      out.push({ key: prefix, schema: s });
      return;
    }
    for (const [k, sub] of Object.entries(props)) walk(sub, prefix === '' ? k : `${prefix}.${k}`);
  };
  walk(ConfigSchema, '');
  return out;
}

/**
 * Converts a command-line string to the type the key expects (numbers, booleans, lists);
 * a string that does not convert is kept as is so that validation reports it.
 */
export function coerceValue(key: string, raw: unknown): unknown {
  const schema = schemaOfKey(key);
  if (schema === undefined) throw new UsageError(`unknown config key "${key}"`);
  if (typeof raw !== 'string') return raw;
  switch (schema.type) {
    case 'number':
    case 'integer': {
      const n = raw.trim() === '' ? NaN : Number(raw);
      return Number.isNaN(n) ? raw : n;
    }
    case 'boolean': {
      const t = raw.toLowerCase();
      if (t === 'true' || t === 'yes' || t === 'on' || t === '1') return true;
      if (t === 'false' || t === 'no' || t === 'off' || t === '0') return false;
      return raw;
    }
    case 'array':
      return raw.split(',').map((x) => x.trim()).filter((x) => x !== '');
    default:
      return raw;
  }
}

/** Sets a dotted key in a config object, creating tables on the way. */
export function setKey(cfg: Record<string, unknown>, key: string, value: unknown): void {
  const parts = key.split('.');
  let t = cfg;
  for (let i = 0; i < parts.length - 1; i++) {
    let next = ownValue(t, parts[i]);
    if (!isTable(next)) setOwn(t, parts[i], (next = {}));
    t = next as Record<string, unknown>;
  }
  setOwn(t, parts[parts.length - 1], value);
}

/** Reads a dotted key, or undefined. */
export function getKey(cfg: unknown, key: string): unknown {
  let t: unknown = cfg;
  for (const p of key.split('.')) {
    if (!isTable(t)) return undefined;
    t = ownValue(t, p);
  }
  return t;
}

/** A value as an error message quotes it: JSON, cut after 80 characters (a 40 KB filter is not echoed). */
export function quoteValue(v: unknown): string {
  const text = JSON.stringify(v) ?? String(v);
  return text.length <= 80 ? text : `${text.slice(0, 60)}... (${text.length} characters)`;
}

/** Checks a whole config object; throws a UsageError listing every problem. */
export function validateConfig(cfg: unknown): Config {
  const problems: string[] = [];
  // `all` in analyzer.stats (file, -s, API) becomes the statistics it stands for.
  const analyzer = isTable(cfg) ? ownValue(cfg, 'analyzer') : undefined;
  if (isTable(analyzer)) {
    const stats = ownValue(analyzer, 'stats');
    if (Array.isArray(stats) && stats.includes(ALL_STATS)) setOwn(analyzer, 'stats', expandStats(stats as string[]));
  }
  // Statistics are upper case: an unknown upper-case [spot.X] is a typo, not a Zeek feature.
  const spot = getKey(cfg, 'spot');
  if (isTable(spot)) {
    for (const [k, v] of Object.entries(spot)) {
      if (isTable(v) && !statNames.includes(k) && /^[A-Z]/.test(k)) problems.push(`unknown config key "spot.${k}" (no such statistic)`);
    }
  }
  for (const e of Value.Errors(ConfigSchema, cfg)) {
    // Array items are reported by index (analyzer.stats.1): name the key itself.
    const key = e.path.replace(/^\//, '').replaceAll('/', '.').replace(/\.\d+$/, '');
    // [spot."dns.count"]: the feature's name holds dots; its keys are those of [spot].
    const spotTable = /^spot\/([^/]+)/.exec(e.path.replace(/^\//, ''));
    if (spotTable !== null && (spotTable[1] === '__proto__' || spotTable[1] === 'constructor' || spotTable[1] === 'prototype')) {
      problems.push(`unknown config key "spot.${spotTable[1]}"`);
      continue;
    }
    if (spotTable !== null && spotTable[0] === e.path.replace(/^\//, '') && schemaOfKey(`spot.${spotTable[1]}`) === undefined) {
      problems.push(`unknown config key "spot.${spotTable[1]}"`);
      continue;
    }
    const feature = /^spot\/([^/]+)\/([^/]+)$/.exec(e.path.replace(/^\//, ''));
    if (feature !== null && !statNames.includes(feature[1]) && schemaOfKey(`spot.${feature[2]}`) !== undefined) {
      const expected = (schemaOfKey(`spot.${feature[2]}`) as { expected?: string }).expected ?? e.message.toLowerCase();
      problems.push(`bad value for spot."${feature[1]}".${feature[2]}: ${JSON.stringify(e.value)} (expected ${expected})`);
      continue;
    }
    const keySchema = schemaOfKey(key);
    if (keySchema === undefined) {
      problems.push(`unknown config key "${key}"`);
      continue;
    }
    const expected = (keySchema as { expected?: string }).expected ?? e.message.toLowerCase();
    problems.push(`bad value for ${key}: ${quoteValue(e.value)} (expected ${expected})`);
  }
  if (problems.length > 0) throw new UsageError([...new Set(problems)].join('\n'));
  // Durations are checked on their parsed value here, when the config is set, not at start.
  const config = cfg as Config;
  for (const { key, schema } of configKeys()) {
    const { minNs, maxNs, expected } = schema as { minNs?: number; maxNs?: number; expected?: string };
    if (minNs === undefined || maxNs === undefined) continue;
    const text = getKey(config, key);
    if (typeof text === 'string' && !durationWithin(text, minNs, maxNs)) {
      problems.push(`bad value for ${key}: ${quoteValue(text)} (expected ${expected})`);
    }
  }
  // Constraints between SPOT keys (q < 1 - level) hold for every statistic's merged settings.
  for (const stat of statNames) {
    try {
      validateSpotConfig(detectorParams(config, stat));
    } catch (err) {
      if (!(err instanceof SpotParameterError)) throw err;
      const own = typeof config.spot[stat] === 'object' && Object.hasOwn(config.spot[stat] as object, err.parameter);
      problems.push(`bad value for spot.${own ? `${stat}.` : ''}${err.parameter}: ${err.message}`);
    }
  }
  if (problems.length > 0) throw new UsageError([...new Set(problems)].join('\n'));
  return config;
}

export interface ConfigSources {
  /** TOML file given with -c. */
  file?: string;
  /** `--section.key value` pairs, in command-line order (later wins). */
  overrides?: ReadonlyArray<readonly [string, unknown]>;
}

/** defaults < file < overrides, validated. */
export async function loadConfig(src: ConfigSources = {}): Promise<Config> {
  const cfg = defaultConfig() as unknown as Record<string, unknown>;
  if (src.file !== undefined) mergeConfig(cfg, await readConfigFile(src.file));
  for (const [key, value] of src.overrides ?? []) setKey(cfg, key, coerceValue(key, value));
  return validateConfig(cfg);
}
