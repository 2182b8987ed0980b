/**
 * Regenerates test/data/ from the full development data (../shared/data by default): the real
 * captures are copied as they are; the SPOT reference files (every line, every step) are
 * gzip-compressed at level 9, which takes them from 14 MB to 1.7 MB without losing a value.
 * Usage: npm run build && node dist/scripts/make-test-data.js [SHARED_DATA_DIR]
 */
import { mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { repoRoot, sharedDataDir, testDataDir } from '../test/support/test-data.js';

const from = resolve(process.argv[2] ?? sharedDataDir);
let total = 0;

const pcapsFrom = join(from, 'pcaps');
const pcapsTo = join(testDataDir, 'pcaps');
mkdirSync(pcapsTo, { recursive: true });
const captures = readdirSync(pcapsFrom).filter((f) => /\.(pcap|pcapng|cap)(\.gz)?$/.test(f));
for (const f of captures) {
  // Not copyFileSync: it would carry the source's read-only mode over.
  writeFileSync(join(pcapsTo, f), readFileSync(join(pcapsFrom, f)));
  total += statSync(join(pcapsTo, f)).size;
}

const vectorsFrom = join(from, 'spot-vectors');
const vectorsTo = join(testDataDir, 'spot-vectors');
mkdirSync(vectorsTo, { recursive: true });
const vectors = readdirSync(vectorsFrom).filter((f) => f !== 'README.md');
for (const f of vectors) {
  const text = readFileSync(join(vectorsFrom, f));
  const packed = gzipSync(text, { level: 9 });
  if (!gunzipSync(packed).equals(text)) throw new Error(`${f}: gzip round trip differs`);
  writeFileSync(join(vectorsTo, `${f}.gz`), packed);
  total += packed.length;
}

const rel = testDataDir.slice(repoRoot.length + 1);
process.stdout.write(`${rel}: ${captures.length} captures, ${vectors.length} SPOT files, ${(total / 1e6).toFixed(2)} MB (from ${from})\n`);
