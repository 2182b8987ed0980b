/** A failure to report and exit with `exitCode` (1: unreachable or refused, 2: bad request). */
export class CtlError extends Error {
  override name = 'CtlError';
  constructor(message: string, readonly exitCode: number, readonly details: string[] = []) {
    super(message);
  }
}
