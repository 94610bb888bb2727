import { describe, expect, it } from 'vitest';
import { AAC_FRAME_SAMPLES, audioSlices } from '../../../src/publish/audio-slices.js';

const RATE = 48000;
const frameStart = (k: number) => ((k - 1) * AAC_FRAME_SAMPLES) / RATE;

describe('audioSlices', () => {
  it('gives every frame but the priming one to exactly one part, the one its start falls in', () => {
    const starts = [0, 4000, 8000, 12_345];
    // 14 s of sound: priming + ceil(14 × 48000 / 1024) frames, plus the encoder's tail.
    const count = 1 + Math.ceil((14 * RATE) / AAC_FRAME_SAMPLES) + 1;
    const slices = audioSlices(starts, count, RATE);
    expect(slices[0]!.first).toBe(1); // the priming frame is left out
    expect(slices.at(-1)!.end).toBe(count);
    for (let i = 0; i < slices.length; i++) {
      const { first, end, offset } = slices[i]!;
      if (i > 0) expect(first).toBe(slices[i - 1]!.end); // contiguous: nothing twice, nothing lost
      expect(end).toBeGreaterThan(first);
      // The part's first frame starts at or just after the part (less than one frame later)...
      expect(frameStart(first)).toBeGreaterThanOrEqual(starts[i]! / 1000);
      expect(frameStart(first) - starts[i]! / 1000).toBeLessThan(AAC_FRAME_SAMPLES / RATE);
      // ...and the offset places it exactly there against the part's picture.
      expect(offset).toBeCloseTo(frameStart(first) - starts[i]! / 1000, 9);
      // Its last frame starts before the next part.
      if (i < slices.length - 1) expect(frameStart(end - 1)).toBeLessThan(starts[i + 1]! / 1000);
    }
    // A start on a frame boundary (4000 ms = 187.5 frames: not; 8000 ms = 375 frames: yes) takes that frame.
    expect(slices[2]!.first).toBe(376);
    expect(slices[2]!.offset).toBe(0);
  });

  it('keeps within the frames there are', () => {
    expect(audioSlices([0, 1000], 10, RATE)).toEqual([
      { first: 1, end: 10, offset: 0 },
      { first: 10, end: 10, offset: (9 * AAC_FRAME_SAMPLES) / RATE - 1 },
    ]);
  });
});
