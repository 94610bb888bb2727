import { describe, expect, it } from 'vitest';
import { computeAlignment, pageTimeline, type AlignmentInput } from '../../../../src/engines/capture/compute-alignment.js';

// 30 fps frames presented from page time 1000 ms, frame n at 1000 + n*33.33 ms.
const samples = Array.from({ length: 30 }, (_, i): [number, number] => [(i + 1) / 30, 1000 + ((i + 1) * 1000) / 30]);
// The sync clip: 10 frames at 30 fps, displayed from page time 21 000 ms; captured 500 ms earlier in file time.
const clipFrameTimes = Array.from({ length: 10 }, (_, n) => n / 30);
const clipShown = clipFrameTimes.map((t): [number, number] => [t, 21_000 + t * 1000]);
const clipFramesInFile = new Map(clipFrameTimes.map((t, n) => [n, 20.5 + t]));

const base: AlignmentInput = { samples, from: 0, clipFrameTimes, clipBeepTime: 0.2, clipShown, clipFramesInFile, beepInFile: 20.76, recorderStartedAt: 480 };

describe('computeAlignment', () => {
  it('maps the first instant to file time through the sync clip', () => {
    const a = computeAlignment(base);
    // Media 0 was at page 1.000 s; page 21.000 s sits at file 20.5 s (video); the beep (page 21.2 s) at file 20.76 s.
    expect(a.videoStart).toBeCloseTo(0.5, 6);
    expect(a.audioStart).toBeCloseTo(0.56, 6);
    expect(a.captureSkewMs).toBeCloseTo(60, 6);
    expect(a.maxLagMs).toBeCloseTo(0, 6);
    expect(a.syncFrames).toBe(10);
    expect(a.syncSpreadMs).toBeCloseTo(0, 6);
  });

  it('is not moved by a few clip frames captured late, or skipped', () => {
    const late = new Map(clipFramesInFile);
    late.set(3, 20.5 + 3 / 30 + 0.3);
    late.set(4, 20.5 + 4 / 30 + 0.25);
    late.delete(7);
    const a = computeAlignment({ ...base, clipFramesInFile: late });
    expect(a.videoStart).toBeCloseTo(0.5, 6);
    expect(a.syncFrames).toBe(9);
    expect(a.syncSpreadMs).toBeCloseTo(300, 3);
  });

  it('ignores a late first frame and reports later stalls as lag', () => {
    const stalled: Array<[number, number]> = [[1 / 30, 1100], ...samples.slice(1), [10, 1000 + 10_000 + 400]];
    const a = computeAlignment({ ...base, samples: stalled });
    expect(a.videoStart).toBeCloseTo(0.5, 3);
    expect(a.maxLagMs).toBeCloseTo(400, 0);
  });

  it('measures from --from, not from 0', () => {
    const part = samples.map(([m, d]): [number, number] => [m + 30, d]);
    expect(computeAlignment({ ...base, samples: part, from: 30 }).videoStart).toBeCloseTo(0.5, 6);
  });

  it("falls back to the recorder's start when no clip frame was both shown and captured (a loaded machine's encoder dropped them)", () => {
    // The recorder started at page 0.480 s: file 0; media 0 at page 1.000 s is at file 0.52 s.
    const a = computeAlignment({ ...base, clipFramesInFile: new Map(), beepInFile: undefined });
    expect(a.sync).toBe('recorder-start');
    expect(a.videoStart).toBeCloseTo(0.52, 6);
    expect(a.syncFrames).toBe(0);
    expect(a.captureSkewMs).toBeNull();
    expect(computeAlignment({ ...base, clipShown: [] }).sync).toBe('recorder-start');
  });

  it('does without the beep: the sound comes from the recording, the clip still places the video', () => {
    const a = computeAlignment({ ...base, beepInFile: undefined });
    expect(a.sync).toBe('clip');
    expect(a.videoStart).toBeCloseTo(0.5, 6);
    expect(a.audioStart).toBeNull();
  });
});

describe('pageTimeline', () => {
  // Time events at 15 Hz: page clock 1000 ms + media ms + a few ms of timer jitter.
  const steady = Array.from({ length: 60 }, (_, i) => [i / 15, 1000 + (i * 1000) / 15 + ((i * 7) % 5)] as const);

  it("places the part's start from the first second of events and finds no lag in steady playback", () => {
    const timeline = pageTimeline(steady, 0.5)!;
    expect(Math.abs(timeline.startMs - 1502)).toBeLessThanOrEqual(3);
    expect(timeline.steps).toEqual([]);
  });

  it('follows a stall: the media stood at 2 s for 500 ms while the page clock ran on', () => {
    const stalled = [
      ...steady.filter(([t]) => t <= 2),
      ...Array.from({ length: 7 }, (_, k) => [2, 1000 + 2000 + (k + 1) * 67] as const),
      ...steady.filter(([t]) => t > 2).map(([t, p]) => [t, p + 500] as const),
    ];
    const timeline = pageTimeline(stalled, 0)!;
    expect(timeline.steps.length).toBeGreaterThan(0);
    expect(Math.abs(timeline.steps.at(-1)!.lagMs - 500)).toBeLessThanOrEqual(5);
    // Lag only grows.
    for (let i = 1; i < timeline.steps.length; i++) expect(timeline.steps[i]!.lagMs).toBeGreaterThan(timeline.steps[i - 1]!.lagMs);
  });

  it('has nothing to say without events', () => {
    expect(pageTimeline([], 0)).toBeUndefined();
  });
});
