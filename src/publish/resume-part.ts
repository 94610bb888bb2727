/**
 * Where a broken live stream resumes: at the start of the part it broke in. A part opens on a
 * keyframe and carries its own sound, so a server joining there gets a clean picture at once;
 * what it may see twice is at most the part's first seconds.
 */

/**
 * Seconds a broken stream goes back from what ffmpeg reported as sent: "sent" is written to the
 * socket, not received, and what sat in the kernel's and the server's buffers when the connection
 * dropped is lost (a killed receiver was seen to miss the last 70 ms before the break).
 */
export const IN_FLIGHT_S = 2;

/**
 * Index of the part holding what the server may not have got: `position` (seconds after the
 * export's start, as sent) less IN_FLIGHT_S; `startsMs` ascending, the first 0.
 */
export function resumePart(startsMs: readonly number[], position: number): number {
  const from = Math.max(0, position - IN_FLIGHT_S) * 1000;
  let index = 0;
  for (let i = 0; i < startsMs.length; i++) if (startsMs[i]! <= from) index = i;
  return index;
}
