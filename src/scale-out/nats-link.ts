/**
 * A connection to NATS JetStream as both ends use it: the URL(s) and an optional credentials
 * file, and the stream of snapshots created when missing (subjects netspot.*.*.counters, kept
 * on disk, with JetStream's duplicate window so a re-sent snapshot is stored once).
 */
import { readFileSync } from 'node:fs';
import { connect, credsAuthenticator, type NatsConnection } from '@nats-io/transport-node';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { UsageError } from '../util/errors.js';

/** Subjects of the stream: every site's every sensor. */
export const SNAPSHOT_SUBJECTS = 'netspot.*.*.counters';

export interface NatsLinkOptions {
  /** nats://host:port, comma-separated for several servers. */
  url: string;
  /** The key that named the URL, for messages (exporter.nats.url, --nats). */
  urlKey: string;
  /** A .creds file, or '' (read now: a missing file is a usage error, not a retry). */
  credentials: string;
  credentialsKey: string;
  /** Client name shown by the server. */
  name: string;
}

export function serverList(url: string, key: string): string[] {
  const servers = url.split(',').map((s) => s.trim()).filter((s) => s !== '');
  for (const s of servers) {
    if (!/^(nats|tls):\/\/[^/\s]+$/.test(s)) throw new UsageError(`bad value for ${key}: ${JSON.stringify(s)} (expected nats://host:port)`);
  }
  if (servers.length === 0) throw new UsageError(`${key} is empty`);
  return servers;
}

/**
 * The credentials file, checked now: the client would only parse it when the server asks, and
 * a damaged file would then be a connection failure retried for ever.
 */
export function readCredentials(file: string, key: string): Uint8Array | undefined {
  if (file === '') return undefined;
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch (err) {
    throw new UsageError(`cannot read ${key} ${file}: ${(err as Error).message}`);
  }
  // As nsc writes it: a block with the user JWT, then one with the user's nkey seed (SU...).
  const blocks = [...new TextDecoder().decode(bytes).matchAll(/-{3,}[^\n]*-{3,}\n\s*(\S+)\s*\n\s*-{3,}[^\n]*-{3,}/g)].map((m) => m[1]);
  if (blocks.length < 2 || blocks[0].split('.').length !== 3 || !blocks[1].startsWith('SU')) {
    throw new UsageError(`bad value for ${key}: ${file} is not a NATS credentials file (expected a user JWT block, then a user nkey seed block, as nsc writes them)`);
  }
  return bytes;
}

/** Connects once (no background reconnection loop of the client's: callers retry on their own terms). */
export async function connectNats(o: NatsLinkOptions, reconnect: boolean): Promise<NatsConnection> {
  const creds = readCredentials(o.credentials, o.credentialsKey);
  return connect({
    servers: serverList(o.url, o.urlKey),
    name: o.name,
    authenticator: creds === undefined ? undefined : credsAuthenticator(creds),
    timeout: 3000,
    reconnect,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 250,
  });
}

/** Creates the stream unless it exists (it may hold more subjects: then it is left as it is). */
export async function ensureStream(jsm: JetStreamManager, stream: string): Promise<void> {
  try {
    await jsm.streams.info(stream);
    return;
  } catch (err) {
    if (!/not found/i.test((err as Error).message)) throw err;
  }
  try {
    await jsm.streams.add({ name: stream, subjects: [SNAPSHOT_SUBJECTS], duplicate_window: 120_000_000_000 });
  } catch (err) {
    // Another sensor created it in between.
    if (!/already in use|exists/i.test((err as Error).message)) throw err;
  }
}

export { jetstreamManager };
