/**
 * The HTTP API as a fastify instance: validation with the route schemas (strict: no coercion,
 * no defaults, no silently dropped keys), the error model, access checks, request ids in
 * responses and logs, and the OpenAPI document built from the same schemas.
 */
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyServerOptions } from 'fastify';
import swagger from '@fastify/swagger';
import type { Ajv } from 'ajv';
import { randomUUID } from 'node:crypto';
import { ApiError, ErrorSchema, type ErrorDetail } from './api-error.js';
import { bearerMatches } from './auth.js';
import { isLoopbackHost } from './endpoint.js';
import type { RunController } from './run-controller.js';
import { loadDashboardFiles } from './dashboard-files.js';
import { registerConfigRoutes } from './routes/config.js';
import { registerRunRoutes } from './routes/run.js';
import { registerCatalogRoutes } from './routes/catalog.js';
import { registerObserveRoutes } from './routes/observe.js';
import { registerDocsRoutes } from './routes/docs.js';
import { version } from '../util/version.js';
import { installJsonBodyParser } from './json-body.js';
import { DEFAULT_LIMITS, type ServerLimits } from './limits.js';
import type { Socket } from 'node:net';
import { quoteValue } from '../config/load.js';

export const BODY_LIMIT = 64 * 1024;

export interface AppOptions {
  controller: RunController;
  /** Bearer token every API route requires; undefined = no token. */
  token?: string;
  /** Refuse requests whose Host is not a loopback name (DNS rebinding), for loopback TCP without token. */
  loopbackHostOnly?: boolean;
  logger?: FastifyServerOptions['logger'];
  limits?: ServerLimits;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Served without a token (the dashboard's static files). */
    public?: boolean;
  }
}

export async function buildApp(opts: AppOptions): Promise<FastifyInstance> {
  const limits = opts.limits ?? DEFAULT_LIMITS;
  const app = Fastify({
    logger: opts.logger ?? false,
    bodyLimit: BODY_LIMIT,
    forceCloseConnections: true,
    // Slow clients: headers and body within requestTimeout (checked often enough to matter),
    // idle keep-alive connections closed, silent connections closed (event streams opt out).
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    connectionTimeout: limits.idleTimeoutMs,
    http: {
      requestTimeout: limits.requestTimeoutMs,
      headersTimeout: limits.requestTimeoutMs,
      connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(limits.requestTimeoutMs / 4))),
    },
    clientErrorHandler: clientErrorAnswer(limits.requestTimeoutMs),
    frameworkErrors: (err, _req, reply) => {
      const status = err.statusCode !== undefined && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 400;
      void (reply as unknown as FastifyReply).code(status).header('connection', 'close').send({ error: err.message, code: status });
    },
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[\w.:-]{1,64}$/.test(given) ? given : randomUUID();
    },
    ajv: {
      customOptions: { coerceTypes: false, useDefaults: false, removeAdditional: false, allErrors: true, verbose: true },
      plugins: [(ajv: Ajv) => ajv.addKeyword('expected').addKeyword('output').addKeyword('minNs').addKeyword('maxNs').addKeyword('secret')],
    },
  });

  app.server.maxConnections = limits.maxConnections;
  // JSON only: a form or text body is a 415, never parsed (no cross-site "simple" requests).
  app.removeContentTypeParser('text/plain');
  installJsonBodyParser(app);
  app.addSchema(ErrorSchema);
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'NetSpot API',
        version,
        description:
          'Control and watch NetSpot: configuration, start/stop, statistics, alarms, live events, metrics. ' +
          'Errors are {"error": "...", "code": <status>, "details": [...]}.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: opts.token === undefined ? [] : [{ bearer: [] }],
      tags: [
        { name: 'config', description: 'configuration' },
        { name: 'run', description: 'starting, stopping, status' },
        { name: 'catalog', description: 'what can be computed and watched' },
        { name: 'observe', description: 'values, alarms, events, metrics' },
        { name: 'docs', description: 'this document' },
      ],
    },
    refResolver: { buildLocalReference: (json, _base, _frag, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
  });

  app.addHook('onRequest', async (req, reply) => {
    reply.header('x-request-id', req.id);
    if (opts.loopbackHostOnly === true) {
      const host = (req.headers.host ?? '').replace(/:\d+$/, '');
      // A refused client gets no more of our time: the connection closes after the answer.
      if (!isLoopbackHost(host)) throw new ApiError(403, `Host "${host}" refused: this server only answers to localhost names`);
    }
    if (opts.token !== undefined && req.routeOptions.config.public !== true) {
      if (!bearerMatches(req.headers.authorization, opts.token)) {
        reply.header('www-authenticate', 'Bearer realm="netspot"');
        throw new ApiError(401, 'missing or wrong token: send Authorization: Bearer <token>');
      }
    }
  });

  app.setErrorHandler((err: FastifyError | ApiError, req, reply) => {
    // Refused, or answered before the body was read: close rather than read the rest of it.
    if (!req.raw.complete || (err instanceof ApiError && (err.status === 401 || err.status === 403))) reply.header('connection', 'close');
    try {
      if (err instanceof ApiError) return reply.code(err.status).send(err.toBody());
      if (err.validation !== undefined) {
        const details = validationDetails(err.validation, err.validationContext ?? 'body');
        const message = details.length === 1 ? details[0].message : `invalid ${err.validationContext ?? 'request'}: ${details.map((d) => d.field).join(', ')}`;
        return reply.code(400).send({ error: message, code: 400, details });
      }
      const status = err.statusCode !== undefined && err.statusCode >= 400 && err.statusCode < 600 ? err.statusCode : 500;
      if (status >= 500) req.log.error({ err }, 'request failed');
      return reply.code(status).send({ error: status === 500 ? `internal error: ${err.message}` : err.message, code: status });
    } catch (inner) {
      // Describing the error failed (e.g. a hostile value): still answer in the documented shape.
      req.log.error({ err: inner }, 'error handler failed');
      return reply.code(500).send({ error: 'internal error', code: 500 });
    }
  });

  app.setNotFoundHandler((req, reply) =>
    reply.code(404).send({ error: `no route ${req.method} ${req.url.split('?')[0]}`, code: 404 }),
  );

  const ctx = { controller: opts.controller, dashboard: loadDashboardFiles() };
  registerConfigRoutes(app, ctx);
  registerRunRoutes(app, ctx);
  registerCatalogRoutes(app, ctx);
  registerObserveRoutes(app, ctx);
  registerDocsRoutes(app, ctx);
  return app;
}

interface AjvError {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
  parentSchema?: Record<string, unknown>;
  data?: unknown;
}

/** ajv errors -> one detail per field, naming the field and what it accepts. */
function validationDetails(errors: readonly unknown[], context: string): ErrorDetail[] {
  const byField = new Map<string, ErrorDetail & { rank: number }>();
  for (const raw of errors as AjvError[]) {
    const base = raw.instancePath.replace(/^\//, '').replaceAll('/', '.');
    let field = base;
    let message: string;
    let expected: string | undefined;
    let rank = 0;
    if (raw.keyword === 'additionalProperties') {
      field = join(base, String(raw.params.additionalProperty));
      message = `unknown key "${field}"`;
      rank = 2;
    } else if (raw.keyword === 'required') {
      field = join(base, String(raw.params.missingProperty));
      message = `missing ${field}`;
      rank = 2;
    } else {
      const ps = raw.parentSchema ?? {};
      expected = typeof ps.expected === 'string' ? ps.expected : `${raw.message ?? 'a valid value'}`;
      rank = typeof ps.expected === 'string' ? 1 : 0;
      message = `bad value for ${field === '' ? context : field}: ${raw.data === undefined ? 'nothing' : quoteValue(raw.data)} (expected ${expected})`;
    }
    if (field === '') field = context;
    // Unions report one error per branch: keep the clearest per field.
    const prev = byField.get(field);
    if (prev === undefined || rank > prev.rank) byField.set(field, { field, message, ...(expected === undefined ? {} : { expected }), rank });
  }
  return [...byField.values()].map(({ rank: _rank, ...d }) => d);
}

/** A client's value as JSON, cut short: an error message never echoes a whole body. */
/**
 * Errors before a request reaches fastify (timeouts, malformed HTTP, oversized headers): the
 * documented JSON shape, then the connection is closed.
 */
const clientErrorAnswer = (requestTimeoutMs: number) => (err: Error & { code?: string }, socket: Socket): void => {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, reason, message] =
    err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? [408, 'Request Timeout', `request not received in time: headers and body must arrive within ${requestTimeoutMs / 1000} s`]
      : err.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'Request Header Fields Too Large', 'request headers too large']
        : [400, 'Bad Request', `malformed HTTP request${err.code === undefined ? '' : ` (${err.code})`}`];
  const body = JSON.stringify({ error: message, code: status });
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy();
};

function join(base: string, key: string): string {
  return base === '' ? key : `${base}.${key}`;
}
