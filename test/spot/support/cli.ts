/** Runs the built `netspot` command line. */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { repoRoot } from './vectors.js';

export const netspotBin = path.join(repoRoot, 'dist/src/cli/netspot.js');

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function runNetspot(args: readonly string[], input?: string): CliRun {
  const r = spawnSync(process.execPath, [netspotBin, ...args], {
    input,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The CSV on stdout as rows of fields (header excluded) and the header. */
export function parseCsv(stdout: string): { header: string[]; rows: string[][] } {
  const lines = stdout.split('\n').filter((l) => l !== '');
  return { header: lines[0].split(','), rows: lines.slice(1).map((l) => l.split(',')) };
}

/** A CSV field as a number; empty is NaN. */
export function num(field: string): number {
  return field === '' ? NaN : Number(field);
}
