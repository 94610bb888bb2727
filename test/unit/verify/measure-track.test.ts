import { describe, expect, it } from 'vitest';
import type { FoundCode } from '../../../src/frame-code/frame-code.js';
import type { DecodedFrame } from '../../../src/verify/decode-video-codes.js';
import { measureTrack, type TrackSpec } from '../../../src/verify/measure-track.js';

const BOX = { x: 100, y: 50, w: 90, h: 50 };
const cam = (value: number, channel = 0, box = BOX): FoundCode => ({ kind: 'camera', channel, value, box });

/** Output frames at `outFps` showing source frame floor(t·srcFps) (optionally remapped). */
function frames(seconds: number, outFps: number, srcFps: number, show: (t: number, n: number) => number | null = (_t, n) => n): DecodedFrame[] {
  const out: DecodedFrame[] = [];
  for (let k = 0; k < Math.round(seconds * outFps); k++) {
    const t = k / outFps;
    const v = show(t, Math.floor(t * srcFps + 1e-9));
    out.push({ time: t, codes: v === null ? [] : [cam(v)] });
  }
  return out;
}

const spec = (over: Partial<TrackSpec> = {}): TrackSpec => ({
  kind: 'camera',
  channel: 0,
  fps: 15,
  frameCount: 90,
  intervals: [{ start: 0, end: 6 }],
  from: 0,
  to: 6,
  ...over,
});

describe('measureTrack', () => {
  it('reads a perfect copy as 100 % delivered, no freeze, zero offset and drift', () => {
    const { report } = measureTrack(frames(6, 30, 15), spec());
    expect(report).toMatchObject({ expectedFrames: 90, deliveredFrames: 90, deliveredRatio: 1, longestFreezeMs: 0, offsetMs: 0, driftMs: 0, box: BOX });
  });

  it('counts every 10th frame dropped as 90 % and a one-frame freeze', () => {
    const { report } = measureTrack(
      frames(6, 15, 15, (_t, n) => (n % 10 === 9 ? n - 1 : n)),
      spec(),
    );
    expect(report.deliveredRatio).toBe(0.9);
    expect(report.longestFreezeMs).toBeCloseTo(66.7, 1);
  });

  it('measures a 500 ms freeze and where it happened', () => {
    // Source frame 30 (t=2.0) stays up to 2.5667 s: its own 66.7 ms plus 500 ms.
    const { report } = measureTrack(
      frames(6, 30, 15, (t, n) => (t >= 2 && t < 2.5666 ? 30 : n)),
      spec(),
    );
    expect(report.longestFreezeMs).toBeCloseTo(500, 0);
    expect(report.longestFreezeAtMs).toBe(2000);
  });

  it('measures a constant delay as offset and a linear one as drift', () => {
    const late = frames(6, 30, 15).map((f) => ({ ...f, time: f.time + 0.25 }));
    expect(measureTrack(late, spec()).report).toMatchObject({ offsetMs: 250, driftMs: 0 });
    const drifting = frames(6, 30, 15).map((f) => ({ ...f, time: f.time * 1.01 }));
    const { report } = measureTrack(drifting, spec());
    expect(report.driftMs).toBeGreaterThan(50);
    expect(report.driftMs).toBeLessThan(65);
  });

  it('counts only frames inside from..to and while the camera is visible', () => {
    // Part 2..5 s of a recording whose camera is off from 3 to 4 s; output t=0 is source 2 s.
    const s = spec({
      from: 2,
      to: 5,
      intervals: [
        { start: 0, end: 3 },
        { start: 4, end: 6 },
      ],
    });
    const out = frames(3, 30, 15, (t) => {
      const src = t + 2;
      return src >= 3 && src < 4 ? null : Math.floor(src * 15 + 1e-9);
    });
    const { report, expectedLastSourceTime } = measureTrack(out, s);
    expect(report).toMatchObject({ expectedFrames: 30, deliveredFrames: 30, offsetMs: 0, longestFreezeMs: 0 });
    expect(expectedLastSourceTime).toBeCloseTo(74 / 15, 9);
  });

  it('does not call the camera leaving a freeze, but counts touching intervals as one stretch', () => {
    const gap = frames(6, 15, 15, (t, n) => (t >= 2 && t < 3 ? null : n));
    expect(
      measureTrack(
        gap,
        spec({
          intervals: [
            { start: 0, end: 2 },
            { start: 3, end: 6 },
          ],
        }),
      ).report.longestFreezeMs,
    ).toBe(0);
    const hidden = measureTrack(
      gap,
      spec({
        intervals: [
          { start: 0, end: 2 },
          { start: 2, end: 6 },
        ],
      }),
    ).report;
    expect(hidden.longestFreezeMs).toBeCloseTo(1000, 0);
    expect(hidden.deliveredRatio).toBeCloseTo(75 / 90, 4);
  });

  it('follows one channel among several and maps the code box to the picture box', () => {
    const two = frames(2, 15, 15).map((f) => ({ ...f, codes: [cam(f.codes[0]!.value, 0), cam(f.codes[0]!.value + 1000, 1, { x: 400, y: 50, w: 45, h: 25 })] }));
    const placement = { picture: { x: 320, y: 0, w: 320, h: 240 }, code: { x: 333, y: 10, w: 288, h: 160 } };
    const { report } = measureTrack(two, spec({ channel: 1, frameCount: 2000, intervals: [{ start: 66, end: 70 }], from: 0, to: 100, placement }));
    expect(report.deliveredFrames).toBe(30);
    expect(report.box).toEqual({ x: 400, y: 50, w: 45, h: 25 });
    // Scale 45/288: the picture starts 13 code-pixels left and 10 above the code.
    expect(report.pictureBox).toEqual({ x: 398, y: 48, w: 50, h: 38 });
  });

  it('ignores a jump back in the source (a seek) for timing', () => {
    const back = frames(4, 15, 15, (t, n) => (t >= 2 && t < 2.5 ? n - 15 : n));
    const { report } = measureTrack(back, spec());
    expect(report.offsetMs).toBe(0);
  });

  it('reports nulls when the track never shows', () => {
    const { report } = measureTrack(
      frames(2, 15, 15, () => null),
      spec(),
    );
    expect(report).toMatchObject({ deliveredFrames: 0, deliveredRatio: 0, longestFreezeMs: null, offsetMs: null, driftMs: null, box: null });
  });
});
