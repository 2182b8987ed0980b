import type { RunController } from '../run-controller.js';
import type { StaticFile } from '../dashboard-files.js';

/** What every route module receives. */
export interface RouteContext {
  readonly controller: RunController;
  readonly dashboard: ReadonlyMap<string, StaticFile>;
}

/** Error responses a route may give, for its OpenAPI entry. */
export function errorResponses(...codes: number[]): Record<number, unknown> {
  const out: Record<number, unknown> = {};
  for (const c of codes) out[c] = { $ref: 'Error#' };
  return out;
}
