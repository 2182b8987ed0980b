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

/**
 * The whole document, except that optional tables (the per-statistic sections `spot.R_SYN`...)
 * carry no defaults: the serializer would fill them in, and a client posting back what it read
 * would pin every inherited SPOT parameter to its default.
 */
function documentSchema(s: JsonSchema): JsonSchema {
  const out: JsonSchema = { ...s };
  if (typeof s.properties === 'object' && s.properties !== null) {
    const required = new Set((s.required as string[] | undefined) ?? []);
    const props: JsonSchema = {};
    for (const [k, v] of Object.entries(s.properties as Record<string, JsonSchema>)) {
      props[k] = v.type === 'object' && !required.has(k) ? partialDeep(v) : documentSchema(v);
    }
    out.properties = props;
  }
  return out;
}

export const ConfigDocumentSchema: JsonSchema = {
  ...documentSchema(plain()),
  description: 'The whole configuration, as in the TOML file (netspot defaults shows it)',
};

export const ConfigPatchSchema: JsonSchema = {
  ...partialDeep(plain()),
  description:
    'Part of a configuration: merged into the current one (tables merge, other values replace), then ' +
    'the result is validated whole. Applied at the next start.',
};
