import { describe, expect, it } from 'vitest';
import { computeChangeInstants, pageVideoFrames, segmentLengthMs, splitSegments } from '../../../../src/engines/render/change-instants.js';
import { deskshareIntervals, jsonTimes, timelineTimes, vttTimes, xmlTimes } from '../../../../src/recording/timeline-times.js';

describe('timeline times', () => {
  it('reads slide, shape, pan/zoom, cursor, chat and deskshare times; skips undo="-1"', () => {
    const svg = '<image class="slide" in="0.0" out="1.2" xlink:href="a.png"/><g class="shape" timestamp="0.4" undo="-1"/><g class="shape" timestamp="0.6" undo="2.5"/>';
    expect(xmlTimes(svg)).toEqual([0, 1.2, 0.4, 0.6, 2.5]);
    expect(xmlTimes('<event timestamp="1.6"><viewBox>0 0 800 600</viewBox></event>')).toEqual([1.6]);
    expect(xmlTimes('<chattimeline in="0.2" name="A" message="x in=&quot;9&quot;"/>')).toEqual([0.2]);
    expect(xmlTimes('<event start_timestamp="3.6" stop_timestamp="4.4" video_width="1280"/>')).toEqual([3.6, 4.4]);
  });

  it('reads tldraw shapes, polls and external videos from JSON, ignoring bad documents', () => {
    const tldraw = JSON.stringify({
      bbb_version: '3.0.0',
      1: {
        timestamp: 0,
        shapes: [
          { id: 'a', timestamp: 0.4, undo: -1, shape_data: { x: 5 } },
          { timestamp: 1.5, undo: 2 },
        ],
      },
    });
    expect(jsonTimes(tldraw).sort()).toEqual([0, 0.4, 1.5, 2]);
    expect(jsonTimes('[{"start": "3.25", "question": "q"}]')).toEqual([3.25]);
    expect(jsonTimes('<html>')).toEqual([]);
    expect(jsonTimes('')).toEqual([]);
  });

  it('reads caption cue starts and ends', () => {
    expect(vttTimes('WEBVTT\n\n00:00:01.500 --> 00:00:02.250\nhi\n\n01:02:03.004 --> 01:02:04.000\nyo\n')).toEqual([1.5, 2.25, 3723.004, 3724]);
    expect(timelineTimes({ xml: ['<event timestamp="1"/>'], json: ['{"in": 2}'], vtt: ['00:03.000 --> 00:04.000'] })).toEqual([1, 2, 3, 4]);
  });

  it('reads deskshare intervals', () => {
    expect(
      deskshareIntervals(
        '<recording><event start_timestamp="3.6" stop_timestamp="4.4" video_width="1280" video_height="720"/><event start_timestamp="9" stop_timestamp="9"/></recording>',
      ),
    ).toEqual([{ start: 3.6, stop: 4.4 }]);
  });
});

describe('computeChangeInstants', () => {
  it('renders a still slide once, then once per hold interval', () => {
    expect(computeChangeInstants([], { fromMs: 0, toMs: 3500, maxHoldMs: 1000 })).toEqual([0, 1000, 2000, 3000]);
    expect(computeChangeInstants([], { fromMs: 0, toMs: 3_600_000, maxHoldMs: 3_600_000 })).toEqual([0]);
  });

  it('puts events on a 1 ms grid, in the range only, without duplicates', () => {
    expect(computeChangeInstants([0, 0.2, 1.6, 1.6000001, 0.0666, 9], { fromMs: 50, toMs: 2000, maxHoldMs: 10_000 })).toEqual([50, 67, 200, 1600]);
  });

  it('rejects an empty range', () => {
    expect(() => computeChangeInstants([], { fromMs: 5, toMs: 5, maxHoldMs: 1000 })).toThrow(/empty range/);
  });
});

describe('pageVideoFrames', () => {
  it("merges webcam frames with the screen share's while it is shown", () => {
    expect(pageVideoFrames({ webcams: [0, 33, 3600, 3667], screenshare: [3500, 3600, 3667, 4400, 4500] }, [{ start: 3.6, stop: 4.4 }])).toEqual([0, 33, 3600, 3667]);
    expect(pageVideoFrames({ webcams: [], screenshare: [3500, 3600, 3667, 4400] }, [{ start: 3.6, stop: 4.4 }])).toEqual([3600, 3667]);
    expect(pageVideoFrames({ webcams: [10], screenshare: [20] }, [])).toEqual([10]);
  });
});

describe('splitSegments', () => {
  it('starts every segment with a rendered instant and keeps every instant once', () => {
    const segments = splitSegments([0, 400, 1000, 2100, 2999], 0, 3000, 1000);
    expect(segments).toEqual([
      { index: 0, startMs: 0, endMs: 1000, instants: [0, 400] },
      { index: 1, startMs: 1000, endMs: 2000, instants: [1000] },
      { index: 2, startMs: 2000, endMs: 3000, instants: [2000, 2100, 2999] },
    ]);
  });

  it('adds a short tail to the last segment instead of making a segment of a few ms', () => {
    expect(splitSegments([0], 0, 2500, 2000).map((s) => [s.startMs, s.endMs])).toEqual([[0, 2500]]);
    expect(splitSegments([0], 0, 6007, 2000).map((s) => [s.startMs, s.endMs])).toEqual([
      [0, 2000],
      [2000, 4000],
      [4000, 6007],
    ]);
    expect(splitSegments([0], 0, 3500, 2000).map((s) => [s.startMs, s.endMs])).toEqual([
      [0, 2000],
      [2000, 3500],
    ]);
  });

  it('starts with a short segment and doubles it up to the segment length, and ends with a short one (rampMs)', () => {
    const edges = (toMs: number, segmentMs = 10_000) => splitSegments([0, 1500, 2500, 59_000], 0, toMs, segmentMs, 2000).map((s) => [s.startMs, s.endMs]);
    expect(edges(60_007)).toEqual([
      [0, 2000],
      [2000, 6000],
      [6000, 14_000],
      [14_000, 24_000],
      [24_000, 34_000],
      [34_000, 44_000],
      [44_000, 58_007],
      [58_007, 60_007],
    ]);
    expect(splitSegments([0, 1500, 2500, 59_000], 0, 60_007, 10_000, 2000).flatMap((s) => s.instants)).toEqual([
      0, 1500, 2000, 2500, 6000, 14_000, 24_000, 34_000, 44_000, 58_007, 59_000,
    ]);
    // 10 minutes in 30 s segments: 2, 4, 8, 16 s, then 30 s ones, and 2 s at the end.
    const long = edges(600_000, 30_000);
    expect(long.slice(0, 5)).toEqual([
      [0, 2000],
      [2000, 6000],
      [6000, 14_000],
      [14_000, 30_000],
      [30_000, 60_000],
    ]);
    expect(long.at(-1)).toEqual([598_000, 600_000]);
    expect(long.slice(4, -2).every(([a, b]) => b! - a! === 30_000)).toBe(true);
    const [a, b] = long.at(-2)!;
    expect(b! - a!).toBeGreaterThanOrEqual(15_000);
    expect(b! - a!).toBeLessThan(45_000);
    // The doubling stops where a whole segment would not follow it.
    expect(edges(20_000).map(([a, b]) => b! - a!)).toEqual([2000, 4000, 12_000, 2000]);
    // Too short for a ramp at both ends and a whole segment between: cut as without one.
    expect(edges(13_000)).toEqual(splitSegments([0], 0, 13_000, 10_000).map((s) => [s.startMs, s.endMs]));
  });

  it('chooses about six segments per worker, 2 to 30 s long', () => {
    expect(segmentLengthMs(8000, 1)).toBe(2000);
    expect(segmentLengthMs(60_000, 1)).toBe(10_000);
    expect(segmentLengthMs(600_000, 2)).toBe(30_000);
    expect(segmentLengthMs(3_600_000, 2)).toBe(30_000);
    expect(segmentLengthMs(4000, 4)).toBe(2000);
    expect(segmentLengthMs(120_000, 1)).toBe(20_000);
  });
});
