import { describe, expect, it } from 'vitest';
import { retimePageFrames } from '../../../src/compose/retime-page-frames.js';

/** Frames every `step` ms from 0 to `end`, changed at the times listed. */
function frames(end: number, step: number, changedAt: number[]) {
  const out = [];
  for (let t = 0; t <= end; t += step) out.push({ timeMs: t, changed: changedAt.includes(t) });
  return out;
}

describe('retimePageFrames', () => {
  it('gives the first changed frame after an instant the instant, and drops the old pictures between', () => {
    // A slide due at 1000 ms, painted in the frame captured at 1200 ms.
    const r = retimePageFrames(frames(2000, 100, [1200]), [1000]);
    expect(r.times.slice(9, 14)).toEqual([900, null, null, 1000, 1300]);
    expect(r).toMatchObject({ moved: 1, dropped: 2 });
    // Output times still increase.
    const kept = r.times.filter((t): t is number => t !== null);
    expect(kept).toEqual([...kept].sort((a, b) => a - b));
    expect(new Set(kept).size).toBe(kept.length);
  });

  it('never moves a frame later, nor one already on time, nor one past the window', () => {
    const f = frames(2000, 100, [500, 1700]);
    // 500: captured at its instant; 1700: 600 ms after the instant at 1100 (outside 500 ms).
    const r = retimePageFrames(f, [500, 1100]);
    expect(r.times).toEqual(f.map((x) => x.timeMs));
    expect(r).toMatchObject({ moved: 0, dropped: 0 });
    for (const [i, t] of r.times.entries()) if (t !== null) expect(t).toBeLessThanOrEqual(f[i]!.timeMs);
  });

  it('leaves a change seen only after the next instant to that instant', () => {
    // Instants at 1000 and 1150, one change painted at 1300: it belongs to 1150, not 1000.
    const r = retimePageFrames(frames(2000, 100, [1300]), [1150, 1000]);
    expect(r.times.slice(10, 15)).toEqual([1000, 1100, null, 1150, 1400]);
  });

  it('moves an instant with nothing painted nowhere, and keeps each change with its own instant', () => {
    const r = retimePageFrames(frames(3000, 50, [1100, 2150]), [1000, 1500, 2100]);
    expect(r.times[22]).toBe(1000); // 1100 -> 1000
    expect(r.times[43]).toBe(2100); // 2150 -> 2100
    expect(r.times[30]).toBe(1500); // nothing changed after 1500: kept
    expect(r).toMatchObject({ moved: 2, dropped: 3 }); // 1000 and 1050, then 2100
  });

  it('maps what was placed on a frame to its new time', () => {
    const r = retimePageFrames(frames(2000, 100, [1200]), [1000]);
    expect(r.mapTime(1200)).toBe(1000);
    expect(r.mapTime(1100)).toBe(1000); // dropped: the change replaced it
    expect(r.mapTime(1300)).toBe(1300);
    expect(r.mapTime(1234)).toBe(1234);
  });

  it('refuses frames out of order', () => {
    expect(() =>
      retimePageFrames(
        [
          { timeMs: 10, changed: false },
          { timeMs: 10, changed: true },
        ],
        [5],
      ),
    ).toThrow(RangeError);
  });
});

describe('retimePageFrames, a change painted after the next instant', () => {
  it("follows that instant's own change by a millisecond, never coming before it", () => {
    // A slide due at 1000 ms, a cursor move due at 1100 ms; the cursor is painted at 1150 ms,
    // the slide only at 1250 ms.
    const r = retimePageFrames(frames(2000, 50, [1150, 1250]), [1000, 1100, 1500]);
    expect(r.times.slice(20, 27)).toEqual([1000, 1050, null, 1100, null, 1101, 1300]);
    expect(r.mapTime(1200)).toBe(1101);
  });

  it('leaves a second change alone when the instant before found its own', () => {
    const r = retimePageFrames(frames(2000, 50, [1050, 1150, 1250]), [1000, 1100, 1500]);
    expect(r.times.slice(20, 27)).toEqual([null, 1000, null, 1100, 1200, 1250, 1300]);
  });
});

describe('retimePageFrames, a slide painted only after the next instant', () => {
  /** Frames every 50 ms to 2000 ms; `changes` maps a frame time to the share of the presentation it changed. */
  const shared = (changes: Record<number, number>) => frames(2000, 50, []).map((f) => ({ ...f, changed: f.timeMs in changes, share: changes[f.timeMs] ?? 0 }));

  it('gives the slide its instant and the next instant its own change after it', () => {
    // A slide due at 1000 ms, a cursor move due at 1100 ms; the slide is painted at 1150 ms (the
    // whole presentation), the cursor in the frame after it.
    const r = retimePageFrames(shared({ 1150: 0.6, 1200: 0.004 }), [1000, 1100, 1500], { slideInstantsMs: [1000] });
    expect(r.times.slice(19, 26)).toEqual([950, null, null, null, 1000, 1100, 1250]);
    expect(r).toMatchObject({ moved: 2, dropped: 3, lateSlides: 1 });
    expect(r.mapTime(1050)).toBe(1000);
  });

  it('leaves a small first change to the next instant: it is not the slide', () => {
    const r = retimePageFrames(shared({ 1150: 0.004, 1250: 0.6 }), [1000, 1100, 1500], { slideInstantsMs: [1000] });
    expect(r.times.slice(20, 27)).toEqual([1000, 1050, null, 1100, null, 1101, 1300]);
    expect(r.lateSlides).toBe(0);
  });

  it('never gives a slide the change of a later slide', () => {
    // Two slides due at 1000 and 1100 ms, one repaint seen at 1150 ms: the later slide's.
    const r = retimePageFrames(shared({ 1150: 0.6 }), [1000, 1100], { slideInstantsMs: [1000, 1100] });
    expect(r.times.slice(20, 25)).toEqual([1000, 1050, null, 1100, 1200]);
    expect(r.lateSlides).toBe(0);
  });

  it('looks no further than the window', () => {
    const r = retimePageFrames(shared({ 1650: 0.6 }), [1000, 1100], { slideInstantsMs: [1000] });
    expect(r.times[33]).toBe(1650);
    expect(r).toMatchObject({ moved: 0, dropped: 0 });
  });
});

describe("retimePageFrames, a late slide holding the next instant's change too", () => {
  const shared = (changes: Record<number, number>) => frames(2000, 50, []).map((f) => ({ ...f, changed: f.timeMs in changes, share: changes[f.timeMs] ?? 0 }));

  it('stays with the next instant when that instant shows a change and none follows: the cursor would show early', () => {
    // The slide due at 1000 ms and the cursor move due at 1100 ms both first show at 1150 ms.
    const r = retimePageFrames(shared({ 1150: 0.6 }), [1000, 1100, 1500], { slideInstantsMs: [1000], shownInstantsMs: [1000, 1100, 1500] });
    expect(r.times.slice(20, 25)).toEqual([1000, 1050, null, 1100, 1200]);
    expect(r.lateSlides).toBe(0);
  });

  it('takes its instant when the instant between changes nothing in the presentation (a chat message)', () => {
    const r = retimePageFrames(shared({ 1150: 0.6 }), [1000, 1100, 1500], { slideInstantsMs: [1000], shownInstantsMs: [1000, 1500] });
    expect(r.times.slice(19, 25)).toEqual([950, null, null, null, 1000, 1200]);
    expect(r.lateSlides).toBe(1);
  });
});

describe("retimePageFrames, a slide painted after an earlier instant's late change", () => {
  const shared = (changes: Record<number, number>) => frames(2000, 50, []).map((f) => ({ ...f, changed: f.timeMs in changes, share: changes[f.timeMs] ?? 0 }));

  it('gives each its own instant, in the order Chromium painted them', () => {
    // A cursor move due at 900 ms painted only at 1100 ms, the slide due at 1000 ms at 1200 ms,
    // the next cursor move due at 1300 ms at 1350 ms.
    const r = retimePageFrames(shared({ 1100: 0.004, 1200: 0.6, 1350: 0.004 }), [900, 1000, 1300], { slideInstantsMs: [1000] });
    expect(r.times.slice(17, 29)).toEqual([850, null, null, null, null, 900, null, 1000, 1250, null, 1300, 1400]);
    expect(r).toMatchObject({ moved: 3, lateSlides: 1 });
    const kept = r.times.filter((t): t is number => t !== null);
    expect(kept).toEqual([...kept].sort((a, b) => a - b));
  });

  it('drops the earlier change when something else changed since its instant', () => {
    // The cursor move due at 900 ms was painted at 950 ms already; a second small change at 1100 ms
    // has no instant of its own before the slide's and is dropped (the slide's frame shows it too).
    const r = retimePageFrames(shared({ 950: 0.004, 1100: 0.004, 1200: 0.6 }), [900, 1000], { slideInstantsMs: [1000] });
    expect(r.times.slice(18, 26)).toEqual([null, 900, null, null, null, null, 1000, 1250]);
  });
});
