/** Known traffic for the live tests: UDP datagrams and TCP connections on this host. */
import dgram from 'node:dgram';
import net from 'node:net';
import { once } from 'node:events';

const DEADLINE_MS = 5000;

/** A UDP socket bound on `address` that counts what it receives. */
export async function udpReceiver(address: string): Promise<{ port: number; received(): number; close(): void }> {
  const sock = dgram.createSocket('udp4');
  let count = 0;
  sock.on('message', () => count++);
  sock.bind(0, address);
  await once(sock, 'listening');
  return { port: sock.address().port, received: () => count, close: () => sock.close() };
}

/** Resolves once `cond()` holds, rejects after the deadline (no fixed sleeps). */
export async function until(cond: () => boolean, what: string): Promise<void> {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > DEADLINE_MS) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

/**
 * Sends `count` datagrams of `size` payload bytes to address:port. With `delivered` (the
 * receiver's count), sends in chunks and waits for each, so no socket buffer overflows.
 */
export async function sendUdp(
  address: string,
  port: number,
  count: number,
  size = 32,
  delivered?: () => number,
): Promise<void> {
  const sock = dgram.createSocket('udp4');
  const payload = Buffer.alloc(size, 0x5a);
  const base = delivered ? delivered() : 0;
  try {
    for (let i = 0; i < count; i++) {
      await new Promise<void>((resolve, reject) => sock.send(payload, port, address, (e) => (e ? reject(e) : resolve())));
      if (delivered && ((i + 1) % 50 === 0 || i + 1 === count)) {
        await until(() => delivered() - base === i + 1, `datagram ${i + 1} of ${count} to be delivered`);
      }
    }
  } finally {
    sock.close();
  }
}

/** A TCP server on `address` that answers "ok" and counts connections. */
export async function tcpServer(address: string): Promise<{ port: number; accepted(): number; close(): Promise<void> }> {
  let accepted = 0;
  const server = net.createServer((s) => {
    accepted++;
    s.end('ok');
  });
  server.listen(0, address);
  await once(server, 'listening');
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    accepted: () => accepted,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Opens `count` TCP connections one after another, each reading the reply to its end. */
export async function connectTcp(address: string, port: number, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const s = net.connect(port, address);
    s.resume();
    await once(s, 'end');
    s.destroy();
  }
}
