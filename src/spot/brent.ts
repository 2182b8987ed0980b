/**
 * Brent's root finder (the Numerical Recipes `zbrent` variant that libspot 2.0 uses), with a
 * fixed relative tolerance of 2e-8 and at most 200 iterations.
 */

/** libspot's BRENT_DEFAULT_EPSILON: relative tolerance and Grimshaw's interval margin. */
export const BRENT_EPSILON = 2e-8;
/** Iteration budget; no root after it counts as "not found". */
export const BRENT_MAX_ITERATIONS = 200;

/**
 * A root of `f` in [x1, x2], or NaN when f(x1) and f(x2) have the same strict sign or the
 * iteration budget runs out.
 */
export function brentRoot(f: (x: number) => number, x1: number, x2: number, tol: number): number {
  let a = x1;
  let b = x2;
  let c = x2;
  let d = 0;
  let e = 0;
  let fa = f(a);
  let fb = f(b);
  if ((fa > 0 && fb > 0) || (fa < 0 && fb < 0)) return NaN;
  // f is NaN at a right end that is NaN or +Infinity (Grimshaw's brackets when a peak is 0):
  // the first step then makes b NaN for good, and the loop would spend every iteration on
  // NaN before giving up. Give up now: same answer.
  if (fb !== fb && (x2 !== x2 || x2 === Infinity)) return NaN;

  let fc = fb;
  for (let iter = 0; iter < BRENT_MAX_ITERATIONS; iter++) {
    if ((fb > 0 && fc > 0) || (fb < 0 && fc < 0)) {
      // The root is between a and b: c takes a's place.
      c = a;
      fc = fa;
      e = d = b - a;
    }
    if (Math.abs(fc) < Math.abs(fb)) {
      a = b;
      b = c;
      c = a;
      fa = fb;
      fb = fc;
      fc = fa;
    }
    const tol1 = 2 * BRENT_EPSILON * Math.abs(b) + 0.5 * tol;
    const xm = 0.5 * (c - b);
    if (Math.abs(xm) <= tol1 || fb === 0) return b;
    if (Math.abs(e) >= tol1 && Math.abs(fa) > Math.abs(fb)) {
      // Inverse quadratic interpolation (secant when only two points are distinct).
      const s = fb / fa;
      let p: number;
      let q: number;
      if (a === c) {
        p = 2 * xm * s;
        q = 1 - s;
      } else {
        const qa = fa / fc;
        const r = fb / fc;
        p = s * (2 * xm * qa * (qa - r) - (b - a) * (r - 1));
        q = (qa - 1) * (r - 1) * (s - 1);
      }
      if (p > 0) q = -q;
      p = Math.abs(p);
      const min1 = 3 * xm * q - Math.abs(tol1 * q);
      const min2 = Math.abs(e * q);
      if (2 * p < (min1 < min2 ? min1 : min2)) {
        e = d;
        d = p / q;
      } else {
        d = xm;
        e = d;
      }
    } else {
      d = xm;
      e = d;
    }
    a = b;
    fa = fb;
    if (Math.abs(d) > tol1) b += d;
    else b += xm >= 0 ? Math.abs(tol1) : -Math.abs(tol1);
    fb = f(b);
  }
  return NaN;
}
