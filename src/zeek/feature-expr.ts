/**
 * Feature expressions over Zeek logs: what one named value per period is made of.
 *
 *   LOG.count                 records of LOG in the period
 *   LOG.distinct(FIELD)       distinct values of FIELD (each element of a set or vector)
 *   LOG.sum(FIELD)            sum of FIELD        (numeric; unset values skipped)
 *   LOG.mean(FIELD)           mean of FIELD       (null in a period without a value)
 *   LOG.max(FIELD)            max of FIELD        (null in a period without a value)
 *   LOG.ratio(FIELD=VALUE)    share of LOG's records whose FIELD is VALUE (null without records)
 *
 * FIELD may be `len(FIELD)`: the length of a string (elements of a set or vector), e.g.
 * `dns.mean(len(query))`. The expression's text, normalised, is the statistic's name.
 */
import { UsageError } from '../util/errors.js';

export type FeatureOp = 'count' | 'distinct' | 'sum' | 'mean' | 'max' | 'ratio';

export interface FeatureExpr {
  /** Normalised text: the statistic name in records. */
  readonly name: string;
  readonly log: string;
  readonly op: FeatureOp;
  /** The column read (absent for count). */
  readonly field?: string;
  /** `len(FIELD)`: the length is used instead of the value. */
  readonly length?: boolean;
  /** ratio: the value compared with (booleans as T/F, like Zeek's TSV). */
  readonly value?: string;
}

const LOG = '[A-Za-z0-9_-]+';
const FIELD = '[A-Za-z0-9_.]+';
const FORM = new RegExp(`^(${LOG})\\.([a-z]+)(?:\\((.*)\\))?$`);

function fieldArg(arg: string, text: string, allowLen: boolean): { field: string; length: boolean } {
  const len = /^len\((.*)\)$/.exec(arg);
  const f = len === null ? arg : len[1].trim();
  if (len !== null && !allowLen) throw new UsageError(`bad feature "${text}": len() is for sum, mean and max`);
  if (!new RegExp(`^${FIELD}$`).test(f)) throw new UsageError(`bad feature "${text}": "${f}" is not a field name (letters, digits, _ and .)`);
  return { field: f, length: len !== null };
}

/** Parses one expression; a UsageError names the expression and what is wrong. */
export function parseFeature(text: string): FeatureExpr {
  const t = text.trim();
  const m = FORM.exec(t);
  const forms = 'LOG.count, LOG.distinct(FIELD), LOG.sum(FIELD), LOG.mean(FIELD), LOG.max(FIELD), LOG.ratio(FIELD=VALUE)';
  if (m === null) throw new UsageError(`bad feature "${text}": expected one of ${forms}`);
  const [, log, op, rawArg] = m;
  const arg = rawArg?.trim();
  switch (op) {
    case 'count':
      if (arg !== undefined) throw new UsageError(`bad feature "${text}": count takes no argument (write ${log}.count)`);
      return { name: `${log}.count`, log, op };
    case 'distinct': case 'sum': case 'mean': case 'max': {
      if (arg === undefined || arg === '') throw new UsageError(`bad feature "${text}": ${op} needs a field, as in ${log}.${op}(FIELD)`);
      const f = fieldArg(arg, text, op !== 'distinct');
      const inner = f.length ? `len(${f.field})` : f.field;
      return { name: `${log}.${op}(${inner})`, log, op, field: f.field, length: f.length };
    }
    case 'ratio': {
      const eq = arg === undefined ? -1 : arg.indexOf('=');
      if (arg === undefined || eq <= 0) throw new UsageError(`bad feature "${text}": ratio needs FIELD=VALUE, as in ${log}.ratio(conn_state=S0)`);
      const f = fieldArg(arg.slice(0, eq).trim(), text, false);
      let value = arg.slice(eq + 1).trim();
      if (/["\\\x00-\x1f]/.test(value)) throw new UsageError(`bad feature "${text}": the value may not hold quotes, backslashes or control characters`);
      if (value === 'true') value = 'T';
      if (value === 'false') value = 'F';
      return { name: `${log}.ratio(${f.field}=${value})`, log, op, field: f.field, value };
    }
    default:
      throw new UsageError(`bad feature "${text}": unknown operation "${op}" (expected one of ${forms})`);
  }
}

/** Parses a list, refusing duplicates (same normalised name). */
export function parseFeatures(texts: readonly string[]): FeatureExpr[] {
  const out: FeatureExpr[] = [];
  const seen = new Set<string>();
  for (const t of texts) {
    const f = parseFeature(t);
    if (seen.has(f.name)) throw new UsageError(`feature "${f.name}" is given twice`);
    seen.add(f.name);
    out.push(f);
  }
  return out;
}
