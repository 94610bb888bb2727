import { describe, expect, it } from 'vitest';
import { SLIDE_CODE_BOX } from '../../../src/sample/draw-sample-pictures.js';
import { DESKSHARE_FPS, formatClock, planSample, SLIDE_HEIGHT, SLIDE_WIDTH, type SamplePlan } from '../../../src/sample/plan-sample.js';
import { resolveSampleOptions, type SampleOptions } from '../../../src/sample/sample-options.js';
import { sampleTruthFromPlan } from '../../../src/sample/sample-truth-from-plan.js';
import type { SampleVariant } from '../../../src/sample/sample-truth.js';

const ffmpeg = { ffmpeg: 'ffmpeg', ffprobe: 'ffprobe' };
const plan = (variant: SampleVariant, duration: number, extra: Partial<SampleOptions> = {}): SamplePlan =>
  planSample(resolveSampleOptions({ root: '/tmp/x', variant, duration, ffmpeg, ...extra }));

const onGrid = (t: number) => Math.abs(t * 10 - Math.round(t * 10)) < 1e-9;
const overlaps = (a: { x: number; y: number; w: number; h: number }, b: typeof a) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;

describe('resolveSampleOptions', () => {
  it('fills defaults and rounds the duration to whole frames', () => {
    const o = resolveSampleOptions({ root: '/r', ffmpeg });
    expect([o.variant, o.duration, o.fps, o.frameCount]).toEqual(['full', 60, 30, 1800]);
    expect(resolveSampleOptions({ root: '/r', ffmpeg, duration: 4.01, fps: 25 }).frameCount).toBe(100);
  });

  it('rejects bad values naming them', () => {
    expect(() => resolveSampleOptions({ root: '/r', ffmpeg, duration: 1 })).toThrow(/duration 1 s/);
    expect(() => resolveSampleOptions({ root: '/r', ffmpeg, fps: 0 })).toThrow(/fps 0/);
    expect(() => resolveSampleOptions({ root: '/r', ffmpeg, variant: 'x' as SampleVariant })).toThrow(/unknown sample variant "x"/);
  });
});

describe('planSample', () => {
  it('makes a BBB-shaped record id from the options, the same every time', () => {
    const a = plan('full', 60);
    expect(a.recordId).toMatch(/^[a-z0-9]{40}-[0-9]{13}$/);
    expect(a.recordId.endsWith(String(a.startTimeMs))).toBe(true);
    expect(a.presentationId).toMatch(/^[a-z0-9]{40}-[0-9]{13}$/);
    expect(plan('full', 60).recordId).toBe(a.recordId);
    expect(plan('full', 61).recordId).not.toBe(a.recordId);
    expect(plan('twocams', 60).recordId).not.toBe(a.recordId);
    expect(plan('full', 60, { fps: 25 }).recordId).not.toBe(a.recordId);
  });

  for (const duration of [3, 3.3, 4, 5, 6.5, 7.7, 10, 60, 3600, 43_200]) {
    it(`keeps the story consistent for ${duration} s`, () => {
      const p = plan('full', duration);
      // Images tile the whole recording, in order, on the 0.1 s grid.
      expect(p.images[0]!.start).toBe(0);
      expect(p.images.at(-1)!.end).toBeCloseTo(Math.floor(duration * 10) / 10, 9);
      p.images.forEach((image, i) => {
        expect(image.id).toBe(i + 1);
        expect(image.end).toBeGreaterThan(image.start);
        if (i > 0) expect(image.start).toBe(p.images[i - 1]!.end);
        expect(onGrid(image.start)).toBe(true);
      });
      expect(p.images.map((i) => i.slide)).toEqual([1, 2, 3, null, 3, 2, 4]);
      // The share starts and ends on whole deskshare frames.
      const share = p.screenshare!;
      expect(share.startFrame).toBe(Math.round(share.start * DESKSHARE_FPS));
      expect(share.start * DESKSHARE_FPS).toBeCloseTo(share.startFrame, 9);
      expect(share.end * DESKSHARE_FPS).toBeCloseTo(share.endFrame, 9);
      // The zoom happens within slide 2's first showing.
      const slide2 = p.images[1]!;
      expect(p.zoom.start).toBeGreaterThan(slide2.start);
      expect(p.zoom.end).toBeLessThan(slide2.end);
      expect(p.zoom.end).toBeGreaterThan(p.zoom.start);
      // Every timed thing is sorted and on the grid.
      for (const list of [p.panzooms, p.cursor, p.chat]) {
        const times = list.map((e) => e.time);
        expect(times).toEqual([...times].sort((a, b) => a - b));
        expect(times.every(onGrid)).toBe(true);
      }
      // Shapes appear while their slide is shown, versions in order, undo after drawing.
      for (const shape of p.shapes) {
        const first = shape.versions[0]!.time;
        expect(p.images.some((i) => i.slide === shape.slide && first >= i.start && first < i.end)).toBe(true);
        for (let i = 1; i < shape.versions.length; i++) expect(shape.versions[i]!.time).toBeGreaterThan(shape.versions[i - 1]!.time);
        if (shape.undo !== null) expect(shape.undo).toBeGreaterThan(shape.versions.at(-1)!.time);
      }
      // Tones fit the recording.
      const last = p.audio.toneStarts.at(-1)!;
      expect(last + p.audio.tone.lengthSamples).toBeLessThanOrEqual(p.audio.totalSamples);
      expect(p.audio.totalSamples).toBe(Math.round(duration * 48_000));
    });
  }

  it('keeps drawings and the cursor away from the slide code', () => {
    const p = plan('full', 60);
    for (const shape of p.shapes.filter((s) => s.kind !== 'line' || s.slide !== 2)) expect(overlaps(shape.box, SLIDE_CODE_BOX)).toBe(false);
    for (const c of p.cursor.filter((c) => c.x >= 0)) {
      expect(c.x * SLIDE_WIDTH).toBeGreaterThan(SLIDE_CODE_BOX.x + SLIDE_CODE_BOX.w);
      expect(c.y * SLIDE_HEIGHT).toBeGreaterThan(SLIDE_CODE_BOX.y + SLIDE_CODE_BOX.h);
    }
    // The code stays whole inside the top-left quarter the zoom shows.
    expect(SLIDE_CODE_BOX.x + SLIDE_CODE_BOX.w).toBeLessThanOrEqual(SLIDE_WIDTH / 2);
    expect(SLIDE_CODE_BOX.y + SLIDE_CODE_BOX.h).toBeLessThanOrEqual(SLIDE_HEIGHT / 2);
  });

  it('hides the cursor while zoomed and while the screen is shared', () => {
    const p = plan('full', 60);
    const at = (t: number) => p.cursor.filter((c) => c.time <= t).at(-1)!;
    expect(at((p.zoom.start + p.zoom.end) / 2).x).toBe(-1);
    expect(at((p.screenshare!.start + p.screenshare!.end) / 2).x).toBe(-1);
    expect(at(p.zoom.end + 0.6).x).toBeGreaterThan(0);
  });

  it('joins and leaves cameras of fourcams on frame boundaries with BBB grid boxes', () => {
    const p = plan('fourcams', 10);
    const segments = p.webcams!.segments;
    expect(segments.map((s) => [s.startFrame, s.cameras.map((c) => c.channel)])).toEqual([
      [0, [0]],
      [30, [0, 1]],
      [90, [0, 1, 2]],
      [150, [0, 1, 2, 3]],
      [210, [0, 1, 3]],
      [270, [0, 1]],
    ]);
    expect(segments[0]!.cameras[0]!.box).toEqual({ x: 0, y: 0, w: 640, h: 480 });
    expect(segments[1]!.cameras[1]!.box).toEqual({ x: 320, y: 120, w: 320, h: 240 });
    expect(segments[4]!.cameras[2]!.box).toEqual({ x: 0, y: 240, w: 320, h: 240 });
  });

  it('has no video nor screen share for audio-only recordings', () => {
    const p = plan('audioonly', 5);
    expect(p.webcams).toBeUndefined();
    expect(p.screenshare).toBeUndefined();
    expect(p.images.every((i) => i.slide !== null)).toBe(true);
  });
});

describe('sampleTruthFromPlan', () => {
  it('lists camera intervals merged across segments with their boxes', () => {
    const truth = sampleTruthFromPlan(plan('fourcams', 10));
    const cam = (channel: number) => truth.webcams!.cameras.find((c) => c.channel === channel)!;
    expect(cam(0).intervals.map((i) => [i.start, i.end, i.box.x, i.box.y, i.box.w])).toEqual([
      [0, 1, 0, 0, 640],
      [1, 3, 0, 120, 320],
      [3, 9, 0, 0, 320],
      [9, 10, 0, 120, 320],
    ]);
    expect(cam(2).intervals).toHaveLength(1);
    expect(cam(2).intervals[0]).toMatchObject({ start: 3, end: 7, box: { x: 0, y: 240, w: 320, h: 240 } });
    expect(cam(3).intervals.map((i) => [i.start, i.end, i.box.x, i.box.y])).toEqual([
      [5, 7, 320, 240],
      [7, 9, 0, 240],
    ]);
  });

  it('lists tone times in seconds on whole samples and slides by number', () => {
    const truth = sampleTruthFromPlan(plan('full', 6.5));
    expect(truth.tones.times).toEqual([0.5, 2.5, 4.5]);
    expect(truth.tones.lengthMs).toBe(45);
    expect(truth.slides.map((s) => s.index)).toEqual([1, 2, 3, 3, 2, 4]);
    expect(truth.slides[0]!.file).toMatch(/^presentation\/[a-z0-9]{40}-\d{13}\/slide-1\.png$/);
    expect(truth.screenshare!.intervals).toHaveLength(1);
    expect(truth.webcams!.frameCount).toBe(195);
  });

  it('points tldraw slides at their SVGs', () => {
    const truth = sampleTruthFromPlan(plan('tldraw', 5));
    expect(truth.whiteboard).toBe('tldraw');
    expect(truth.slides[0]!.file).toMatch(/\/svgs\/slide1\.svg$/);
  });

  it('prints clocks as the frames do', () => {
    expect(formatClock(83.456)).toBe('00:01:23.456');
    expect(formatClock(3723.5)).toBe('01:02:03.500');
  });
});
