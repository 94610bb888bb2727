/**
 * How many of the frames a file should hold it does hold, by timestamp: the compositor writes a
 * frame at every webcam frame's own time (shifted onto the output's timeline), so a webcam frame
 * is delivered when a packet of the output's video stands within a timestamp's rounding of it.
 * Reading packet times demuxes the file and decodes nothing.
 */

/** Default tolerance, seconds: a millisecond timebase rounds by half a millisecond either way. */
export const FRAME_TIME_TOLERANCE_S = 0.0015;

/** Expected times (seconds, any order) that have a packet within `toleranceS`; `packetTimes` sorted ascending. */
export function matchFrameTimes(packetTimes: readonly number[], expected: readonly number[], toleranceS = FRAME_TIME_TOLERANCE_S): number {
  const wanted = [...expected].sort((a, b) => a - b);
  let matched = 0;
  let p = 0;
  for (const t of wanted) {
    while (p < packetTimes.length && packetTimes[p]! < t - toleranceS) p++;
    // Each packet answers for one expected frame: two frames due at one time are not both delivered by it.
    if (p < packetTimes.length && packetTimes[p]! <= t + toleranceS) {
      matched++;
      p++;
    }
  }
  return matched;
}
