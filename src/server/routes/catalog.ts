import type { FastifyInstance } from 'fastify';
import { statDefs } from '../../stats/index.js';
import { listDevices } from '../../source/devices.js';
import { ApiError } from '../api-error.js';
import { DevicesSchema, StatsSchema } from '../schemas.js';
import { errorResponses, type RouteContext } from './context.js';

export function registerCatalogRoutes(app: FastifyInstance, { controller }: RouteContext): void {
  app.get('/api/stats', {
    schema: {
      summary: 'Available statistics, with their definitions, and those loaded',
      tags: ['catalog'],
      response: { 200: StatsSchema, ...errorResponses(401) },
    },
    handler: async () => {
      const loaded = controller.getConfig().analyzer.stats;
      return {
        available: statDefs.map((d) => d.name),
        loaded,
        stats: statDefs.map((d) => ({
          name: d.name, description: d.description, formula: d.formula, requires: [...d.requires], loaded: loaded.includes(d.name),
        })),
      };
    },
  });

  app.get('/api/devices', {
    schema: {
      summary: 'Network interfaces available for live capture',
      description: '503 when live capture is not available in this build (native libpcap binding missing).',
      tags: ['catalog'],
      response: { 200: DevicesSchema, ...errorResponses(401, 503) },
    },
    handler: async () => {
      try {
        return { devices: listDevices() };
      } catch (err) {
        throw new ApiError(503, `cannot list devices: ${(err as Error).message}`);
      }
    },
  });
}
