import type { FastifyInstance } from 'fastify';
import { ConfigDocumentSchema, ConfigPatchSchema } from '../config-schemas.js';
import { errorResponses, type RouteContext } from './context.js';

export function registerConfigRoutes(app: FastifyInstance, { controller }: RouteContext): void {
  app.get('/api/config', {
    schema: {
      summary: 'Current configuration (used at the next start)',
      tags: ['config'],
      response: { 200: ConfigDocumentSchema, ...errorResponses(401) },
    },
    handler: async () => controller.publicConfig(),
  });

  app.post('/api/config', {
    schema: {
      summary: 'Merge a partial configuration into the current one',
      description:
        'The merged configuration is validated whole and replaces the current one only if valid: a ' +
        'request is applied entirely or not at all. A running analysis keeps its settings; they apply at ' +
        'the next start. Returns the new configuration. Secrets (InfluxDB password, token) read as "(set; hidden)"; ' +
        'sending that marker back keeps the stored secret. When the server confines outputs to a ' +
        'directory, output paths are resolved inside it (400 naming the key for a path that leads out).',
      tags: ['config'],
      body: ConfigPatchSchema,
      response: { 200: ConfigDocumentSchema, ...errorResponses(400, 401, 413, 415) },
    },
    handler: async (req) => {
      controller.patchConfig(req.body as Record<string, unknown>);
      return controller.publicConfig();
    },
  });
}
