import { describe, expect, it } from 'vitest';
import { snapShareEdges } from '../../../src/compose/snap-share-edges.js';
import type { LayerBox, LayeredPicture } from '../../../src/compose/video-layers.js';

const cam: LayerBox = { kind: 'webcams', x: 0, y: 0, w: 320, h: 240 };
const camAside: LayerBox = { kind: 'webcams', x: 0, y: 300, w: 160, h: 120 };
const share: LayerBox = { kind: 'screenshare', x: 400, y: 0, w: 1280, h: 720 };
const range = { fromMs: 0, toMs: 60_000 };
const span = { startMs: 27_000, stopMs: 33_000 };

describe('snapShareEdges', () => {
  it('moves a share that came in late and went out late onto its edges', () => {
    const pictures: LayeredPicture[] = [
      { timeMs: 0, layers: [cam] },
      { timeMs: 27_539, layers: [camAside, share] },
      { timeMs: 33_067, layers: [cam] },
    ];
    expect(snapShareEdges(pictures, [span], range)).toEqual([
      { timeMs: 0, layers: [cam] },
      { timeMs: 27_000, layers: [camAside, share] },
      { timeMs: 33_000, layers: [cam] },
    ]);
  });

  it('moves a share that came in a little early forward onto its edge', () => {
    const pictures: LayeredPicture[] = [
      { timeMs: 0, layers: [cam] },
      { timeMs: 26_960, layers: [camAside, share] },
      { timeMs: 32_990, layers: [cam] },
    ];
    expect(snapShareEdges(pictures, [span], range).map((p) => p.timeMs)).toEqual([0, 27_000, 33_000]);
  });

  it('replaces a picture at the edge that still showed no share', () => {
    const pictures: LayeredPicture[] = [
      { timeMs: 0, layers: [cam] },
      { timeMs: 27_000, layers: [camAside] },
      { timeMs: 27_070, layers: [camAside, share] },
    ];
    expect(snapShareEdges(pictures, [span], range)).toEqual([
      { timeMs: 0, layers: [cam] },
      { timeMs: 27_000, layers: [camAside, share] },
    ]);
  });

  it('leaves a share already on its edges, and a change too far from any edge', () => {
    const onTime: LayeredPicture[] = [
      { timeMs: 0, layers: [cam] },
      { timeMs: 27_000, layers: [share] },
      { timeMs: 33_000, layers: [cam] },
    ];
    expect(snapShareEdges(onTime, [span], range)).toEqual(onTime);
    // The page showed the share 1.5 s late: not taken for this edge (nothing is invented).
    const far: LayeredPicture[] = [
      { timeMs: 0, layers: [cam] },
      { timeMs: 28_500, layers: [share] },
    ];
    expect(snapShareEdges(far, [span], range)).toEqual(far);
  });

  it('moves only the change the edge makes, not another box change next to it', () => {
    // The webcam box moves 100 ms after a share start that was on time: not the share's change.
    const pictures: LayeredPicture[] = [
      { timeMs: 0, layers: [cam] },
      { timeMs: 27_000, layers: [cam, share] },
      { timeMs: 27_100, layers: [camAside, share] },
    ];
    expect(snapShareEdges(pictures, [span], range)).toEqual(pictures);
  });

  it('ignores edges at or outside the part, and keeps the input as it was', () => {
    const pictures: LayeredPicture[] = [
      { timeMs: 28_000, layers: [share] },
      { timeMs: 33_200, layers: [cam] },
    ];
    const copy = structuredClone(pictures);
    // The part starts inside the share: its start is no edge of this part.
    expect(snapShareEdges(pictures, [span], { fromMs: 28_000, toMs: 40_000 }).map((p) => p.timeMs)).toEqual([28_000, 33_000]);
    expect(snapShareEdges(pictures, [span], { fromMs: 28_000, toMs: 33_000 })).toEqual(pictures);
    expect(pictures).toEqual(copy);
  });
});
