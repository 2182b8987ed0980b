/**
 * Fits the GPD to the peaks as libspot 2.0 does: the method of moments and Grimshaw's
 * maximum-likelihood trick each propose (gamma, sigma); the higher log-likelihood wins
 * (method of moments first, replaced only by a strictly better Grimshaw candidate).
 *
 * Grimshaw: the likelihood maximum lies at x* = gamma / sigma where
 *   w(x) = mean(1 / (1 + x·y)) · (1 + mean(log(1 + x·y))) - 1 = 0,
 * searched with Brent on (-1/max + ε, -ε) and (ε, 2(mean - min)/min²), ε = min(2e-8, 0.5/max);
 * x* = 0 (exponential tail) is always a candidate.
 */
import { BRENT_EPSILON, brentRoot } from './brent.js';
import { gpdLogLikelihood } from './gpd.js';
import type { Peaks } from './peaks.js';

/** Reusable fitter: one per tail, so that fitting allocates nothing. */
export class GpdFitter {
  gamma = NaN;
  sigma = NaN;
  /** Log-likelihood of the fitted (gamma, sigma). */
  logLikelihood = NaN;

  private peaks: Peaks | undefined;
  // Created once: Brent calls it with the peaks being fitted.
  private readonly w = (x: number): number => {
    const peaks = this.peaks as Peaks;
    const data = peaks.data;
    const count = peaks.size;
    let u = 0;
    let v = 0;
    for (let i = 0; i < count; i++) {
      const s = 1 + x * data[i];
      u += 1 / s;
      v += Math.log(s);
    }
    return (u / count) * (1 + v / count) - 1;
  };

  /** Fits the peaks; the result is in `gamma`, `sigma` and `logLikelihood`. */
  fit(peaks: Peaks): void {
    // Method of moments.
    const e = peaks.mean();
    const r = (e * e) / peaks.variance();
    let gamma = 0.5 * (1 - r);
    let sigma = 0.5 * e * (1 + r);
    let best = gpdLogLikelihood(peaks, gamma, sigma);

    // Grimshaw; libspot takes it when the moments' likelihood is NaN or strictly lower.
    this.grimshaw(peaks);
    if (best !== best || this.logLikelihood > best) {
      best = this.logLikelihood;
      gamma = this.gamma;
      sigma = this.sigma;
    }
    this.gamma = gamma;
    this.sigma = sigma;
    this.logLikelihood = best;
  }

  /** Grimshaw's estimate alone, into `gamma`, `sigma`, `logLikelihood`. */
  grimshaw(peaks: Peaks): void {
    this.peaks = peaks;
    const min = peaks.min;
    const max = peaks.max;
    const mean = peaks.mean();
    const halfInverseMax = 0.5 / max;
    const epsilon =
      halfInverseMax !== halfInverseMax ? NaN : BRENT_EPSILON < halfInverseMax ? BRENT_EPSILON : halfInverseMax;

    const left = brentRoot(this.w, -1 / max + epsilon, -epsilon, BRENT_EPSILON);
    const right = brentRoot(this.w, epsilon, (2 * (mean - min)) / (min * min), BRENT_EPSILON);

    // Candidate x* = 0: the exponential tail.
    let gamma = 0;
    let sigma = mean;
    let best = gpdLogLikelihood(peaks, gamma, sigma);
    for (let k = 0; k < 2; k++) {
      const root = k === 0 ? left : right;
      if (root !== root) continue;
      const g = root === 0 ? 0 : this.v(root) - 1;
      const s = root === 0 ? mean : g / root;
      const llhood = gpdLogLikelihood(peaks, g, s);
      if (llhood > best) {
        best = llhood;
        gamma = g;
        sigma = s;
      }
    }
    this.peaks = undefined;
    this.gamma = gamma;
    this.sigma = sigma;
    this.logLikelihood = best;
  }

  /** 1 + mean(log(1 + x·y)) over the peaks being fitted. */
  private v(x: number): number {
    const peaks = this.peaks as Peaks;
    const data = peaks.data;
    const count = peaks.size;
    let v = 0;
    for (let i = 0; i < count; i++) v += Math.log(1 + x * data[i]);
    return 1 + v / count;
  }
}
