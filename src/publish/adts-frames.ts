/**
 * The frames of an ADTS stream (raw AAC, each frame behind a 7- or 9-byte header that gives its
 * length). The live stream cuts one continuous AAC encode into the render's parts by whole frames:
 * every frame goes to exactly one part, so the parts played in a row are that one encode, with no
 * encoder restart (priming, a click) at any join.
 */
import { CaptureError } from '../errors.js';

/** One frame: where it starts in the stream, and its length in bytes (header included). */
export interface AdtsFrame {
  offset: number;
  length: number;
}

/** The frames of `data` in order; throws FFMPEG_FAILED on anything that is not ADTS. */
export function adtsFrames(data: Uint8Array): AdtsFrame[] {
  const frames: AdtsFrame[] = [];
  let offset = 0;
  while (offset < data.length) {
    // Sync word 0xFFF, then the 13-bit frame length across bytes 3-5.
    if (offset + 7 > data.length || data[offset] !== 0xff || (data[offset + 1]! & 0xf0) !== 0xf0)
      throw new CaptureError('FFMPEG_FAILED', `the live stream's sound is not ADTS at byte ${offset} of ${data.length}`);
    const length = ((data[offset + 3]! & 0x03) << 11) | (data[offset + 4]! << 3) | (data[offset + 5]! >> 5);
    if (length < 7 || offset + length > data.length)
      throw new CaptureError('FFMPEG_FAILED', `the live stream's sound has a cut or broken ADTS frame at byte ${offset} (length ${length})`);
    frames.push({ offset, length });
    offset += length;
  }
  return frames;
}
