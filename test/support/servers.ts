/**
 * Private instances of real servers for the exporter tests: each gets free loopback ports, a
 * temporary directory and its own config, and is stopped by the test. Nothing of a system
 * instance is used or touched.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A TCP port free on 127.0.0.1 right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

/** Why a server package's binary cannot be used (for `t.skip`), or null. */
export function missingBinary(path: string, pkg: string): string | null {
  return existsSync(path) ? null : `${path} not found: install Debian's ${pkg} package (apt-get install ${pkg}; .ci/run does)`;
}

/** Temporary folders of this test process, removed when it exits. */
const tempDirs: string[] = [];

export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `netspot-${prefix}-`));
  if (tempDirs.push(dir) === 1) {
    process.once('exit', () => {
      for (const d of tempDirs) rmSync(d, { recursive: true, force: true });
    });
  }
  return dir;
}

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${last === undefined ? '' : `: ${String(last)}`}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A child process with its output kept (for failure messages) and a stop that waits for exit. */
export class ServerProcess {
  output = '';
  private exited: Promise<void>;
  constructor(readonly proc: ChildProcess) {
    proc.stdout?.on('data', (d: Buffer) => (this.output = (this.output + d.toString()).slice(-20_000)));
    proc.stderr?.on('data', (d: Buffer) => (this.output = (this.output + d.toString()).slice(-20_000)));
    this.exited = new Promise((resolve) => proc.once('exit', () => resolve()));
  }
  get running(): boolean {
    return this.proc.exitCode === null && this.proc.signalCode === null;
  }
  async stop(): Promise<void> {
    if (!this.running) return;
    this.proc.kill('SIGTERM');
    const t = setTimeout(() => this.proc.kill('SIGKILL'), 10_000);
    await this.exited;
    clearTimeout(t);
  }
}

export const INFLUXD = '/usr/bin/influxd';

/** influxd 1.x on free ports with its data in a temporary directory. `restart` keeps both. */
export class Influxd {
  private server: ServerProcess | undefined;
  readonly url: string;
  private constructor(readonly dir: string, readonly httpPort: number, private readonly confPath: string) {
    this.url = `http://127.0.0.1:${httpPort}`;
  }

  static async start(): Promise<Influxd> {
    const dir = tempDir('influxd');
    const httpPort = await freePort();
    const rpcPort = await freePort();
    const conf = join(dir, 'influxdb.conf');
    writeFileSync(
      conf,
      [
        'reporting-disabled = true',
        `bind-address = "127.0.0.1:${rpcPort}"`,
        '[meta]', `  dir = "${join(dir, 'meta')}"`,
        '[data]', `  dir = "${join(dir, 'data')}"`, `  wal-dir = "${join(dir, 'wal')}"`, '  query-log-enabled = false',
        '[monitor]', '  store-enabled = false',
        '[http]', `  bind-address = "127.0.0.1:${httpPort}"`, '  log-enabled = false', '  max-row-limit = 0',
        '[continuous_queries]', '  enabled = false',
        '[logging]', '  level = "warn"',
        '',
      ].join('\n'),
    );
    const db = new Influxd(dir, httpPort, conf);
    await db.restart();
    return db;
  }

  /** Starts influxd (again, with the same port and data) and waits until it answers. */
  async restart(): Promise<void> {
    this.server = new ServerProcess(spawn(INFLUXD, ['-config', this.confPath], { stdio: ['ignore', 'pipe', 'pipe'] }));
    const s = this.server;
    await waitFor(`influxd on ${this.url} (${s.output.slice(-500)})`, async () => {
      if (!s.running) throw new Error(`influxd exited: ${s.output.slice(-2000)}`);
      const res = await fetch(`${this.url}/ping`);
      return res.status === 204 ? true : undefined;
    });
  }

  async stop(): Promise<void> {
    await this.server?.stop();
  }

  async cleanup(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** An InfluxQL query; the JSON answer's first result. */
  async query(db: string, q: string): Promise<InfluxResult> {
    const res = await fetch(`${this.url}/query?${new URLSearchParams({ db, q })}`);
    const body = (await res.json()) as { results: InfluxResult[]; error?: string };
    if (res.status !== 200 || body.error !== undefined) throw new Error(`query ${q}: HTTP ${res.status} ${JSON.stringify(body)}`);
    if (body.results[0].error !== undefined) throw new Error(`query ${q}: ${body.results[0].error}`);
    return body.results[0];
  }
}

/** Rows of a query with times as exact nanosecond strings (JSON numbers would round them). */
export async function influxRows(db: Influxd, database: string, q: string): Promise<Array<Record<string, unknown>>> {
  const res = await fetch(`${db.url}/query?${new URLSearchParams({ db: database, q, epoch: 'ns' })}`);
  const text = (await res.text()).replace(/\[(\d+),/g, '["$1",');
  const body = JSON.parse(text) as { results: InfluxResult[] };
  if (res.status !== 200 || body.results[0].error !== undefined) throw new Error(`query ${q}: HTTP ${res.status} ${text.slice(0, 500)}`);
  const rows: Array<Record<string, unknown>> = [];
  for (const s of body.results[0].series ?? []) {
    for (const v of s.values) rows.push(Object.fromEntries([['_measurement', s.name], ...Object.entries(s.tags ?? {}), ...s.columns.map((c, i) => [c, v[i]])]));
  }
  return rows;
}

export interface InfluxSeries {
  name: string;
  tags?: Record<string, string>;
  columns: string[];
  values: unknown[][];
}
export interface InfluxResult {
  series?: InfluxSeries[];
  error?: string;
}

export function hasBinary(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
}

export const RSYSLOGD = '/usr/sbin/rsyslogd';

/**
 * rsyslogd with its own config: UDP and TCP inputs on free ports and a unix datagram socket
 * in a temporary directory; every message it receives is written to `out` as one line of
 * tab-separated fields as rsyslog parsed them.
 */
export class Rsyslogd {
  static readonly FIELDS = ['pri', 'protocol-version', 'timereported', 'hostname', 'app-name', 'procid', 'msgid', 'structured-data', 'msg'] as const;
  private constructor(
    private readonly server: ServerProcess,
    readonly dir: string,
    readonly udpPort: number,
    readonly tcpPort: number,
    readonly socketPath: string,
    readonly out: string,
  ) {}

  static async start(): Promise<Rsyslogd> {
    const dir = tempDir('rsyslogd');
    const udpPort = await freePort();
    const tcpPort = await freePort();
    const socketPath = join(dir, 'log.sock');
    const out = join(dir, 'messages.tsv');
    const props = Rsyslogd.FIELDS.map((f, i) => `property(name="${f}"${f === 'timereported' ? ' dateFormat="rfc3339"' : ''})${i < Rsyslogd.FIELDS.length - 1 ? ' constant(value="\\t")' : ' constant(value="\\n")'}`);
    writeFileSync(join(dir, 'rsyslog.conf'), [
      `global(workDirectory="${dir}" maxMessageSize="64k")`,
      'module(load="imudp")', 'module(load="imtcp")', 'module(load="imuxsock" SysSock.Use="off")',
      `input(type="imudp" address="127.0.0.1" port="${udpPort}")`,
      `input(type="imtcp" address="127.0.0.1" port="${tcpPort}")`,
      `input(type="imuxsock" Socket="${socketPath}" UseSpecialParser="off" ParseHostname="on" IgnoreTimestamp="off")`,
      `template(name="fields" type="list") { ${props.join(' ')} }`,
      `if $app-name != "rsyslogd" then { action(type="omfile" file="${out}" template="fields" flushInterval="1" asyncWriting="off") }`,
      '',
    ].join('\n'));
    const server = new ServerProcess(spawn(RSYSLOGD, ['-n', '-f', join(dir, 'rsyslog.conf'), '-i', join(dir, 'rsyslogd.pid')], { stdio: ['ignore', 'pipe', 'pipe'] }));
    const r = new Rsyslogd(server, dir, udpPort, tcpPort, socketPath, out);
    await waitFor(`rsyslogd listening (${server.output.slice(-500)})`, async () => {
      if (!server.running) throw new Error(`rsyslogd exited: ${server.output.slice(-2000)}`);
      if (!existsSync(socketPath)) return undefined;
      return new Promise<true | undefined>((resolve) => {
        const c = createConnection({ port: tcpPort, host: '127.0.0.1' }, () => {
          c.destroy();
          resolve(true);
        });
        c.on('error', () => resolve(undefined));
      });
    });
    return r;
  }

  /** What rsyslog wrote so far, one record of parsed fields per message. */
  messages(): Array<Record<(typeof Rsyslogd.FIELDS)[number], string>> {
    if (!existsSync(this.out)) return [];
    return readFileSync(this.out, 'utf8').split('\n').filter((l) => l !== '').map((l) => {
      const f = l.split('\t');
      return Object.fromEntries(Rsyslogd.FIELDS.map((k, i) => [k, f[i]])) as Record<(typeof Rsyslogd.FIELDS)[number], string>;
    });
  }

  async cleanup(): Promise<void> {
    await this.server.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
