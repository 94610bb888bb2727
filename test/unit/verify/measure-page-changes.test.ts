import { describe, expect, it } from 'vitest';
import type { SampleTruth } from '../../../src/sample/sample-truth.js';
import type { DecodedFrame, DecodedVideo } from '../../../src/verify/decode-video-codes.js';
import { measurePageChanges } from '../../../src/verify/measure-page-changes.js';

// The slide code at (100, 20) 40 px wide: the 1600 px slide is drawn at 1/4, in (100, 20, 400, 300).
const CODE = { kind: 'slide' as const, channel: 0, value: 1, box: { x: 100, y: 20, w: 40, h: 25 } };
const ON_SLIDE = 5 * 60 + 10; // 16 px cell (10, 5): centre (168, 88)
const CHROME = 30 * 60 + 50; // the progress bar: changes in every frame
const IN_CAMERA = 2 * 60 + 20; // centre (328, 40), inside the webcam drawn over the slide

const truth = {
  slides: [{ index: 1, start: 0, end: 10, file: 'slide-1.png' }],
  slidePicture: { width: 1600, height: 1200, codeBox: { x: 0, y: 0, w: 160, h: 100 } },
  shapes: [{ id: 's', kind: 'line', start: 2, end: 3, slide: 1 }],
  cursor: [
    { time: 0, x: -1, y: -1 },
    { time: 4, x: 0.5, y: 0.5 },
    { time: 6, x: 0.6, y: 0.5 },
    { time: 6.02, x: 0.6, y: 0.6 }, // beside another: not measured on its own
  ],
  chat: [{ time: 3.1, name: 'a', message: 'b' }],
  panzooms: [],
  screenshare: { file: '', fps: 5, width: 1, height: 1, intervals: [{ start: 7, end: 8 }] },
} as unknown as SampleTruth;

/** 30 fps, 10 s; the slide area changes at the times listed, the chrome and the camera always. */
function video(changesAt: number[]): DecodedVideo {
  const frames: DecodedFrame[] = [];
  for (let k = 0; k < 300; k++) {
    const time = Math.round((k / 30) * 1000) / 1000;
    const onSlide = changesAt.some((t) => Math.abs(t - time) < 1e-3);
    frames.push({ time, codes: [CODE], changedCells: k === 0 ? [] : [...(onSlide ? [ON_SLIDE] : []), IN_CAMERA, CHROME] });
  }
  return { width: 960, height: 540, analysisWidth: 960, analysisHeight: 540, frames };
}

describe('measurePageChanges', () => {
  it('times whiteboard and cursor changes by where the slide changes, ignoring the rest of the page', () => {
    const r = measurePageChanges(video([at(2.1), at(3.0), at(4.05), at(6.2)]), truth, { from: 0, to: 10, exclude: [{ x: 320, y: 30, w: 60, h: 40 }] });
    expect(r!.whiteboard).toEqual({ expected: 2, measured: 2, medianMs: 50, maxMs: 100 });
    // The 6.02 s move stands beside the 6 s one (neither is expected); the 4 s one is 67 ms late.
    expect(r!.cursor).toEqual({ expected: 1, measured: 1, medianMs: 67, maxMs: 67 });
  });

  it('does not credit a change with the picture of the next instant', () => {
    // The rectangle's undo at 3 s never shows; the chat at 3.1 s bounds the search.
    const r = measurePageChanges(video([at(2.1), 3.2]), truth, { from: 0, to: 10, exclude: [{ x: 320, y: 30, w: 60, h: 40 }] });
    expect(r!.whiteboard).toMatchObject({ expected: 2, measured: 1 });
  });

  it('is null without change cells', () => {
    const v = video([]);
    for (const f of v.frames) delete f.changedCells;
    expect(measurePageChanges(v, truth, { from: 0, to: 10, exclude: [] })).toBeNull();
  });
});

function at(t: number): number {
  return Math.round((Math.ceil(t * 30 - 1e-6) / 30) * 1000) / 1000;
}
