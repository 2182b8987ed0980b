/**
 * `--api.output-dir`: every file the configuration makes NetSpot write stays inside one
 * directory, whoever sets the path. The keys are those the config schema marks `output: true`,
 * so a new exporter's paths are covered by marking them. Two checks:
 * - when a configuration is set, each path is resolved inside the directory (relative paths are
 *   taken relative to it) and one that lands outside is refused, naming the key;
 * - when a run starts, whatever already exists along each path (directories, the file itself,
 *   or any entry a `%s` could expand to) must resolve, symlinks followed, inside the directory.
 * Between the start check and the opening of the file, a local user who can write in the
 * directory could still swap in a symlink; the directory should belong to NetSpot's user.
 */
import { lstat, readdir, realpath, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { configKeys } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { UsageError } from '../util/errors.js';
import type { ErrorDetail } from './api-error.js';

/** Dotted keys of every setting that names an output file. */
export function outputKeys(): string[] {
  return configKeys().filter(({ schema }) => (schema as { output?: unknown }).output === true).map(({ key }) => key);
}

/** A path problem: the key and what is wrong with its value. */
export type PathProblem = ErrorDetail;

export class OutputDir {
  private constructor(readonly dir: string) {}

  /** The directory must exist; it is held by its real path. */
  static async open(dir: string): Promise<OutputDir> {
    let real: string;
    try {
      real = await realpath(dir);
      if (!(await stat(real)).isDirectory()) throw new Error('not a directory');
    } catch (err) {
      throw new UsageError(`bad value for --api.output-dir: ${dir} (${(err as Error).message}; expected an existing directory)`);
    }
    return new OutputDir(real);
  }

  /**
   * Rewrites every output path of `cfg` (in place) to an absolute path inside the directory;
   * returns the paths that cannot be, one problem per key.
   */
  confine(cfg: Config): PathProblem[] {
    const problems: PathProblem[] = [];
    for (const key of outputKeys()) {
      const value = getKey(cfg, key);
      if (typeof value !== 'string' || value === '') continue;
      const problem = this.lexicalProblem(value);
      if (problem === undefined) setKey(cfg, key, resolve(this.dir, value));
      else problems.push({ field: key, message: `${key} = ${JSON.stringify(value)} ${problem}`, expected: `a path inside ${this.dir}` });
    }
    return problems;
  }

  /** At start: every existing entry along each output path resolves inside the directory. */
  async checkExisting(cfg: Config): Promise<PathProblem[]> {
    const problems: PathProblem[] = [];
    for (const key of outputKeys()) {
      const value = getKey(cfg, key);
      if (typeof value !== 'string' || value === '') continue;
      const escape = await this.escapeAlong(relative(this.dir, resolve(this.dir, value)).split(sep), this.dir);
      if (escape !== undefined) {
        problems.push({ field: key, message: `${key} = ${JSON.stringify(value)} leads outside ${this.dir} through ${escape}`, expected: `a path inside ${this.dir}` });
      }
    }
    return problems;
  }

  private lexicalProblem(value: string): string | undefined {
    const path = resolve(this.dir, value);
    if (path === this.dir) return 'names the output directory itself';
    if (!this.inside(path)) return `is outside the output directory ${this.dir}`;
    // %s becomes the series name, which never holds a slash but could be "." or "..".
    if (value.split('/').some((part) => part.includes('%s') && /^(?:\.|%s)+$/.test(part))) {
      return 'has a path component made only of %s and dots (the series name could make it "..")';
    }
    return undefined;
  }

  private inside(path: string): boolean {
    const rel = relative(this.dir, path);
    return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
  }

  /** The first existing entry below `at` (following `parts`) whose real path is outside; undefined if none. */
  private async escapeAlong(parts: string[], at: string): Promise<string | undefined> {
    if (parts.length === 0) return undefined;
    const [part, ...rest] = parts;
    let names: string[];
    if (part.includes('%s')) {
      const pattern = new RegExp(`^${part.split('%s').map(escapeRegExp).join('[^/]*')}$`);
      names = (await readdir(at).catch(() => [] as string[])).filter((n) => pattern.test(n));
    } else names = [part];
    for (const name of names) {
      const path = join(at, name);
      let real: string;
      try {
        real = await realpath(path);
      } catch (err) {
        // Not there: it will be created fresh. A dangling symlink would be followed: refused.
        if ((err as NodeJS.ErrnoException).code === 'ENOENT' && !(await isSymlink(path))) continue;
        return path;
      }
      if (real !== this.dir && !this.inside(real)) return path;
      const deeper = await this.escapeAlong(rest, real);
      if (deeper !== undefined) return deeper;
    }
    return undefined;
  }
}

async function isSymlink(path: string): Promise<boolean> {
  return (await lstat(path).catch(() => null))?.isSymbolicLink() === true;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function getKey(cfg: Config, key: string): unknown {
  let v: unknown = cfg;
  for (const part of key.split('.')) v = (v as Record<string, unknown> | undefined)?.[part];
  return v;
}

function setKey(cfg: Config, key: string, value: unknown): void {
  const parts = key.split('.');
  let v = cfg as unknown as Record<string, unknown>;
  for (const part of parts.slice(0, -1)) v = v[part] as Record<string, unknown>;
  v[parts[parts.length - 1]] = value;
}
