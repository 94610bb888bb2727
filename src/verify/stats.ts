/**
 * Small robust statistics the meter reports: medians (one bad frame must not move an offset)
 * and a least-squares line (drift of an offset over the length of a video).
 */

/** The median of the values, or null when there are none. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The least-squares line y = intercept + slope·x; null with fewer than two distinct x. */
export function fitLine(xs: readonly number[], ys: readonly number[]): { slope: number; intercept: number } | null {
  const n = Math.min(xs.length, ys.length);
  if (n < 2) return null;
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < n; i++) {
    sx += xs[i]!;
    sy += ys[i]!;
  }
  const mx = sx / n;
  const my = sy / n;
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) {
    const dx = xs[i]! - mx;
    sxx += dx * dx;
    sxy += dx * (ys[i]! - my);
  }
  if (sxx === 0) return null;
  const slope = sxy / sxx;
  return { slope, intercept: my - slope * mx };
}

/**
 * Drift of a series of offsets over its span: the slope between the medians of its first and
 * last thirds, times the span. Medians, not a least-squares line, so a few late frames at one
 * end (a held first frame, a stall) do not pass for drift. Short series fall back to the line.
 */
export function driftOf(times: readonly number[], offsets: readonly number[]): number | null {
  const n = Math.min(times.length, offsets.length);
  if (n < 2) return null;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => times[a]! - times[b]!);
  const span = times[order[n - 1]!]! - times[order[0]!]!;
  if (n < 6) {
    const line = fitLine(times, offsets);
    return line ? line.slope * span : null;
  }
  const k = Math.floor(n / 3);
  const head = order.slice(0, k);
  const tail = order.slice(n - k);
  const t1 = median(head.map((i) => times[i]!))!;
  const t3 = median(tail.map((i) => times[i]!))!;
  if (t3 <= t1) return null;
  const o1 = median(head.map((i) => offsets[i]!))!;
  const o3 = median(tail.map((i) => offsets[i]!))!;
  return ((o3 - o1) / (t3 - t1)) * span;
}

/** Rounds to a given number of decimals, so reports do not carry float noise. */
export function round(value: number, decimals = 1): number {
  const f = 10 ** decimals;
  return Math.round(value * f) / f;
}
