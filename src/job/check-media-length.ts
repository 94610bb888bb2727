/**
 * The job's check that the recording's downloaded media lasts as long as what is exported of it
 * (find-media-truncation.ts): a truncated webcams video or audio file fails the job with
 * MEDIA_TRUNCATED, permanent (the same file comes back on a retry), before any browser time is
 * spent; `--allow-truncated-media` exports it anyway and says so.
 */
import { CaptureError } from '../errors.js';
import type { FfmpegTools } from '../process/find-ffmpeg.js';
import type { OpenedRecording } from '../recording/open-recording.js';
import { probeMediaEnd } from '../recording/probe-media-end.js';
import { findMediaTruncation } from './find-media-truncation.js';

/** Throws MEDIA_TRUNCATED when the media ends well before the exported range; with `allow`, warns instead. */
export async function checkMediaLength(
  recording: OpenedRecording,
  options: { to: number | undefined; allow: boolean; tools: FfmpegTools; signal: AbortSignal | undefined; onWarning: (message: string) => void },
): Promise<void> {
  const rangeEnd = Math.min(options.to ?? recording.info.duration, recording.info.duration);
  const why = findMediaTruncation(await probeMediaEnd(recording.files.media, options.tools, options.signal), rangeEnd);
  if (why === null) return;
  const what = `${recording.info.mediaUrl}: ${why}`;
  if (options.allow) {
    options.onWarning(`--allow-truncated-media: exporting anyway; ${what} (the picture holds and the sound is silent after it)`);
    return;
  }
  throw new CaptureError('MEDIA_TRUNCATED', `${what}; --allow-truncated-media exports it anyway`);
}
