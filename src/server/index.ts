/**
 * The NetSpot API server: `startServer` binds the API to an endpoint and returns a handle to
 * close it gracefully (stop the run, flush outputs, end event streams, remove the socket).
 */
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import type { Config } from '../config/schema.js';
import { UsageError } from '../util/errors.js';
import { buildApp } from './app.js';
import { formatEndpoint, isLoopbackHost, type Endpoint } from './endpoint.js';
import { listenOn, removeSocket } from './listen.js';
import { RunController } from './run-controller.js';
import { DEFAULT_LIMITS, type ServerLimits } from './limits.js';
import { OutputDir } from './output-dir.js';

export { parseEndpoint, formatEndpoint, DEFAULT_ENDPOINT, type Endpoint } from './endpoint.js';
export { readTokenFile } from './auth.js';
export { RunController } from './run-controller.js';
export { DEFAULT_LIMITS, type ServerLimits } from './limits.js';

export interface ServerOptions {
  endpoint: Endpoint;
  config: Config;
  token?: string;
  logger?: FastifyServerOptions['logger'];
  alarmCapacity?: number;
  keepAliveMs?: number;
  /** Confine the output files the configuration names to this existing directory. */
  outputDir?: string;
  /** Timeouts, connection and event-stream bounds (DEFAULT_LIMITS for what is not given). */
  limits?: Partial<ServerLimits>;
  onWarning?: (message: string) => void;
}

export interface RunningServer {
  /** The bound endpoint (with the real port when 0 was asked). */
  readonly endpoint: Endpoint;
  readonly url: string;
  readonly app: FastifyInstance;
  readonly controller: RunController;
  close(): Promise<void>;
}

export async function startServer(opts: ServerOptions): Promise<RunningServer> {
  const ep = opts.endpoint;
  const loopback = ep.kind === 'unix' || isLoopbackHost(ep.host);
  if (!loopback && opts.token === undefined) {
    throw new UsageError(
      `refusing to serve on ${formatEndpoint(ep)} without a token: that address is reachable from other machines; ` +
        'give --api.token-file FILE (a file holding a secret token), or listen on localhost or a unix:// socket',
    );
  }
  const limits: ServerLimits = { ...DEFAULT_LIMITS, ...opts.limits };
  if (limits.idleTimeoutMs <= limits.requestTimeoutMs) {
    // Otherwise a slow request is cut silently by the idle timer before it gets its 408.
    throw new UsageError(
      `--api.idle-timeout (${limits.idleTimeoutMs} ms) must be longer than --api.request-timeout (${limits.requestTimeoutMs} ms)`,
    );
  }
  const outputDir = opts.outputDir === undefined ? undefined : await OutputDir.open(opts.outputDir);
  const controller = new RunController(opts.config, {
    outputDir,
    alarmCapacity: opts.alarmCapacity, keepAliveMs: opts.keepAliveMs, onWarning: opts.onWarning,
    maxEventClients: limits.maxEventClients, eventQueueBytes: limits.eventQueueBytes,
  });
  const app = await buildApp({
    controller, token: opts.token, logger: opts.logger, loopbackHostOnly: ep.kind === 'tcp' && loopback && opts.token === undefined, limits,
  });
  // Event streams end before fastify waits for open connections.
  app.addHook('preClose', async () => controller.close());
  const bound = await listenOn(app, ep);
  let closing: Promise<void> | undefined;
  return {
    endpoint: bound,
    url: formatEndpoint(bound),
    app,
    controller,
    close: () =>
      (closing ??= (async () => {
        await app.close();
        await removeSocket(bound);
      })()),
  };
}
