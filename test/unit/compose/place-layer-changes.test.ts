import { describe, expect, it } from 'vitest';
import { placeLayerChanges } from '../../../src/compose/place-layer-changes.js';

const cam = { kind: 'webcams' as const, x: 10.2, y: 20, width: 320, height: 240 };
const share = { kind: 'screenshare' as const, x: 400, y: 0, width: 1280.4, height: 720 };
const frame = { width: 1920, height: 1080 };

describe('placeLayerChanges', () => {
  it('puts page-clock changes on the recording timeline, snapped to the captured frame that shows them', () => {
    const pictures = placeLayerChanges(
      [
        { pageMs: 4000, layers: [cam] }, // before playback: the start
        { pageMs: 5000 + 2990, layers: [cam, share] }, // painted at output 2.990 s, captured at 3.005 s
      ],
      { toOutputMs: (p) => p - 5000, fromMs: 2000, toMs: 10_000, pageFrameTimesMs: [0, 1000, 2980, 3005, 3040], frame },
    );
    expect(pictures).toEqual([
      { timeMs: 2000, layers: [{ kind: 'webcams', x: 10, y: 20, w: 320, h: 240 }] },
      {
        timeMs: 5005,
        layers: [
          { kind: 'webcams', x: 10, y: 20, w: 320, h: 240 },
          { kind: 'screenshare', x: 400, y: 0, w: 1280, h: 720 },
        ],
      },
    ]);
  });

  it("keeps the change's own time where no captured frame is near, and starts with no videos when nothing was reported", () => {
    const pictures = placeLayerChanges(
      [
        { pageMs: 1500, layers: [] },
        { pageMs: 1700, layers: [cam] },
      ],
      { toOutputMs: (p) => p - 1000, fromMs: 0, toMs: 5000, pageFrameTimesMs: [0, 2000], frame },
    );
    expect(pictures.map((p) => p.timeMs)).toEqual([0, 500, 700]);
    expect(pictures[1]!.layers).toEqual([]);
  });

  it('lets the last report for one instant win and drops changes at or after the end', () => {
    const pictures = placeLayerChanges(
      [
        { pageMs: 0, layers: [] },
        { pageMs: 0, layers: [cam] },
        { pageMs: 9000, layers: [] },
      ],
      { toOutputMs: (p) => p, fromMs: 0, toMs: 5000, pageFrameTimesMs: [], frame },
    );
    expect(pictures).toHaveLength(1);
    expect(pictures[0]!.layers).toHaveLength(1);
  });
});
