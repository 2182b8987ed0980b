import type { FastifyInstance } from 'fastify';
import { RunActionSchema, StatusSchema, type RunAction } from '../schemas.js';
import { errorResponses, type RouteContext } from './context.js';

export function registerRunRoutes(app: FastifyInstance, { controller }: RouteContext): void {
  app.post('/api/run', {
    schema: {
      summary: 'Start or stop the analysis',
      description:
        'start: opens miner.device with the current configuration and analyses it in the background ' +
        '(409 when a run is in progress, when no statistic is loaded, when the source cannot be ' +
        'opened, or when an output path leads out of the server\'s output directory through a ' +
        'symlink). stop: ends the run after emitting its last, partial period and flushing outputs; ' +
        'stopping when nothing runs is not an error. Both return the status.',
      tags: ['run'],
      body: RunActionSchema,
      response: { 200: StatusSchema, ...errorResponses(400, 401, 409, 413, 415) },
    },
    handler: async (req) => {
      const { action } = req.body as RunAction;
      return action === 'start' ? controller.start() : controller.stop();
    },
  });

  app.get('/api/status', {
    schema: {
      summary: 'State of the analysis: running or not, source, start time, packets, periods, alarms, drops',
      tags: ['run'],
      response: { 200: StatusSchema, ...errorResponses(401) },
    },
    handler: async () => controller.status(),
  });
}
