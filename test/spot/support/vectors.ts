/** Reads the reference SPOT vectors of test/data/spot-vectors (format in test/data/README.md). */
import { type DataFile, readDataText, spotVectorFiles } from '../../support/test-data.js';

export { repoRoot } from '../../support/test-data.js';

export interface VectorHeader {
  name: string;
  q: number;
  low: boolean;
  discard: boolean;
  level: number;
  maxExcess: number;
  nFit: number;
  nSteps: number;
}

export interface VectorStep {
  x: number;
  result: number;
  t: number;
  z: number;
  gamma: number;
  sigma: number;
}

export interface SpotVector {
  /** The vector's name (`exp_upper.csv`). */
  file: string;
  header: VectorHeader;
  afterFit: Record<string, number>;
  fit: number[];
  steps: VectorStep[];
  end: Record<string, number>;
}

function keyValues(line: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of line.replace(/^#\s*/, '').split(/\s+/)) {
    const eq = part.indexOf('=');
    if (eq > 0) out[part.slice(0, eq)] = part.slice(eq + 1);
  }
  return out;
}

function numbers(kv: Record<string, string>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(kv)) out[k] = Number(v);
  return out;
}

export function readVector(data: DataFile): SpotVector {
  const file = data.name;
  const lines = readDataText(data.path).split('\n');
  const h = keyValues(lines[0]);
  const header: VectorHeader = {
    name: h.name,
    q: Number(h.q),
    low: h.low === '1',
    discard: h.discard_anomalies === '1',
    level: Number(h.level),
    maxExcess: Number(h.max_excess),
    nFit: Number(h.n_fit),
    nSteps: Number(h.n_steps),
  };
  const afterFit = numbers(keyValues(lines[1]));
  const fit: number[] = [];
  const steps: VectorStep[] = [];
  let end: Record<string, number> = {};
  for (const line of lines.slice(3)) {
    if (line === '') continue;
    if (line.startsWith('# end')) {
      end = numbers(keyValues(line.replace('# end', '#')));
      continue;
    }
    const f = line.split(',');
    if (f[0] === 'fit') fit.push(Number(f[1]));
    else if (f[0] === 'step') {
      steps.push({
        x: Number(f[1]),
        result: Number(f[2]),
        t: Number(f[3]),
        z: Number(f[4]),
        gamma: Number(f[5]),
        sigma: Number(f[6]),
      });
    }
  }
  return { file, header, afterFit, fit, steps, end };
}

/** Every libspot vector file (the paper's biDSPOT output has another format), extras last. */
export function vectorFiles(): DataFile[] {
  return spotVectorFiles((f) => f.endsWith('.csv') && f !== 'physics_bidspot_paper.csv');
}

/** |a - b| <= tol·max(|a|, |b|), with NaN equal to NaN. */
export function closeRelative(a: number, b: number, tol = 1e-9): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  if (a === b) return true;
  return Math.abs(a - b) <= tol * Math.max(Math.abs(a), Math.abs(b));
}
