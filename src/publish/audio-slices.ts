/**
 * Which frames of the live stream's one AAC encode go with which part of the render, and where
 * they sit against the part's video. AAC frames are 1024 samples; ffmpeg's encoder opens with one
 * frame of priming (encoder delay), so frame k carries the sound of (k - 1) × 1024 samples after
 * the export's start. A frame goes to the part its start falls in (the encoder's tail to the
 * last). The priming frame goes nowhere: FLV cannot mark it as priming (MP4's edit list does), so
 * a player would play it as sound and put the whole stream a frame (21 ms) late.
 */

/** Samples per AAC frame. */
export const AAC_FRAME_SAMPLES = 1024;
/** Frames of encoder delay ffmpeg's AAC encoder puts first. */
export const AAC_PRIMING_FRAMES = 1;

/** One part's frames [first, end) and where the first one starts against the part's start, seconds. */
export interface AudioSlice {
  first: number;
  end: number;
  offset: number;
}

/**
 * Slices `frameCount` frames at `sampleRate` among parts starting at `startsMs` (ms after the
 * export's start, ascending, the first 0).
 */
export function audioSlices(startsMs: readonly number[], frameCount: number, sampleRate: number): AudioSlice[] {
  // The first frame whose start is at or after `ms`: (k - priming) × 1024 / rate ≥ ms / 1000, in integers.
  const firstAt = (ms: number) => Math.min(frameCount, Math.max(0, Math.ceil((ms * sampleRate) / (1000 * AAC_FRAME_SAMPLES)) + AAC_PRIMING_FRAMES));
  return startsMs.map((startMs, i) => {
    const first = i === 0 ? Math.min(frameCount, AAC_PRIMING_FRAMES) : firstAt(startMs);
    const end = i === startsMs.length - 1 ? frameCount : firstAt(startsMs[i + 1]!);
    return { first, end, offset: ((first - AAC_PRIMING_FRAMES) * AAC_FRAME_SAMPLES) / sampleRate - startMs / 1000 };
  });
}
