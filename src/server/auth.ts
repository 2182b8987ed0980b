/** Bearer-token access: the token comes from a file, compared in constant time. */
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { UsageError } from '../util/errors.js';

/** Reads the token; `onWarning` hears when others than the owner may read or change the file. */
export async function readTokenFile(path: string, onWarning?: (message: string) => void): Promise<string> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read token file ${path}: ${(err as Error).message}`);
  }
  const mode = (await stat(path)).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    onWarning?.(`token file ${path} is open to group or others (mode ${mode.toString(8).padStart(4, '0')}): anyone who reads it has full access to the API; chmod 600 ${path}`);
  }
  const token = text.trim();
  if (token.length < 16) throw new UsageError(`token file ${path} must hold a token of at least 16 characters`);
  if (/\s/.test(token)) throw new UsageError(`token file ${path} must hold one token on one line`);
  return token;
}

/** Checks an Authorization header value; digests first so the comparison length is fixed. */
export function bearerMatches(header: string | undefined, token: string): boolean {
  if (header === undefined) return false;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (m === null) return false;
  const a = createHash('sha256').update(m[1]).digest();
  const b = createHash('sha256').update(token).digest();
  return timingSafeEqual(a, b);
}
