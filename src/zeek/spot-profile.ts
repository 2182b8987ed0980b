/**
 * bro-spotd's profile (`.ini`), read as is: `[default]` gives the detector parameters of every
 * feature (`q`, `n_init`, `level`, `up`, `down`, `bounded`, `max_excess`; `bro_type`, the
 * Broccoli type code, is accepted and ignored), and each other section names a feature to
 * watch, overriding them. NetSpot adds `alert` and `depth` (bro-spotd had no drift window, so
 * a profile's depth defaults to 0). Unknown keys and bad values are UsageErrors naming the
 * file, the line, the key and the value.
 */
import { readFile } from 'node:fs/promises';
import type { SpotParams } from '../config/schema.js';

/** The detector parameters a profile sets: bro-spotd's keys (the rebase policy is [spot]'s). */
export type ProfileParams = Omit<SpotParams, 'rebase_after'>;
import { SPOT_CONFIG_DEFAULTS, SpotParameterError, validateSpotConfig } from '../spot/index.js';
import { UsageError } from '../util/errors.js';

type Kind = 'number' | 'integer' | 'boolean';
const KEYS: Record<string, Kind> = {
  q: 'number', n_init: 'integer', level: 'number', up: 'boolean', down: 'boolean', bounded: 'boolean',
  max_excess: 'integer', alert: 'boolean', depth: 'integer', bro_type: 'integer',
};
const IGNORED = new Set(['bro_type']);

interface Section {
  params: Partial<ProfileParams>;
  /** Line of each key, for errors found when the section is validated as a whole. */
  lines: Map<string, number>;
  line: number;
}

export interface SpotProfile {
  readonly file: string;
  /** Watched features, in the profile's order (empty: the profile only sets defaults). */
  readonly features: readonly string[];
  /** Parameters of a feature: NetSpot's defaults (depth 0) < [default] < [feature]. */
  params(feature: string): ProfileParams;
}

function convert(kind: Kind, raw: string): number | boolean | undefined {
  if (kind === 'boolean') {
    const v = raw.toLowerCase();
    if (v === 'true' || v === '1' || v === 'yes' || v === 'on') return true;
    if (v === 'false' || v === '0' || v === 'no' || v === 'off') return false;
    return undefined;
  }
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(raw)) return undefined;
  const n = Number(raw);
  return kind === 'integer' && !Number.isInteger(n) ? undefined : n;
}

const EXPECTED: Record<Kind, string> = { number: 'a number', integer: 'an integer', boolean: 'true or false' };

export function parseSpotProfile(text: string, file: string): SpotProfile {
  const sections = new Map<string, Section>();
  let current: Section | undefined;
  let currentName = '';
  text.split(/\r?\n/).forEach((raw, i) => {
    const lineNo = i + 1;
    const line = raw.replace(/\s[;#].*$/, '').trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) return;
    const sec = /^\[\s*([^\]]+?)\s*\]$/.exec(line);
    if (sec !== null) {
      currentName = sec[1];
      if (sections.has(currentName)) throw new UsageError(`${file}:${lineNo}: section [${currentName}] given twice`);
      current = { params: {}, lines: new Map(), line: lineNo };
      sections.set(currentName, current);
      return;
    }
    const eq = line.indexOf('=');
    if (eq <= 0) throw new UsageError(`${file}:${lineNo}: expected "[section]" or "key = value", got "${raw.trim()}"`);
    const key = line.slice(0, eq).trim();
    const value = line.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1');
    if (current === undefined) throw new UsageError(`${file}:${lineNo}: key "${key}" (value "${value}") before any [section]`);
    const kind = KEYS[key];
    if (kind === undefined) {
      throw new UsageError(`${file}:${lineNo}: unknown key "${key}" (value "${value}") in [${currentName}]; expected one of ${Object.keys(KEYS).join(', ')}`);
    }
    const v = convert(kind, value);
    if (v === undefined) throw new UsageError(`${file}:${lineNo}: bad value for ${key} in [${currentName}]: "${value}" (expected ${EXPECTED[kind]})`);
    if (current.lines.has(key)) throw new UsageError(`${file}:${lineNo}: key "${key}" given twice in [${currentName}]`);
    current.lines.set(key, lineNo);
    if (!IGNORED.has(key)) (current.params as Record<string, unknown>)[key] = v;
  });

  const base: ProfileParams = { ...SPOT_CONFIG_DEFAULTS, depth: 0 };
  const defaults = sections.get('default');
  const merged = new Map<string, ProfileParams>();
  const check = (name: string, s: Section | undefined, params: ProfileParams): void => {
    try {
      validateSpotConfig(params);
    } catch (err) {
      if (!(err instanceof SpotParameterError)) throw err;
      const line = s?.lines.get(err.parameter) ?? defaults?.lines.get(err.parameter) ?? s?.line ?? 0;
      throw new UsageError(`${file}:${line}: bad value for ${err.parameter} in [${name}]: ${JSON.stringify(String(err.value))} (expected ${err.allowed})`);
    }
  };
  const withDefaults: ProfileParams = { ...base, ...(defaults?.params ?? {}) };
  check('default', defaults, withDefaults);
  for (const [name, s] of sections) {
    if (name === 'default') continue;
    const p = { ...withDefaults, ...s.params };
    check(name, s, p);
    merged.set(name, p);
  }
  return {
    file,
    features: [...merged.keys()],
    params: (feature: string) => merged.get(feature) ?? merged.get(feature.replace(/@.*$/, '')) ?? { ...withDefaults },
  };
}

export async function readSpotProfile(file: string): Promise<SpotProfile> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read profile ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  return parseSpotProfile(text, file);
}
