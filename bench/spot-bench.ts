/**
 * SPOT throughput on libspot's example workload: Exp(1) stream, q = 1e-4, level = 0.998,
 * max_excess = 200, fit on 20,000 values, then 5,000,000 steps. Values are generated in
 * chunks outside the timed loop; RSS is sampled after the fit and after the stream to show
 * that memory does not grow with the stream length.
 *
 *   npm run bench:spot            (or: node dist/bench/spot-bench.js [steps])
 */
import { DriftSpot, STATUS_NAMES, Spot } from '../src/spot/index.js';

const FIT = 20_000;
const STEPS = Number(process.argv[2] ?? 5_000_000);
const CHUNK = 1 << 16;

/** xoshiro128** with a fixed seed: uniform doubles in (0, 1). */
function makeUniform(seed: number): () => number {
  let s0 = (seed >>> 0) | 1;
  let s1 = 0x9e3779b9;
  let s2 = 0x85ebca6b;
  let s3 = 0xc2b2ae35;
  // xoshiro128** on 32-bit words; two draws make a 53-bit double.
  const next = (): number => {
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = rotl(s3, 11);
    return result;
  };
  return () => ((next() >>> 5) * 67108864 + (next() >>> 6) + 0.5) / 9007199254740992;
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

function fillExp(buf: Float64Array, uniform: () => number): void {
  for (let i = 0; i < buf.length; i++) buf[i] = -Math.log(uniform());
}

const mib = (bytes: number): string => `${(bytes / 1048576).toFixed(1)} MiB`;

interface Run {
  name: string;
  seconds: number;
  /** Including the generation of the values. */
  wallSeconds: number;
  counts: number[];
  rssAfterFit: number;
  rssAfter: number;
}

function runSpot(): Run {
  const uniform = makeUniform(42);
  const spot = new Spot({ q: 1e-4, level: 0.998, low: false, discard_anomalies: true, max_excess: 200 });
  const fit = new Float64Array(FIT);
  fillExp(fit, uniform);
  spot.fit(fit);
  const chunk = new Float64Array(CHUNK);
  const counts = [0, 0, 0];
  globalThis.gc?.();
  const rssAfterFit = process.memoryUsage.rss();
  let ns = 0n;
  const wall0 = process.hrtime.bigint();
  for (let done = 0; done < STEPS; done += CHUNK) {
    const n = Math.min(CHUNK, STEPS - done);
    fillExp(chunk, uniform);
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) counts[spot.step(chunk[i])]++;
    ns += process.hrtime.bigint() - t0;
  }
  const wallSeconds = Number(process.hrtime.bigint() - wall0) / 1e9;
  return { name: 'Spot (libspot single tail)', seconds: Number(ns) / 1e9, wallSeconds, counts, rssAfterFit, rssAfter: process.memoryUsage.rss() };
}

function runDetector(depth: number): Run {
  const uniform = makeUniform(42);
  const d = new DriftSpot({ depth, q: 1e-4, level: 0.998, n_init: FIT, max_excess: 200, up: true, down: false, alert: true });
  const chunk = new Float64Array(CHUNK);
  for (let done = 0; done < FIT + depth; done += CHUNK) {
    const n = Math.min(CHUNK, FIT + depth - done);
    fillExp(chunk, uniform);
    for (let i = 0; i < n; i++) d.step(chunk[i]);
  }
  if (!d.calibrated) throw new Error('detector not calibrated');
  const counts = new Array<number>(8).fill(0);
  globalThis.gc?.();
  const rssAfterFit = process.memoryUsage.rss();
  let ns = 0n;
  const wall0 = process.hrtime.bigint();
  for (let done = 0; done < STEPS; done += CHUNK) {
    const n = Math.min(CHUNK, STEPS - done);
    fillExp(chunk, uniform);
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) counts[d.step(chunk[i])]++;
    ns += process.hrtime.bigint() - t0;
  }
  const wallSeconds = Number(process.hrtime.bigint() - wall0) / 1e9;
  return { name: `DriftSpot depth=${depth}`, seconds: Number(ns) / 1e9, wallSeconds, counts, rssAfterFit, rssAfter: process.memoryUsage.rss() };
}

function report(r: Run, labels: readonly string[]): void {
  const rate = STEPS / r.seconds;
  const shown = r.counts.map((c, i) => (c > 0 ? `${labels[i]}=${c}` : '')).filter(Boolean).join(' ');
  console.log(
    `${r.name.padEnd(28)} ${(rate / 1e6).toFixed(2)} M steps/s  (${r.seconds.toFixed(3)} s for ${STEPS} steps; ${(r.wallSeconds).toFixed(3)} s with value generation)  ` +
      `RSS after fit ${mib(r.rssAfterFit)} -> after stream ${mib(r.rssAfter)}  [${shown}]`,
  );
}

console.log(`node ${process.version}, Exp(1), q=1e-4, level=0.998, max_excess=200, fit on ${FIT}, ${STEPS} steps`);
report(runSpot(), ['NORMAL', 'EXCESS', 'ANOMALY']);
report(runDetector(0), STATUS_NAMES);
report(runDetector(50), STATUS_NAMES);
