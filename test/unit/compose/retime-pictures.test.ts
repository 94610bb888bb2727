import { describe, expect, it } from 'vitest';
import { retimePictures } from '../../../src/compose/retime-pictures.js';
import { overlayRuns, type LayerBox, type LayeredPicture } from '../../../src/compose/video-layers.js';

const cam = (x: number): LayerBox => ({ kind: 'webcams', x, y: 0, w: 320, h: 240 }) as LayerBox;
const share: LayerBox = { kind: 'screenshare', x: 400, y: 0, w: 800, h: 600 } as LayerBox;

/** Total ms of [0, end) during which some webcam box is drawn. */
function webcamCoverage(pictures: LayeredPicture[], end: number): number {
  const spans = overlayRuns(pictures, 0, end)
    .filter((r) => r.box.kind === 'webcams')
    .flatMap((r) => r.intervals)
    .sort((a, b) => a[0] - b[0]);
  let covered = 0;
  let reach = 0;
  for (const [s, e] of spans) {
    if (e > reach) covered += e - Math.max(s, reach);
    reach = Math.max(reach, e);
  }
  return covered;
}

describe('retimePictures', () => {
  it('moves pictures with their frames, keeping a later picture of the same instant', () => {
    const pictures = [
      { timeMs: 0, layers: [cam(0)] },
      { timeMs: 3000, layers: [cam(10)] },
      { timeMs: 3050, layers: [cam(20)] },
    ];
    const out = retimePictures(pictures, (t) => (t === 3050 ? 3000 : t));
    expect(out).toEqual([
      { timeMs: 0, layers: [cam(0)] },
      { timeMs: 3000, layers: [cam(20)] },
    ]);
  });

  it('keeps page order when a poor sync measurement moves a snapped change before an unsnapped one', () => {
    // A screen share starts at 3000 (not snapped to a frame: kept) and the webcam moves aside in
    // the next paint, snapped to a frame the retiming moved back to 2900: out of page order.
    const pictures = [
      { timeMs: 0, layers: [cam(0)] },
      { timeMs: 3000, layers: [cam(0), share] },
      { timeMs: 3040, layers: [cam(10), share] },
      { timeMs: 6000, layers: [cam(0)] },
    ];
    const out = retimePictures(pictures, (t) => (t === 3040 ? 2900 : t));
    expect(out.map((p) => p.timeMs)).toEqual([...out.map((p) => p.timeMs)].sort((a, b) => a - b));
    expect(webcamCoverage(out, 8000)).toBe(8000);
    // What the page showed last before 6000 is what is drawn from where it was placed.
    expect(out.find((p) => p.timeMs === 2900)?.layers).toEqual([cam(10), share]);
  });

  it('never places a picture before the part starts', () => {
    const out = retimePictures(
      [
        { timeMs: 0, layers: [cam(0)] },
        { timeMs: 30, layers: [cam(5)] },
      ],
      (t) => (t === 30 ? -20 : t),
    );
    expect(out).toEqual([{ timeMs: 0, layers: [cam(5)] }]);
  });
});
