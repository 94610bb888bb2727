/** Statistics shared by the benchmarks. */

/** Median of the finite values (nulls and NaN skipped); null when there are none. */
export function median(xs: ReadonlyArray<number | null>): number | null {
  const s = xs.filter((x): x is number => x !== null && Number.isFinite(x)).sort((a, b) => a - b);
  if (s.length === 0) return null;
  return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}
