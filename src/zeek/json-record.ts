/** A record of a Zeek JSON log (one object per line); absent fields are unset. */
import type { ZeekRecord, ZeekScalar, ZeekValue } from './zeek-record.js';

function isScalar(v: unknown): v is ZeekScalar {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
}

export class JsonRecord implements ZeekRecord {
  constructor(
    readonly path: string,
    readonly tsUs: number,
    private readonly obj: Record<string, unknown>,
  ) {}

  field(name: string): ZeekValue {
    const v = this.obj[name];
    if (isScalar(v)) return v;
    if (Array.isArray(v)) return v.filter(isScalar);
    return null;
  }

  fieldNames(): readonly string[] {
    return Object.keys(this.obj);
  }
}
