/**
 * Whether two paths name one file: reading a capture while truncating it, or two exporters
 * appending to one file, destroys data without an error. Existing files are compared by device
 * and inode (hard links and symlinks included); paths not created yet by the real path of their
 * nearest existing folder plus the rest.
 */
import { realpath, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { UsageError } from './errors.js';

/** A path and the config key that named it (`exporter.file.data`). */
export interface NamedFile {
  key: string;
  path: string;
}

/** A string equal for two paths exactly when they name the same file (or will). */
export async function fileIdentity(path: string): Promise<string> {
  const st = await stat(path).catch(() => null);
  if (st !== null) return `inode ${st.dev}:${st.ino}`;
  // Not there yet: resolve the folders that exist, keep the rest as written.
  let dir = resolve(path);
  let rest = '';
  for (;;) {
    const real = await realpath(dir).catch(() => null);
    if (real !== null) return `path ${join(real, rest)}`;
    const parent = dirname(dir);
    rest = rest === '' ? basename(dir) : join(basename(dir), rest);
    if (parent === dir) return `path ${resolve(path)}`;
    dir = parent;
  }
}

/** Throws a UsageError naming both keys when two of `files` are one file. */
export async function refuseSharedFiles(files: readonly NamedFile[]): Promise<void> {
  const seen = new Map<string, NamedFile>();
  for (const f of files) {
    const id = await fileIdentity(f.path);
    const other = seen.get(id);
    if (other !== undefined) {
      const same = other.path === f.path ? `both ${f.path}` : `${other.path} and ${f.path}`;
      throw new UsageError(`${other.key} and ${f.key} are the same file (${same}): give each its own file`);
    }
    seen.set(id, f);
  }
}
