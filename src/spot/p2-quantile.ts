/**
 * P² quantile estimate (Jain & Chlamtac, 1985) of a batch, with libspot 2.0's exact marker
 * rules, so that the initial excess threshold matches the reference library bit for bit:
 * a value below the lowest or above the highest marker only moves that marker (the marker
 * positions are not advanced), and a value equal to the lowest marker advances all five.
 */

/** Returns the P² estimate of the `p` quantile of `data`, or NaN with fewer than 5 values. */
export function p2Quantile(p: number, data: ArrayLike<number>): number {
  const size = data.length;
  if (size < 5) return NaN;

  // Marker heights (q), actual positions (n), desired positions (np) and their increments (dn).
  const q = new Float64Array(5);
  const n = new Float64Array([0, 1, 2, 3, 4]);
  const np = new Float64Array([0, 2 * p, 4 * p, 2 + 2 * p, 4]);
  const dn = new Float64Array([0, p / 2, p, (p + 1) / 2, 1]);

  for (let i = 0; i < 5; i++) q[i] = data[i];
  sortFive(q);

  for (let j = 5; j < size; j++) {
    const x = data[j];
    if (x < q[0]) {
      q[0] = x;
      continue;
    }
    if (x > q[4]) {
      q[4] = x;
      continue;
    }
    // First marker at or above x: every marker from there on moves one position right.
    let k = 0;
    while (x > q[k]) k++;
    for (let i = k; i < 5; i++) n[i] += 1;
    for (let i = 0; i < 5; i++) np[i] += dn[i];

    for (let i = 1; i < 4; i++) {
      const d = np[i] - n[i];
      if ((d >= 1 && n[i + 1] - n[i] > 1) || (d <= -1 && n[i - 1] - n[i] < -1)) {
        const s = d > 0 ? 1 : -1;
        let qp = parabolic(q, n, i, s);
        if (!(q[i - 1] < qp && qp < q[i + 1])) qp = linear(q, n, i, s);
        q[i] = qp;
        n[i] += s;
      }
    }
  }
  return q[2];
}

function parabolic(q: Float64Array, n: Float64Array, i: number, d: number): number {
  return (
    q[i] +
    (d / (n[i + 1] - n[i - 1])) *
      (((n[i] - n[i - 1] + d) * (q[i + 1] - q[i])) / (n[i + 1] - n[i]) +
        ((n[i + 1] - n[i] - d) * (q[i] - q[i - 1])) / (n[i] - n[i - 1]))
  );
}

function linear(q: Float64Array, n: Float64Array, i: number, d: number): number {
  return q[i] + (d * (q[i + d] - q[i])) / (n[i + d] - n[i]);
}

/**
 * Sorts the five initial markers ascending with libspot's comparison network (seven
 * comparisons). Any sort gives the same order for numbers; this one also places a NaN where
 * libspot does, so that a batch holding NaN gives libspot's threshold.
 */
export function sortFive(a: Float64Array): void {
  if (a[1] < a[0]) swap(a, 0, 1);
  if (a[3] < a[2]) swap(a, 2, 3);
  // Sort a[0..2] from the two ordered pairs; the element left in a[3] is >= a[0].
  if (a[0] < a[2]) {
    swap(a, 1, 2);
    swap(a, 2, 3);
  } else {
    swap(a, 1, 2);
    swap(a, 0, 1);
  }
  // Insert a[4] into a[0..2]; the spare element moves to a[4].
  if (a[4] < a[1]) {
    swap(a, 4, 3);
    swap(a, 3, 2);
    swap(a, 2, 1);
    if (a[1] < a[0]) swap(a, 1, 0);
  } else {
    swap(a, 4, 3);
    if (a[3] < a[2]) swap(a, 3, 2);
  }
  // Insert the spare element (now a[4], known >= a[0]) into a[1..3].
  if (a[4] < a[2]) {
    swap(a, 4, 3);
    swap(a, 3, 2);
    if (a[2] < a[1]) swap(a, 2, 1);
  } else if (a[4] < a[3]) {
    swap(a, 4, 3);
  }
}

function swap(a: Float64Array, i: number, j: number): void {
  const t = a[i];
  a[i] = a[j];
  a[j] = t;
}
