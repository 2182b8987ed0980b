/**
 * A private nats-server with JetStream (Debian's nats-server): a free loopback port and a
 * temporary store; killed hard and restarted on the same port and store by the restart tests.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createConnection } from 'node:net';
import { freePort, missingBinary, ServerProcess, tempDir, waitFor } from './servers.js';

export const NATS_SERVER = '/usr/sbin/nats-server';

export function natsServerMissing(): string | null {
  return missingBinary(NATS_SERVER, 'nats-server');
}

export class NatsServer {
  private proc: ServerProcess | undefined;
  private constructor(
    readonly port: number,
    readonly storeDir: string,
    private readonly config: string | undefined,
  ) {}

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  get output(): string {
    return this.proc?.output ?? '';
  }

  /**
   * `maxPayload`: the largest message the server takes, bytes (its default is 1 MiB);
   * `config`: more configuration lines (nats-operator.ts).
   */
  static async start(o: { maxPayload?: number; config?: string } = {}): Promise<NatsServer> {
    const dir = tempDir('nats');
    let config: string | undefined;
    if (o.maxPayload !== undefined || o.config !== undefined) {
      config = join(dir, 'nats.conf');
      writeFileSync(config, (o.maxPayload === undefined ? '' : `max_payload: ${o.maxPayload}\n`) + (o.config ?? ''));
    }
    const s = new NatsServer(await freePort(), join(dir, 'store'), config);
    await s.restart();
    return s;
  }

  /** Starts (again) on the same port and store; resolves once it accepts connections and JetStream is up. */
  async restart(): Promise<void> {
    const proc = new ServerProcess(spawn(NATS_SERVER, [...(this.config === undefined ? [] : ['-c', this.config]), '-js', '-sd', this.storeDir, '-a', '127.0.0.1', '-p', String(this.port)], { stdio: ['ignore', 'pipe', 'pipe'] }));
    this.proc = proc;
    await waitFor(`nats-server on ${this.port}`, async () => {
      if (!proc.running) throw new Error(`nats-server exited: ${proc.output}`);
      if (!/Server is ready/.test(proc.output)) return undefined;
      return new Promise<true | undefined>((resolve) => {
        const sock = createConnection(this.port, '127.0.0.1');
        sock.once('connect', () => (sock.destroy(), resolve(true)));
        sock.once('error', () => resolve(undefined));
      });
    });
  }

  /** SIGSTOP / SIGCONT: a server that stalls (no heartbeats, no answers) with its connections kept open. */
  pause(): void {
    this.proc?.proc.kill('SIGSTOP');
  }

  resume(): void {
    this.proc?.proc.kill('SIGCONT');
  }

  /** SIGKILL: no chance to write anything more. */
  async kill(): Promise<void> {
    const p = this.proc;
    if (p === undefined || !p.running) return;
    const exited = new Promise((resolve) => p.proc.once('exit', resolve));
    p.proc.kill('SIGKILL');
    await exited;
  }

  async stop(): Promise<void> {
    await this.proc?.stop();
  }
}
