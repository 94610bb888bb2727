import { describe, expect, it } from 'vitest';
import { SCREENSHOT_COLOUR, toOutputColour } from '../../../src/compose/colour.js';
import { overlayGraph, overlayRuns, snapLayer, timesBetween, videoFrameInstants, type LayerBox } from '../../../src/compose/video-layers.js';

const frame = { width: 1920, height: 1080 };
const cam: LayerBox = { kind: 'webcams', x: 12, y: 14, w: 296, h: 222 };
const share: LayerBox = { kind: 'screenshare', x: 320, y: 60, w: 1600, h: 900 };

describe('snapLayer', () => {
  it('rounds the edges to whole pixels, as Chromium snaps a video box', () => {
    expect(snapLayer({ kind: 'webcams', x: 100.4, y: 10.5, width: 320.2, height: 240.4 }, frame)).toEqual({ kind: 'webcams', x: 100, y: 11, w: 321, h: 240 });
  });

  it('keeps a box reaching past the frame (the overlay clips it) and drops one wholly outside', () => {
    expect(snapLayer({ kind: 'screenshare', x: -10, y: 1000, width: 200, height: 200 }, frame)).toEqual({ kind: 'screenshare', x: -10, y: 1000, w: 200, h: 200 });
    expect(snapLayer({ kind: 'screenshare', x: 1920, y: 0, width: 200, height: 200 }, frame)).toBeUndefined();
    expect(snapLayer({ kind: 'webcams', x: 5, y: 5, width: 0.2, height: 100 }, frame)).toBeUndefined();
  });
});

describe('timesBetween', () => {
  it('lists the times strictly between two instants', () => {
    expect(timesBetween([0, 33, 67, 100, 133], 33, 133)).toEqual([67, 100]);
    expect(timesBetween([0, 33, 67], -1, 1000)).toEqual([0, 33, 67]);
    expect(timesBetween([], 0, 10)).toEqual([]);
  });
});

describe('videoFrameInstants', () => {
  const videos = { webcams: [0, 33, 67, 100, 133, 167], screenshare: [0, 50, 100, 150] };

  it('lists new frames of the videos drawn over each picture, only until the next picture', () => {
    const frames = [
      { timeMs: 0, layers: [cam] },
      { timeMs: 90, layers: [cam, share] },
      { timeMs: 140, layers: [] },
    ];
    expect(videoFrameInstants(frames, 200, videos)).toEqual([33, 67, 100, 133]);
  });

  it("merges the two videos' frame times and runs the last picture to the segment end", () => {
    expect(videoFrameInstants([{ timeMs: 40, layers: [cam, share] }], 160, videos)).toEqual([50, 67, 100, 133, 150]);
  });
});

describe('overlayRuns', () => {
  it('groups pictures by video and box, merging adjacent intervals, in segment time', () => {
    const moved = { ...cam, x: 500 };
    const frames = [
      { timeMs: 1000, layers: [cam] },
      { timeMs: 1100, layers: [cam, share] },
      { timeMs: 1500, layers: [] },
      { timeMs: 1600, layers: [cam] },
      { timeMs: 1700, layers: [moved] },
    ];
    expect(overlayRuns(frames, 1000, 2000)).toEqual([
      {
        box: cam,
        intervals: [
          [0, 500],
          [600, 700],
        ],
      },
      { box: share, intervals: [[100, 500]] },
      { box: moved, intervals: [[700, 1000]] },
    ]);
  });

  it('gives nothing for pictures the page drew with its videos', () => {
    expect(overlayRuns([{ timeMs: 0 }, { timeMs: 5, layers: [] }], 0, 10)).toEqual([]);
  });
});

describe('overlayGraph', () => {
  const sources = {
    webcams: { file: '/w/media.webm', frameTimesMs: [0, 33, 67, 2967, 3000, 3033], matrix: 'bt601' as const },
    screenshare: { file: '/w/deskshare.webm', frameTimesMs: [0, 2933, 3000], matrix: 'bt709' as const },
  };
  const colour = { page: SCREENSHOT_COLOUR };

  it('reads each video from the frame on screen at the segment start and keeps its millisecond times', () => {
    const { inputs, graph } = overlayGraph(
      [
        { box: cam, intervals: [[0, 1000]] },
        { box: share, intervals: [[10, 20]] },
      ],
      sources,
      2990,
      '/w/clock.ffconcat',
      frame,
      colour,
    );
    expect(inputs).toEqual([
      '-f',
      'concat',
      '-safe',
      '0',
      '-i',
      '/w/clock.ffconcat',
      '-seek_timestamp',
      '1',
      '-ss',
      '2.9670',
      '-i',
      '/w/media.webm',
      '-seek_timestamp',
      '1',
      '-ss',
      '2.9330',
      '-i',
      '/w/deskshare.webm',
    ]);
    const parts = graph.split(';');
    expect(parts.slice(0, 4)).toEqual([
      `[0:v]${SCREENSHOT_COLOUR}[pages]`,
      '[1:v]format=yuv420p[clock]',
      '[pages][clock]xstack=inputs=2:layout=0_0|0_h0[stacked]',
      '[stacked]crop=1920:1080:0:0[p0]',
    ]);
    expect(parts).toContain(`[2:v]settb=1/90000,setpts=(round(T*1000)+-23)*90,${toOutputColour('bt601', 'tv')},split=1[webcams0s]`);
    expect(parts).toContain('[3:v]settb=1/90000,setpts=(round(T*1000)+-57)*90,format=yuv420p,split=1[screenshare0s]');
    expect(parts).toContain('[webcams0s]scale=296:222:flags=area,setsar=1,format=yuv420p[webcams0]');
    expect(parts.at(-1)).toBe(`[p2]null[v]`);
  });

  it("places each box only during its intervals, with half-millisecond bounds, on the main frame's time", () => {
    const moved = { ...cam, x: 700 };
    const { inputs, graph } = overlayGraph(
      [
        {
          box: cam,
          intervals: [
            [0, 500],
            [600, 700],
          ],
        },
        { box: moved, intervals: [[700, 1000]] },
      ],
      sources,
      0,
      'clock',
      frame,
      colour,
    );
    expect(inputs.slice(6)).toEqual(['-seek_timestamp', '1', '-ss', '0.0000', '-i', '/w/media.webm']);
    const parts = graph.split(';');
    expect(parts[4]).toBe(`[2:v]settb=1/90000,setpts=(round(T*1000)+0)*90,${toOutputColour('bt601', 'tv')},split=2[webcams0s][webcams1s]`);
    expect(parts).toContain("[p0][webcams0]overlay=x='if(gte(t\\,-0.0005)*lt(t\\,0.4995)+gte(t\\,0.5995)*lt(t\\,0.6995)\\,12\\,W)':y=14:eval=frame:format=yuv420[p1]");
    expect(parts).toContain("[p1][webcams1]overlay=x='if(gte(t\\,0.6995)*lt(t\\,0.9995)\\,700\\,W)':y=14:eval=frame:format=yuv420[p2]");
  });

  it('refuses a layer without a source video', () => {
    expect(() => overlayGraph([{ box: share, intervals: [[0, 1]] }], { webcams: sources.webcams }, 0, 'clock', frame, colour)).toThrow(/no source video for the screenshare/);
  });
});
