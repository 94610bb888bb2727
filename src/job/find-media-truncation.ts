/**
 * Whether a recording's media ends well before what is exported of it: the render engine and the
 * compositor would hold the last frame and fill silence to the end, and verify would pass a file
 * whose second half is a frozen picture. An archive must not take that for the recording.
 */
import type { MediaEnd } from '../recording/probe-media-end.js';

/**
 * How much earlier than expected media may end and still count as whole: BBB's own media and its
 * metadata.xml differ by a few frames, never by a second.
 */
function mediaEndTolerance(expected: number): number {
  return Math.max(1, expected * 0.01);
}

/**
 * Why the media is too short for the exported range [.., `rangeEnd`) (seconds on the recording's
 * timeline), or null when it covers it. The header's own duration, when it claims more than the
 * packets hold, names the cause (a file cut short) in the message.
 */
export function findMediaTruncation(media: MediaEnd, rangeEnd: number): string | null {
  if (media.end >= rangeEnd - mediaEndTolerance(rangeEnd)) return null;
  const cut = media.header !== null && media.header - media.end > mediaEndTolerance(media.header);
  return `its media ends at ${media.end.toFixed(1)} s but the recording runs to ${rangeEnd.toFixed(1)} s${cut ? ` (the file's own header says ${media.header!.toFixed(1)} s: it was cut short)` : ''}`;
}
