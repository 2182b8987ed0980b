/**
 * Secrets in the configuration (schema keys annotated `secret: true`: the InfluxDB password and
 * token). The API shows that such a key is set, never its value; a client that sends back what it
 * read (the marker) keeps the stored secret instead of replacing it by the marker.
 */
import type { Config } from './schema.js';
import { configKeys, getKey, setKey } from './load.js';

/** What a set secret reads as through the API. */
export const REDACTED = '(set; hidden)';

function secretKeys(): string[] {
  return configKeys()
    .filter(({ schema }) => (schema as { secret?: boolean }).secret === true)
    .map(({ key }) => key);
}

/** A copy of `cfg` with every non-empty secret replaced by the marker. */
export function redactSecrets(cfg: Config): Config {
  const out = structuredClone(cfg);
  for (const key of secretKeys()) {
    const v = getKey(out, key);
    if (typeof v === 'string' && v !== '') setKey(out as unknown as Record<string, unknown>, key, REDACTED);
  }
  return out;
}

/** In a config patch, a secret given as the marker means "unchanged": it gets the current value. */
export function restoreSecrets(patch: Record<string, unknown>, current: Config): void {
  for (const key of secretKeys()) {
    if (getKey(patch, key) === REDACTED) setKey(patch, key, getKey(current, key));
  }
}
