import { describe, expect, it } from 'vitest';
import { matroskaIntro } from '../../../src/cards/matroska-intro.js';

describe('matroskaIntro', () => {
  it("places the export where the intro's whole AAC frames end", () => {
    // 2 s at 48 kHz is 93.75 frames of 1024 samples: the sound runs 94 frames.
    expect(matroskaIntro(2, 48_000, 30, 0.021).duration).toBeCloseTo((94 * 1024) / 48_000, 9);
    expect(matroskaIntro(2, 44_100, 30, 0).duration).toBeCloseTo((87 * 1024) / 44_100, 9);
    // Without sound the intro is exactly its length.
    expect(matroskaIntro(2, null, 30, 0).duration).toBe(2);
  });

  it("stops the intro's pictures at least 2 ms (Matroska's precision and more) before the export's first", () => {
    for (const [fps, firstDts] of [
      [30, 0.021],
      [30.576, 0.021],
      [25, 0],
      [60, 0.005],
    ] as const) {
      const { duration, frames } = matroskaIntro(2, 48_000, fps, firstDts);
      const last = (frames - 1) / fps;
      const exportFirst = duration + firstDts;
      expect(exportFirst - last).toBeGreaterThanOrEqual(0.002);
      // And no picture short: one more would be at or past the export's first.
      expect(frames / fps).toBeGreaterThanOrEqual(exportFirst - 0.002 - 1e-9);
    }
  });
});
