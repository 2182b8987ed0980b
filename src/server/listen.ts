/**
 * Binding the API to its endpoint. A Unix socket is created with mode 0600 (umask during
 * bind, then chmod), a stale socket left by a dead server is replaced, a live one is not, and
 * anything that is not a socket is never deleted.
 */
import { connect } from 'node:net';
import { chmod, lstat, unlink } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import { UsageError } from '../util/errors.js';
import { formatEndpoint, type Endpoint } from './endpoint.js';

/** Listens; returns the endpoint actually bound (port 0 becomes the real port). */
export async function listenOn(app: FastifyInstance, ep: Endpoint): Promise<Endpoint> {
  if (ep.kind === 'tcp') {
    try {
      await app.listen({ host: ep.host, port: ep.port });
    } catch (err) {
      throw new UsageError(`cannot listen on ${formatEndpoint(ep)}: ${(err as Error).message}`);
    }
    const addr = app.server.address();
    const port = typeof addr === 'object' && addr !== null ? addr.port : ep.port;
    return { kind: 'tcp', host: ep.host, port };
  }
  await clearStaleSocket(ep.path);
  const previous = process.umask(0o177);
  try {
    await app.listen({ path: ep.path });
  } catch (err) {
    throw new UsageError(`cannot listen on ${formatEndpoint(ep)}: ${(err as Error).message}`);
  } finally {
    process.umask(previous);
  }
  await chmod(ep.path, 0o600);
  return ep;
}

/** Removes the socket file after the server closed (node does not always). */
export async function removeSocket(ep: Endpoint): Promise<void> {
  if (ep.kind !== 'unix') return;
  const info = await lstat(ep.path).catch(() => null);
  if (info?.isSocket() === true) await unlink(ep.path).catch(() => undefined);
}

async function clearStaleSocket(path: string): Promise<void> {
  const info = await lstat(path).catch(() => null);
  if (info === null) return;
  if (!info.isSocket()) throw new UsageError(`cannot listen on unix://${path}: the file exists and is not a socket`);
  const alive = await new Promise<boolean>((resolve) => {
    const s = connect(path);
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
  if (alive) throw new UsageError(`cannot listen on unix://${path}: another server is listening there`);
  await unlink(path);
}
