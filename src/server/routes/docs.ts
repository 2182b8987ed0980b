import type { FastifyInstance } from 'fastify';
import type { RouteContext } from './context.js';

/** The OpenAPI document and the dashboard's static files. */
export function registerDocsRoutes(app: FastifyInstance, { dashboard }: RouteContext): void {
  app.get('/api/openapi.json', {
    schema: {
      summary: 'This OpenAPI 3 document',
      tags: ['docs'],
      response: { 200: { description: 'OpenAPI 3 document', type: 'object', additionalProperties: true } },
    },
    handler: async (_req, reply) => reply.type('application/json; charset=utf-8').send(JSON.stringify(app.swagger())),
  });

  for (const [url, file] of dashboard) {
    app.get(url, {
      schema: { hide: true },
      config: { public: true },
      handler: async (_req, reply) =>
        reply.type(file.type).header('cache-control', 'no-cache').header('x-content-type-options', 'nosniff').send(file.body),
    });
  }
}
