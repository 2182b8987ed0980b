/** A SPOT parameter outside its allowed range; the message names it, its value and the range. */
export class SpotParameterError extends RangeError {
  override name = 'SpotParameterError';

  constructor(
    readonly parameter: string,
    readonly value: unknown,
    readonly allowed: string,
  ) {
    super(`invalid spot parameter ${parameter} = ${describe(value)}: must be ${allowed}`);
  }
}

function describe(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}
