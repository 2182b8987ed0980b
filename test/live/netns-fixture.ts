/**
 * An isolated link for the live tests: a veth pair whose far end lives in a network
 * namespace the test creates (iproute2). No ARP and no IPv6 on it, so the only packets on
 * the link are the ones the test sends. Addresses come from the benchmarking range
 * 198.18.0.0/15 and exist only on this machine.
 */
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';

export interface IsolatedLink {
  /** Network namespace holding the far end. */
  ns: string;
  /** veth end in the test's own namespace (capture here). */
  hostIf: string;
  nsIf: string;
  hostAddr: string;
  nsAddr: string;
  /** Runs `cmd args` inside the namespace; resolves with its stdout, rejects on failure. */
  exec(cmd: string, args: string[]): Promise<string>;
  /** Removes the namespace (and with it the pair). Safe to call twice. */
  destroy(): void;
}

function ip(args: string[]): string {
  return execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function quietly(fn: () => void): void {
  try {
    fn();
  } catch {
    // already gone
  }
}

function disableIpv6(path: string): void {
  if (existsSync(path)) writeFileSync(path, '1');
}

/** Creates the namespace and the pair; `index` (0..255) keeps concurrent users apart. */
export function createIsolatedLink(tag: string, index = 0): IsolatedLink {
  const id = `${tag}${process.pid % 10000}`;
  const ns = `netspot-${id}`;
  const hostIf = `${id}h`.slice(0, 15);
  const nsIf = `${id}n`.slice(0, 15);
  const hostAddr = `198.18.${index}.1`;
  const nsAddr = `198.18.${index}.2`;
  const destroy = (): void => {
    quietly(() => ip(['netns', 'del', ns]));
    quietly(() => ip(['link', 'del', hostIf]));
  };
  destroy();
  try {
    ip(['netns', 'add', ns]);
    ip(['link', 'add', hostIf, 'type', 'veth', 'peer', 'name', nsIf, 'netns', ns]);
    disableIpv6(`/proc/sys/net/ipv6/conf/${hostIf}/disable_ipv6`);
    ip(['netns', 'exec', ns, 'sh', '-c', `[ -e /proc/sys/net/ipv6/conf/${nsIf}/disable_ipv6 ] && echo 1 > /proc/sys/net/ipv6/conf/${nsIf}/disable_ipv6 || true`]);
    ip(['addr', 'add', `${hostAddr}/30`, 'dev', hostIf]);
    ip(['-n', ns, 'addr', 'add', `${nsAddr}/30`, 'dev', nsIf]);
    ip(['link', 'set', hostIf, 'up']);
    ip(['-n', ns, 'link', 'set', nsIf, 'up']);
    ip(['-n', ns, 'link', 'set', 'lo', 'up']);
    // Static neighbours: no ARP exchange on the link.
    const hostMac = readFileSync(`/sys/class/net/${hostIf}/address`, 'utf8').trim();
    const nsMac = ip(['-n', ns, '-o', 'link', 'show', nsIf]).match(/link\/ether ([0-9a-f:]{17})/)?.[1];
    if (!nsMac) throw new Error(`no MAC address for ${nsIf} in ${ns}`);
    ip(['neigh', 'replace', nsAddr, 'lladdr', nsMac, 'dev', hostIf, 'nud', 'permanent']);
    ip(['-n', ns, 'neigh', 'replace', hostAddr, 'lladdr', hostMac, 'dev', nsIf, 'nud', 'permanent']);
  } catch (err) {
    destroy();
    throw err;
  }
  const exec = (cmd: string, args: string[]): Promise<string> =>
    new Promise((resolve, reject) => {
      const child = spawn('ip', ['netns', 'exec', ns, cmd, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout.on('data', (b: Buffer) => (out += b.toString()));
      child.stderr.on('data', (b: Buffer) => (err += b.toString()));
      child.on('error', reject);
      child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`${cmd} in ${ns} exited ${code}: ${err}`))));
    });
  return { ns, hostIf, nsIf, hostAddr, nsAddr, exec, destroy };
}
