/**
 * Checks real responses against the server's own OpenAPI document: the route and status must
 * be documented, and a JSON body must validate against the documented schema (ajv).
 */
import { Ajv, type ValidateFunction } from 'ajv';
import type { Reply } from './http.js';

export class OpenApiChecker {
  private readonly ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  private readonly cache = new Map<string, ValidateFunction>();
  readonly checked = new Set<string>();

  constructor(private readonly doc: any) {}

  check(method: string, path: string, reply: Reply): void {
    const route = path.split('?')[0];
    const op = this.doc.paths?.[route]?.[method.toLowerCase()];
    if (op === undefined) throw new Error(`${method} ${route} is not in the OpenAPI document`);
    const resp = op.responses?.[String(reply.status)];
    if (resp === undefined) throw new Error(`${method} ${route}: status ${reply.status} is not documented`);
    const type = String(reply.headers['content-type']).split(';')[0];
    const content = resp.content?.[type];
    if (content === undefined) throw new Error(`${method} ${route} ${reply.status}: content type ${type} is not documented`);
    this.checked.add(`${method} ${route} ${reply.status}`);
    if (type !== 'application/json') return;
    const key = `${method} ${route} ${reply.status}`;
    let validate = this.cache.get(key);
    if (validate === undefined) {
      // Local references (#/components/...) resolve against a root that carries the components.
      validate = this.ajv.compile({ ...content.schema, components: this.doc.components });
      this.cache.set(key, validate);
    }
    if (!validate(reply.json)) {
      throw new Error(`${method} ${route} ${reply.status}: body does not match the document: ${this.ajv.errorsText(validate.errors)}\n${reply.text.slice(0, 500)}`);
    }
  }
}
