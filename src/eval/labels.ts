/**
 * Labelled attack intervals for `netspot eval`: a CSV file `start,end,name[,attacker,target]`
 * (times in epoch seconds, fractions allowed), an optional header line, '#' comments.
 */
import { readFile } from 'node:fs/promises';
import { UsageError } from '../util/errors.js';

export interface AttackLabel {
  readonly name: string;
  /** Epoch seconds. */
  readonly start: number;
  readonly end: number;
  /** The attacker's address, when one is known (not for spoofed floods). */
  readonly attacker?: string;
  /** The target's address. */
  readonly target?: string;
}

export async function readLabels(path: string): Promise<AttackLabel[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read labels ${path}: ${(err as Error).message}`);
  }
  return parseLabels(text, path);
}

/** Parses the labels; a bad line is a UsageError naming the file, the line and the field. */
export function parseLabels(text: string, origin: string): AttackLabel[] {
  const labels: AttackLabel[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    const at = `${origin} line ${i + 1}`;
    if (line === '' || line.startsWith('#')) return;
    const f = line.split(',').map((s) => s.trim());
    if (labels.length === 0 && f[0] === 'start') return; // header
    if (f.length < 3 || f.length > 5) throw new UsageError(`${at}: expected start,end,name[,attacker,target], got ${f.length} fields`);
    const [start, end] = [f[0], f[1]].map((v, j) => {
      const n = Number(v);
      if (v === '' || !Number.isFinite(n)) throw new UsageError(`${at}: ${j === 0 ? 'start' : 'end'} "${v}" is not a time in epoch seconds`);
      return n;
    });
    if (end < start) throw new UsageError(`${at}: end ${end} is before start ${start}`);
    if (f[2] === '') throw new UsageError(`${at}: empty attack name`);
    labels.push({
      name: f[2], start, end,
      ...(f[3] !== undefined && f[3] !== '' ? { attacker: f[3] } : {}),
      ...(f[4] !== undefined && f[4] !== '' ? { target: f[4] } : {}),
    });
  });
  return labels;
}
