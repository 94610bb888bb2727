/** Statistics shared by the benchmarks. */

/** Median of the finite values (nulls and NaN skipped); null when there are none. */
export function median(xs: ReadonlyArray<number | null>): number | null {
  const s = xs.filter((x): x is number => x !== null && Number.isFinite(x)).sort((a, b) => a - b);
  if (s.length === 0) return null;
  return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

/** A metric column of a benchmark table: the run's field, its heading, decimals shown. */
export type MetricColumn<T> = readonly [key: keyof T & string, title: string, digits: number];

/**
 * A Markdown table of medians: one row per group of runs (its label cells first, then how many
 * runs), one column per metric.
 */
export function medianTable<T>(
  labels: readonly string[],
  groups: ReadonlyArray<{ cells: readonly string[]; runs: readonly T[] }>,
  columns: ReadonlyArray<MetricColumn<T>>,
): string {
  const lines = [`| ${[...labels, 'runs', ...columns.map((c) => c[1])].join(' | ')} |`, `|${[...labels, 'runs', ...columns].map(() => '---').join('|')}|`];
  for (const group of groups) {
    const values = columns.map(([key, , digits]) => (median(group.runs.map((r) => r[key] as number)) ?? NaN).toFixed(digits));
    lines.push(`| ${[...group.cells, String(group.runs.length), ...values].join(' | ')} |`);
  }
  return lines.join('\n');
}
