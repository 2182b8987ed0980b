/**
 * The configuration as the API sees it: the full document (GET) and a patch (POST), both
 * derived from the one config schema, so the API cannot drift from the TOML file and flags.
 */
import { ConfigSchema } from '../config/schema.js';

type JsonSchema = Record<string, unknown>;

/** Plain JSON copy (TypeBox's symbol keys dropped). */
function plain(): JsonSchema {
  return JSON.parse(JSON.stringify(ConfigSchema)) as JsonSchema;
}

/** Every object level optional and no defaults: what a partial config may contain. */
function partialDeep(s: JsonSchema): JsonSchema {
  const out: JsonSchema = { ...s };
  delete out.default;
  if (s.type === 'object' && typeof s.properties === 'object' && s.properties !== null) {
    delete out.required;
    const props: JsonSchema = {};
    for (const [k, v] of Object.entries(s.properties as Record<string, JsonSchema>)) props[k] = partialDeep(v);
    out.properties = props;
  }
  return out;
}

export const ConfigDocumentSchema: JsonSchema = {
  ...plain(),
  description: 'The whole configuration, as in the TOML file (netspot defaults shows it)',
};

export const ConfigPatchSchema: JsonSchema = {
  ...partialDeep(plain()),
  description:
    'Part of a configuration: merged into the current one (tables merge, other values replace), then ' +
    'the result is validated whole. Applied at the next start.',
};
