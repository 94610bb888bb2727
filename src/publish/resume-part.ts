/**
 * Where a broken live stream resumes: at the start of the part it broke in. A part opens on a
 * keyframe and carries its own sound, so a server joining there gets a clean picture at once;
 * what it may see twice is at most the part's first seconds.
 */

/** Index of the part holding `position` (seconds after the export's start); `startsMs` ascending, the first 0. */
export function resumePart(startsMs: readonly number[], position: number): number {
  let index = 0;
  for (let i = 0; i < startsMs.length; i++) if (startsMs[i]! <= position * 1000) index = i;
  return index;
}
