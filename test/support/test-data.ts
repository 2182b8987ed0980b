/**
 * Where the tests find their data. `test/data/` in the repository holds everything the suite
 * needs (origins in test/data/README.md). `../shared/data/` beside the repository, when a
 * developer has it, only adds extra cases: files whose names test/data does not already hold.
 * Paths are resolved from the repository root, never from the working directory.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

/** The first directory above this file holding package.json (works from test/ and dist/test/). */
function findRepoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`no package.json above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
  return dir;
}

export const repoRoot = findRepoRoot();
export const testDataDir = join(repoRoot, 'test', 'data');
/** Optional: never required by a test. */
export const sharedDataDir = resolve(repoRoot, '..', 'shared', 'data');

/** A data file: `name` is what the tests call it, `path` where it is; extras come from ../shared. */
export interface DataFile {
  name: string;
  path: string;
  extra: boolean;
}

/**
 * The files of `test/data/<sub>` whose name (without the `.gz` when `storedGzip`)
 * `keep` accepts, then those of `../shared/data/<sub>` with a name not already listed.
 * test/data must exist; ../shared may not.
 */
function dataFiles(sub: string, keep: (name: string) => boolean, storedGzip: boolean): DataFile[] {
  const dir = join(testDataDir, sub);
  const required = readdirSync(dir)
    .map((f) => ({ name: storedGzip ? f.replace(/\.gz$/, '') : f, path: join(dir, f), extra: false }))
    .filter((d) => keep(d.name));
  const names = new Set(required.map((d) => d.name));
  const sharedDir = join(sharedDataDir, sub);
  const extras = existsSync(sharedDir)
    ? readdirSync(sharedDir)
        .filter((f) => keep(f) && !names.has(f))
        .map((f) => ({ name: f, path: join(sharedDir, f), extra: true }))
    : [];
  const byName = (a: DataFile, b: DataFile) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  return [...required.sort(byName), ...extras.sort(byName)];
}

const CAPTURE = /\.(pcap|pcapng|cap)(\.gz)?$/;

/** Real captures: test/data/pcaps (stored as they were captured), plus extras from ../shared. */
export function captureFiles(): DataFile[] {
  return dataFiles('pcaps', (f) => CAPTURE.test(f), false);
}

/** Reference SPOT data: test/data/spot-vectors (stored gzip-compressed), plus extras from ../shared. */
export function spotVectorFiles(keep: (name: string) => boolean): DataFile[] {
  return dataFiles('spot-vectors', keep, true);
}

/** A text data file, decompressed when it is stored as gzip. */
export function readDataText(path: string): string {
  const bytes = readFileSync(path);
  return (path.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8');
}

/** What ../shared added, for a test's diagnostic output. */
export function extrasNote(files: readonly DataFile[], sub: string): string {
  const sharedDir = join(sharedDataDir, sub);
  if (!existsSync(sharedDir)) return `no ${sharedDir}: the ${files.length} files of test/data/${sub} only`;
  const extras = files.filter((f) => f.extra).length;
  return `${files.length - extras} files of test/data/${sub} and ${extras} extra from ${sharedDir}`;
}
