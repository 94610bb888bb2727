/**
 * Pairs expected tone-burst times with detected onsets. The output may be shifted by seconds
 * (a late start, a loader in front), so the shift is found first by voting over all plausible
 * pairs, then bursts are paired in time order following the local offset, which lets a slowly
 * drifting clock stay matched over hours.
 */

/** One expected burst and the onset taken for it. */
export interface BurstPair {
  /** Expected onset, seconds on the output timeline. */
  expected: number;
  /** Detected onset, seconds. */
  found: number;
}

/** Options of matchBursts. */
export interface MatchBurstsOptions {
  /** Largest shift considered, seconds. */
  maxShift?: number;
  /** How far a detected onset may be from where the local offset puts it, seconds. */
  tolerance?: number;
  /**
   * The shift to prefer, seconds (the video's offset). Evenly spaced bursts make shifts a whole
   * period apart look alike; among shifts with nearly the most votes the one nearest this wins.
   */
  prior?: number;
}

/** Pairs each expected time with at most one found onset; unmatched ones are left out. */
export function matchBursts(expected: readonly number[], found: readonly number[], options: MatchBurstsOptions = {}): BurstPair[] {
  const exp = [...expected].sort((a, b) => a - b);
  const fnd = [...found].sort((a, b) => a - b);
  if (exp.length === 0 || fnd.length === 0) return [];
  const maxShift = options.maxShift ?? 5;
  let minGap = Infinity;
  for (let i = 1; i < exp.length; i++) minGap = Math.min(minGap, exp[i]! - exp[i - 1]!);
  const tolerance = options.tolerance ?? Math.min(0.1, minGap * 0.4);

  // Vote: every pair within maxShift votes for its shift, in bins of the tolerance.
  const bin = tolerance;
  const votes = new Map<number, number>();
  let lo = 0;
  for (const e of exp) {
    while (lo < fnd.length && fnd[lo]! < e - maxShift) lo++;
    for (let j = lo; j < fnd.length && fnd[j]! <= e + maxShift; j++) {
      const key = Math.round((fnd[j]! - e) / bin);
      votes.set(key, (votes.get(key) ?? 0) + 1);
    }
  }
  // A shift near a bin edge splits its votes; count the neighbours too.
  const score = (key: number) => (votes.get(key - 1) ?? 0) + 2 * (votes.get(key) ?? 0) + (votes.get(key + 1) ?? 0);
  let top = 0;
  for (const key of votes.keys()) top = Math.max(top, score(key));
  if (top === 0) return [];
  // Shifts a period apart lose only the bursts at the ends: anything with 3/4 of the top score
  // is a contender, and the one nearest the prior wins (then the higher score, then the smaller).
  const prior = (options.prior ?? 0) / bin;
  let bestKey = 0;
  let bestRank: [number, number, number] | undefined;
  for (const key of votes.keys()) {
    const s = score(key);
    if (s < top * 0.75) continue;
    const rank: [number, number, number] = [Math.round(Math.abs(key - prior)), -s, Math.abs(key)];
    if (!bestRank || rank[0] < bestRank[0] || (rank[0] === bestRank[0] && (rank[1] < bestRank[1] || (rank[1] === bestRank[1] && rank[2] < bestRank[2])))) {
      bestRank = rank;
      bestKey = key;
    }
  }

  // Pair in order, following the offset of the latest pairs.
  let offset = bestKey * bin;
  const pairs: BurstPair[] = [];
  const used = new Set<number>();
  let j = 0;
  for (const e of exp) {
    const target = e + offset;
    while (j < fnd.length && fnd[j]! < target - 2 * tolerance) j++;
    let best = -1;
    for (let k = j; k < fnd.length && fnd[k]! <= target + 2 * tolerance; k++) {
      if (used.has(k)) continue;
      if (best < 0 || Math.abs(fnd[k]! - target) < Math.abs(fnd[best]! - target)) best = k;
    }
    if (best < 0 || Math.abs(fnd[best]! - target) > tolerance) continue;
    used.add(best);
    pairs.push({ expected: e, found: fnd[best]! });
    // Follow slow drift: the next burst is looked for where this one was.
    offset = fnd[best]! - e;
  }
  return pairs;
}
