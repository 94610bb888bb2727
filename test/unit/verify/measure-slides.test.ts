import { describe, expect, it } from 'vitest';
import type { DecodedFrame } from '../../../src/verify/decode-video-codes.js';
import { measureSlides } from '../../../src/verify/measure-slides.js';

const BOX = { x: 0, y: 0, w: 90, h: 50 };
// Slide 1 0–2 s, slide 2 2–3 s, screen share 3–3.5 s (no slide entry), slide 2 again 3.5–4 s, slide 3 4–6 s.
const SLIDES = [
  { index: 1, start: 0, end: 2 },
  { index: 2, start: 2, end: 3 },
  { index: 2, start: 3.5, end: 4 },
  { index: 3, start: 4, end: 6 },
];
const SHARE = [{ start: 3, end: 3.5 }];

/** 30 fps output showing the slide due at t − lag (none while the share is up). */
function output(lag: number, drop: number[] = []): DecodedFrame[] {
  const frames: DecodedFrame[] = [];
  for (let k = 0; k < 180; k++) {
    const t = k / 30;
    const slide = SLIDES.find((s) => t - lag >= s.start && t - lag < s.end) ?? (t - lag < 0 ? SLIDES[0] : undefined);
    const show = slide && !drop.includes(slide.index);
    frames.push({ time: t, codes: show ? [{ kind: 'slide', channel: 0, value: slide.index, box: BOX }] : [] });
  }
  return frames;
}

describe('measureSlides', () => {
  it('sees every slide and times the changes', () => {
    const r = measureSlides(output(0.09), SLIDES, { from: 0, to: 6, hiddenBy: SHARE });
    expect(r).toMatchObject({ expected: [1, 2, 3], seen: [1, 2, 3], missing: [], changesMeasured: 2 });
    expect(r.changeOffsetMs).toBeCloseTo(100, 0);
    expect(r.changeOffsetMaxMs).toBeCloseTo(100, 0);
  });

  it('lists slides never shown', () => {
    const r = measureSlides(output(0, [3]), SLIDES, { from: 0, to: 6, hiddenBy: SHARE });
    expect(r.missing).toEqual([3]);
  });

  it('expects only slides visible for 300 ms of the range', () => {
    const r = measureSlides(output(0), SLIDES, { from: 1.8, to: 3.9, hiddenBy: SHARE });
    expect(r.expected).toEqual([2]);
  });
});
