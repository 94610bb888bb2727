/**
 * The compositor's filters applying a page retiming (retime-page-frames.ts) to the decoded page
 * layer: `select` drops frames, `setpts` moves frames, both looked up by the frame's own time in
 * whole milliseconds (the page layer's time base, mux/build-mux-args.ts). A lookup is a balanced
 * tree of comparisons, so a long recording with thousands of moved frames costs each frame about
 * a dozen comparisons and the expression stays shallow for ffmpeg's parser.
 */

/** The frame's own time in whole ms, in ffmpeg's expression language (`t`/`T` are seconds). */
const KEY = { select: 'round(t*1000)', setpts: 'round(T*1000)' } as const;

/** A lookup of `key` among sorted keys: the entry's value, else `fallback`; commas escaped for a filter graph. */
export function lookupExpression(key: string, entries: ReadonlyArray<readonly [number, string]>, fallback: string): string {
  if (entries.length === 0) return fallback;
  const build = (lo: number, hi: number): string => {
    if (hi - lo === 1) return `if(eq(${key}\\,${entries[lo]![0]})\\,${entries[lo]![1]}\\,${fallback})`;
    const mid = (lo + hi) >> 1;
    return `if(lt(${key}\\,${entries[mid]![0]})\\,${build(lo, mid)}\\,${build(mid, hi)})`;
  };
  return build(0, entries.length);
}

/**
 * Filters (a chain to put before the page layer's colour conversion, with a trailing comma) that
 * retime the page layer's frames at `framesMs` to `times` (null: dropped); '' when nothing moves.
 */
export function pageRetimeFilter(framesMs: readonly number[], times: ReadonlyArray<number | null>): string {
  if (framesMs.length !== times.length) throw new RangeError(`${framesMs.length} frames but ${times.length} times`);
  const drops: Array<[number, string]> = [];
  const moves: Array<[number, string]> = [];
  framesMs.forEach((t, i) => {
    const to = times[i];
    if (to === null) drops.push([Math.round(t), '1']);
    else if (to !== undefined && to !== t) moves.push([Math.round(t), `${(to / 1000).toFixed(3)}/TB`]);
  });
  // Millisecond ticks whatever the decoder handed on, so moved times are exact.
  const chain: string[] = drops.length + moves.length > 0 ? ['settb=1/1000'] : [];
  if (drops.length > 0) chain.push(`select='not(${lookupExpression(KEY.select, drops, '0')})'`);
  if (moves.length > 0) chain.push(`setpts='${lookupExpression(KEY.setpts, moves, 'PTS')}'`);
  return chain.map((f) => `${f},`).join('');
}
