/**
 * The JSON body parser: fastify's own (prototype-poisoning checks included), behind a nesting
 * bound. Deeply nested values overflow the stack of every recursive consumer downstream
 * (validation, error messages, merging, cloning); no API body needs more than a few levels, so
 * they are refused before parsing with a 400, at the cost of one pass over at most BODY_LIMIT
 * characters.
 */
import type { FastifyInstance } from 'fastify';
import { ApiError } from './api-error.js';

/** Deepest nesting of arrays and objects a body may have (the configuration needs 4). */
export const MAX_JSON_DEPTH = 32;

/** The deepest nesting in `text`, stopping as soon as it exceeds `limit` (strings skipped). */
export function jsonDepthExceeds(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > limit) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}

export function installJsonBodyParser(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    if (jsonDepthExceeds(body as string, MAX_JSON_DEPTH)) {
      done(new ApiError(400, `body nested deeper than ${MAX_JSON_DEPTH} levels of arrays and objects`), undefined);
      return;
    }
    parse(req, body as string, done);
  });
}
