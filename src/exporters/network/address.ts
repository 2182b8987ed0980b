/** Network exporter addresses: unix:///path, tcp://host:port, udp://host:port (NetSpot's forms). */
import { UsageError } from '../../util/errors.js';

export interface UnixAddress { readonly scheme: 'unix'; readonly path: string; readonly text: string }
export interface TcpAddress { readonly scheme: 'tcp'; readonly host: string; readonly port: number; readonly text: string }
export interface UdpAddress { readonly scheme: 'udp'; readonly host: string; readonly port: number; readonly text: string }
export type PeerAddress = UnixAddress | TcpAddress | UdpAddress;

/** Parses `value` of config key `key`; a UsageError names both when it is not an address. */
export function parsePeerAddress(key: string, value: string, schemes: readonly string[] = ['unix', 'tcp', 'udp']): PeerAddress {
  const bad = (why: string): UsageError =>
    new UsageError(`bad value for ${key}: ${JSON.stringify(value)} (expected ${schemes.map((s) => (s === 'unix' ? 'unix:///path' : `${s}://host:port`)).join(', ')}: ${why})`);
  const m = /^([a-z]+):\/\/(.*)$/.exec(value);
  if (m === null) throw bad('no scheme');
  const [, scheme, rest] = m;
  if (!schemes.includes(scheme)) throw bad(`unknown scheme ${scheme}`);
  if (scheme === 'unix') {
    if (!rest.startsWith('/')) throw bad('the socket path must be absolute');
    return { scheme, path: rest, text: value };
  }
  // host:port, [v6]:port
  const hp = /^(?:\[([^\]]+)\]|([^:/[\]]+)):(\d+)$/.exec(rest);
  if (hp === null) throw bad('host and port needed');
  const port = Number(hp[3]);
  if (!(port >= 1 && port <= 65535)) throw bad(`port ${hp[3]} out of range`);
  const host = hp[1] ?? hp[2];
  return scheme === 'tcp' ? { scheme, host, port, text: value } : { scheme: 'udp', host, port, text: value };
}
