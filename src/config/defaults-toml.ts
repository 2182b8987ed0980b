/** The default configuration as commented TOML, generated from the schema. */
import type { TSchema } from '@sinclair/typebox';
import { ConfigSchema } from './schema.js';
import { defaultConfig, getKey } from './load.js';
import { statNames } from '../stats/index.js';

export function tomlValue(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(tomlValue).join(', ')}]`;
  return String(v);
}

function props(s: TSchema): Record<string, TSchema> {
  return (s as { properties?: Record<string, TSchema> }).properties ?? {};
}

export function defaultsToml(): string {
  const cfg = defaultConfig();
  const out: string[] = ['# NetSpot configuration (netspot run -c FILE). Every key can also be set as --section.key VALUE.', ''];
  const table = (schema: TSchema, path: string): void => {
    const leaves = Object.entries(props(schema)).filter(([, s]) => s.type !== 'object');
    const subtables = Object.entries(props(schema)).filter(([k, s]) => s.type === 'object' && !statNames.includes(k));
    if (leaves.length > 0) {
      if (schema.description !== undefined) out.push(`# ${schema.description}`);
      out.push(`[${path}]`);
      for (const [k, s] of leaves) {
        out.push(`# ${s.description ?? ''}`);
        out.push(`${k} = ${tomlValue(getKey(cfg, `${path}.${k}`))}`);
      }
      out.push('');
    }
    for (const [k, s] of subtables) table(s, `${path}.${k}`);
  };
  for (const [k, s] of Object.entries(props(ConfigSchema))) table(s, k);
  out.push('# Any [spot] key can be set for one statistic only, e.g.:');
  out.push('# [spot.R_SYN]');
  out.push('# q = 1e-5');
  out.push('# down = true');
  out.push('');
  return out.join('\n');
}
