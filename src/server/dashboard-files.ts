/**
 * The dashboard's static files: a fixed list read once at startup (web/ and uPlot's dist), so
 * no request can name a file to read.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface StaticFile {
  readonly body: Buffer;
  readonly type: string;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/** dist/src/server -> package root. */
const root = fileURLToPath(new URL('../../../', import.meta.url));

function webFile(name: string): string {
  return join(root, 'web', name);
}

function uplotFile(name: string): string {
  const pkg = createRequire(import.meta.url).resolve('uplot/package.json');
  return join(dirname(pkg), 'dist', name);
}

/** URL path -> file on disk. */
const FILES: ReadonlyArray<readonly [string, () => string]> = [
  ['/', () => webFile('index.html')],
  ['/app.js', () => webFile('app.js')],
  ['/style.css', () => webFile('style.css')],
  ['/favicon.svg', () => webFile('favicon.svg')],
  ['/docs', () => webFile('api.html')],
  ['/api.js', () => webFile('api.js')],
  ['/vendor/uPlot.iife.min.js', () => uplotFile('uPlot.iife.min.js')],
  ['/vendor/uPlot.min.css', () => uplotFile('uPlot.min.css')],
];

export function loadDashboardFiles(): Map<string, StaticFile> {
  const out = new Map<string, StaticFile>();
  for (const [url, locate] of FILES) {
    const path = locate();
    const ext = path.slice(path.lastIndexOf('.'));
    out.set(url, { body: readFileSync(path), type: TYPES[ext] ?? 'application/octet-stream' });
  }
  return out;
}
