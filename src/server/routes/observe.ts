import type { FastifyInstance } from 'fastify';
import { AlarmsQuerySchema, AlarmsSchema, SeriesSchema } from '../schemas.js';
import { finiteOrNull, jsonWithBigInt } from '../json-text.js';
import { renderMetrics } from '../metrics.js';
import { ApiError } from '../api-error.js';
import { errorResponses, type RouteContext } from './context.js';

const JSON_TYPE = 'application/json; charset=utf-8';

export function registerObserveRoutes(app: FastifyInstance, { controller }: RouteContext): void {
  app.get('/api/series', {
    schema: {
      summary: 'Latest value and thresholds of every statistic of the current (or last) run',
      tags: ['observe'],
      response: { 200: SeriesSchema, ...errorResponses(401) },
    },
    handler: async (_req, reply) => {
      const latest = controller.latest;
      const st = controller.status();
      const body =
        latest === undefined
          ? {
              series: st.series,
              time: null,
              stats: (st.state === 'idle' ? controller.getConfig().analyzer.stats : st.stats).map((name) => ({
                name, value: null, up: null, down: null, status: null,
              })),
            }
          : {
              series: latest.series,
              time: latest.timeNs,
              stats: latest.stats.map((s) => ({
                name: s.name, value: finiteOrNull(s.value), up: finiteOrNull(s.up), down: finiteOrNull(s.down), status: s.status,
              })),
            };
      // Times exceed 2^53: written exactly here rather than by the generic serializer.
      return reply.type(JSON_TYPE).send(jsonWithBigInt(body));
    },
  });

  app.get('/api/alarms', {
    schema: {
      summary: 'Recent alarms, oldest first (a bounded buffer)',
      description: 'Pass the `next` of the previous answer as `since` to get only newer alarms.',
      tags: ['observe'],
      querystring: AlarmsQuerySchema,
      response: { 200: AlarmsSchema, ...errorResponses(400, 401) },
    },
    handler: async (req, reply) => {
      const q = req.query as { since?: string; limit?: string };
      const page = controller.alarms.since(Number(q.since ?? 0), q.limit === undefined ? undefined : Number(q.limit));
      const body = {
        alarms: page.alarms.map(({ id, alarm: a }) => ({
          id, time: a.timeNs, status: a.status, stat: a.stat, value: finiteOrNull(a.value), code: a.code,
          probability: finiteOrNull(a.probability), threshold: finiteOrNull(a.threshold),
        })),
        next: page.next,
        missed: page.missed,
        capacity: controller.alarms.capacity,
      };
      return reply.type(JSON_TYPE).send(jsonWithBigInt(body));
    },
  });

  app.get('/api/events', {
    schema: {
      summary: 'Server-Sent Events: records and alarms as they happen',
      description:
        'A text/event-stream. Events: `status` (the status object; sent on connect and whenever a run ' +
        'starts or ends), `data` (NetSpot data record: {"time": ns, "R_SYN": v, "R_SYN_UP": z, ...}) ' +
        'once per period, `alarm` (NetSpot alarm record with its id). Comment lines keep the ' +
        'connection alive. A client that falls behind (too many bytes pending for it) gets a last `error` ' +
        'event ({"error", "code": 503}) and is disconnected. 503 when the server already has as many ' +
        'streams open as it allows.',
      tags: ['observe'],
      produces: ['text/event-stream'],
      response: {
        200: { description: 'event stream', content: { 'text/event-stream': { schema: { type: 'string' } } } },
        ...errorResponses(401, 503),
      },
    },
    handler: (req, reply) => {
      const hub = controller.events;
      if (!hub.hasRoom) throw new ApiError(503, `too many event streams open (limit ${hub.maxClients}): close one or try later`);
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
        'x-request-id': String(req.id),
      });
      res.write(`retry: 2000\nevent: status\ndata: ${jsonWithBigInt(controller.status())}\n\n`);
      // A stream is long-lived by design: the idle timeout does not apply; the queue bound does.
      res.socket?.setTimeout(0);
      hub.subscribe(res);
    },
  });

  app.get('/metrics', {
    schema: {
      summary: 'Prometheus metrics: statistics, thresholds, counters, alarms, drops',
      tags: ['observe'],
      produces: ['text/plain'],
      response: {
        200: { description: 'Prometheus text format 0.0.4', content: { 'text/plain': { schema: { type: 'string' } } } },
        ...errorResponses(401),
      },
    },
    handler: async (_req, reply) =>
      reply.type('text/plain; version=0.0.4; charset=utf-8').send(renderMetrics(controller)),
  });
}
