/**
 * The generalized Pareto distribution (GPD) of the excesses over a threshold, in libspot's
 * parametrisation: shape gamma, scale sigma; gamma = 0 is the exponential case.
 */
import type { Peaks } from './peaks.js';

/** Log-likelihood of the peaks under GPD(gamma, sigma). */
export function gpdLogLikelihood(peaks: Peaks, gamma: number, sigma: number): number {
  const count = peaks.size;
  if (gamma === 0) return -count * Math.log(sigma) - peaks.sum / sigma;
  let r = -count * Math.log(sigma);
  const c = 1 + 1 / gamma;
  const x = gamma / sigma;
  const data = peaks.data;
  for (let i = 0; i < count; i++) r += -c * Math.log(1 + x * data[i]);
  return r;
}

/**
 * Excess over the threshold exceeded with probability `q` overall, where `s` is the share of
 * values that are excesses (the tail quantile).
 */
export function gpdTailQuantile(gamma: number, sigma: number, s: number, q: number): number {
  const r = q / s;
  if (gamma === 0) return -sigma * Math.log(r);
  return (sigma / gamma) * (Math.pow(r, -gamma) - 1);
}

/**
 * Probability overall of an excess larger than `d`, where `s` is the share of excesses.
 * Beyond the upper end of a bounded tail (gamma < 0) it is 0 (libspot gives NaN there).
 */
export function gpdTailProbability(gamma: number, sigma: number, s: number, d: number): number {
  if (gamma === 0) return s * Math.exp(-d / sigma);
  const r = d * (gamma / sigma);
  if (1 + r <= 0 && gamma < 0) return 0;
  return s * Math.pow(1 + r, -1 / gamma);
}
