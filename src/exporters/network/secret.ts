import { readFileSync } from 'node:fs';
import { UsageError } from '../../util/errors.js';

/**
 * A secret given either inline (`key`) or in a file (`key_file`, its first line), so that
 * configs can be shared without it. Both set is a mistake worth saying.
 */
export function readSecret(section: string, key: string, inline: string, file: string): string {
  if (file === '') return inline;
  if (inline !== '') throw new UsageError(`exporter.${section}: set ${key} or ${key}_file, not both`);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read exporter.${section}.${key}_file ${file}: ${(err as Error).message}`);
  }
  return text.split(/\r?\n/)[0];
}
