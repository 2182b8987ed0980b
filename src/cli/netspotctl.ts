#!/usr/bin/env node
/**
 * `netspotctl`: controls a running `netspot serve` through its HTTP API. Exit codes: 0 done,
 * 1 server unreachable or request refused, 2 bad usage (or a value the server rejected).
 */
import { CommanderError } from 'commander';
import { UsageError } from '../util/errors.js';
import { parseEndpoint } from '../server/endpoint.js';
import { readTokenFile } from '../server/auth.js';
import type { ApiClient } from '../ctl/api-client.js';
import { CtlError } from '../ctl/ctl-error.js';
import { netspotctlProgram, type CtlGlobalFlags } from './ctl-program.js';

export async function main(argv: readonly string[]): Promise<number> {
  let client: ApiClient | undefined;
  const program = netspotctlProgram((program) => ({
    client: async () => {
      if (client !== undefined) return client;
      const flags = program.opts<CtlGlobalFlags>();
      const token = flags.tokenFile === undefined ? undefined : await readTokenFile(flags.tokenFile);
      // Loaded on the first request: --help and usage errors do not pay for the HTTP client (undici).
      const { ApiClient } = await import('../ctl/api-client.js');
      client = new ApiClient(parseEndpoint(flags.endpoint), token);
      return client;
    },
    json: () => program.opts<CtlGlobalFlags>().json === true,
    out: (text) => void process.stdout.write(text + '\n'),
  }));
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (err) {
    return report(err);
  } finally {
    await client?.close();
  }
}

function report(err: unknown): number {
  if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
  if (err instanceof CtlError) {
    process.stderr.write(`netspotctl: ${err.message}\n`);
    for (const d of err.details) process.stderr.write(`  ${d}\n`);
    return err.exitCode;
  }
  if (err instanceof UsageError) {
    process.stderr.write(`netspotctl: ${err.message}\n`);
    return 2;
  }
  process.stderr.write(`netspotctl: error: ${err instanceof Error ? err.message : String(err)}\n`);
  return 1;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.exitCode = report(err);
  },
);
