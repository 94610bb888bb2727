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
