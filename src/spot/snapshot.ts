/**
 * The saved state of a DriftSpot detector: a versioned, JSON-ready plain object. Non-finite
 * numbers (thresholds before a fit, for instance) are written as the strings "NaN",
 * "Infinity", "-Infinity" because JSON has no such numbers. Storage order of the ring buffers
 * is kept, so a restored detector continues bit for bit.
 */
import { type Static, type TSchema, Type } from '@sinclair/typebox';
import { type ValueError, Value } from '@sinclair/typebox/value';

/** Marks a NetSpot SPOT detector snapshot. */
export const SNAPSHOT_FORMAT = 'netspot-spot-detector';
/** The only snapshot version this code reads and writes. */
export const SNAPSHOT_VERSION = 1;

/** A snapshot that cannot be restored (other version, other format, damaged). */
export class SnapshotError extends Error {
  override name = 'SnapshotError';
}

const NumberOrSpecial = Type.Union([Type.Number(), Type.Literal('NaN'), Type.Literal('Infinity'), Type.Literal('-Infinity')]);
const Count = Type.Integer({ minimum: 0 });
const Finite = Type.Number();

const ConfigSchema = Type.Object(
  {
    depth: Type.Number(),
    q: Type.Number(),
    n_init: Type.Number(),
    level: Type.Number(),
    up: Type.Boolean(),
    down: Type.Boolean(),
    alert: Type.Boolean(),
    bounded: Type.Boolean(),
    max_excess: Type.Number(),
  },
  { additionalProperties: false },
);

const PeaksSchema = Type.Object(
  {
    values: Type.Array(Finite),
    cursor: Count,
    filled: Type.Boolean(),
    sum: NumberOrSpecial,
    sum_squares: NumberOrSpecial,
    min: NumberOrSpecial,
    max: NumberOrSpecial,
  },
  { additionalProperties: false },
);

const TailSchema = Type.Object(
  {
    n: Count,
    nt: Count,
    excess_threshold: NumberOrSpecial,
    anomaly_threshold: NumberOrSpecial,
    gamma: NumberOrSpecial,
    sigma: NumberOrSpecial,
    peaks: PeaksSchema,
  },
  { additionalProperties: false },
);

const DriftSchema = Type.Object(
  { values: Type.Array(Finite), cursor: Count, sum: NumberOrSpecial },
  { additionalProperties: false },
);

export const DriftSpotSnapshotSchema = Type.Object(
  {
    format: Type.Literal(SNAPSHOT_FORMAT),
    version: Type.Literal(SNAPSHOT_VERSION),
    config: ConfigSchema,
    phase: Type.Union([Type.Literal('init'), Type.Literal('calibration'), Type.Literal('stream')]),
    drift: Type.Union([DriftSchema, Type.Null()]),
    calibration: Type.Union([Type.Array(Finite), Type.Null()]),
    up: Type.Union([TailSchema, Type.Null()]),
    down: Type.Union([TailSchema, Type.Null()]),
  },
  { additionalProperties: false },
);

export type DriftSpotSnapshot = Static<typeof DriftSpotSnapshotSchema>;
export type TailSnapshot = Static<typeof TailSchema>;
export type PeaksSnapshot = Static<typeof PeaksSchema>;
export type DriftSnapshot = Static<typeof DriftSchema>;
export type SnapshotNumber = Static<typeof NumberOrSpecial>;

/** A number as written in a snapshot. */
export function encodeNumber(x: number): SnapshotNumber {
  if (Number.isFinite(x)) return x;
  return x !== x ? 'NaN' : x > 0 ? 'Infinity' : '-Infinity';
}

export function decodeNumber(x: SnapshotNumber): number {
  return typeof x === 'number' ? x : Number(x);
}

/**
 * Checks the envelope (format, version) then the shape of a parsed snapshot; throws a
 * SnapshotError saying what is wrong. Accepts the JSON text too.
 */
export function checkSnapshotShape(input: unknown): DriftSpotSnapshot {
  let value = input;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch (err) {
      throw new SnapshotError(`SPOT snapshot refused: not valid JSON (${(err as Error).message})`);
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new SnapshotError('SPOT snapshot refused: expected a JSON object');
  }
  const envelope = value as { format?: unknown; version?: unknown };
  if (envelope.format !== SNAPSHOT_FORMAT) {
    throw new SnapshotError(
      `SPOT snapshot refused: format ${JSON.stringify(envelope.format)} is not ${JSON.stringify(SNAPSHOT_FORMAT)}`,
    );
  }
  if (envelope.version !== SNAPSHOT_VERSION) {
    throw new SnapshotError(
      `SPOT snapshot refused: version ${JSON.stringify(envelope.version)} is not supported (this netspot reads version ${SNAPSHOT_VERSION})`,
    );
  }
  return checkSchema(DriftSpotSnapshotSchema, value) as DriftSpotSnapshot;
}

function checkSchema(schema: TSchema, value: unknown): unknown {
  if (Value.Check(schema, value)) return value;
  const error = deepest(Value.Errors(schema, value));
  const where = error?.path || '/';
  throw new SnapshotError(`SPOT snapshot refused: damaged at ${where}: ${error?.message ?? 'invalid'}`);
}

/** The error with the longest path: inside a union ("a tail or null"), the actual fault. */
function deepest(errors: Iterable<ValueError>): ValueError | undefined {
  let best: ValueError | undefined;
  for (const e of errors) {
    for (const candidate of [e, ...e.errors.map((nested) => deepest(nested))]) {
      if (candidate !== undefined && (best === undefined || candidate.path.length > best.path.length)) best = candidate;
    }
  }
  return best;
}

/**
 * True when a saved running sum agrees with the values it summarises, up to the rounding an
 * incrementally updated sum can accumulate.
 */
export function sumAgrees(saved: number, values: readonly number[], square = false): boolean {
  let sum = 0;
  let magnitude = 0;
  for (const v of values) {
    const term = square ? v * v : v;
    sum += term;
    magnitude += Math.abs(term);
  }
  return Math.abs(saved - sum) <= 1e-6 * magnitude + 1e-300;
}

/** Throws a "damaged" SnapshotError unless `ok`. */
export function ensureConsistent(ok: boolean, what: string): void {
  if (!ok) throw new SnapshotError(`SPOT snapshot refused: damaged: ${what}`);
}
