import { describe, expect, it } from 'vitest';
import { buildComposeArgs, presenterTracks, type ComposePlan } from '../../../src/layout/build-compose-args.js';
import { presentersLayout } from '../../../src/layout/layout-spec.js';
import { compositionTicks } from '../../../src/layout/compose-layout.js';

const plan: ComposePlan = {
  content: '/w/content.mp4',
  webcams: { file: '/w/webcams.webm', width: 640, height: 480, fps: 15, matrix: 'bt601' },
  from: 1.5,
  spec: presentersLayout(1280, 720, true),
  intervals: [
    { start: 0, end: 1, tiles: [{ x: 0, y: 0, w: 640, h: 480 }] },
    {
      start: 1,
      end: 4,
      tiles: [
        { x: 0, y: 120, w: 320, h: 240 },
        { x: 320, y: 120, w: 320, h: 240 },
      ],
    },
  ],
  duration: 4,
  fps: 30,
  format: 'mp4',
  crf: 20,
  output: '/o/out.mp4',
};

const graphOf = (args: string[]) => args[args.indexOf('-filter_complex') + 1]!.split(';');

describe('buildComposeArgs', () => {
  it('seeks the webcams to the frame covering `from` and snaps frames to their exact times', () => {
    const args = buildComposeArgs(plan);
    // from = 1.5 s is inside frame 22 (1.4667 s): seek half a frame before it.
    expect(args.slice(args.indexOf('-ss'), args.indexOf('-ss') + 4)).toEqual(['-ss', '1.433333', '-i', '/w/webcams.webm']);
    expect(graphOf(args)[0]).toBe(
      '[1:v]settb=1/90000,setpts=(round((T+1.433333)*15)/15-1.500000)/TB,colorspace=ispace=bt470bg:iprimaries=bt709:itrc=bt709:irange=tv:space=bt709:primaries=bt709:trc=bt709:range=tv:format=yuv420p,split=3[w0][w1][w2]',
    );
  });

  it('draws the background, the content in its box, then each tile only during its interval', () => {
    const graph = graphOf(buildComposeArgs(plan));
    expect(graph[1]).toBe('color=c=0x000000:s=1280x720:r=30:d=4.000000,scale=out_color_matrix=bt709:out_range=tv,format=yuv420p[s0]');
    expect(graph[2]).toBe('[0:v]scale=896:720,setsar=1[content]');
    expect(graph[3]).toBe('[s0][content]overlay=0:0[s1]');
    expect(graph[4]).toBe('[w0]crop=640:480:0:0,scale=384:288,setsar=1[t0]');
    expect(graph[5]).toBe("[s1][t0]overlay=x='if(gte(t\\,0.000000)*lt(t\\,1.000000)\\,896\\,W)':y=216:eval=frame[s2]");
    expect(graph[6]).toBe('[w1]crop=320:240:0:120,scale=384:288,setsar=1[t1]');
    expect(graph[7]).toBe("[s2][t1]overlay=x='if(gte(t\\,1.000000)*lt(t\\,4.000000)\\,896\\,W)':y=72:eval=frame[s3]");
    expect(graph.at(-1)).toBe('[s4]null[out]');
  });

  it('copies the aligned audio, encodes H.264 and cuts to the duration', () => {
    const args = buildComposeArgs(plan);
    expect(args.join(' ')).toContain(
      '-map [out] -map 0:a:0? -c:a copy -c:v libx264 -preset veryfast -crf 20 -pix_fmt yuv420p -colorspace bt709 -color_primaries bt709 -color_trc bt709 -color_range tv -t 4.000000 -movflags +faststart -f mp4 /o/out.mp4',
    );
  });

  it('writes the webcam area as a second output for --split, from the same decode', () => {
    const args = buildComposeArgs({ ...plan, webcamsOutput: '/o/out.webcams.mp4' });
    const graph = graphOf(args);
    expect(graph[0]).toMatch(/split=4\[w0\]\[w1\]\[w2\]\[w3\]$/);
    expect(graph.at(-1)).toBe('[w3]fps=30,setsar=1,format=yuv420p[cams]');
    expect(args.join(' ')).toContain('-map [cams] -map 0:a:0? -c:a copy');
    expect(args.at(-1)).toBe('/o/out.webcams.mp4');
  });

  it("writes one file per presenter: black frame, the presenter's tile fitted in it only while on", () => {
    const left = { x: 0, y: 120, w: 320, h: 240 };
    const args = buildComposeArgs({
      ...plan,
      presenterOutputs: [
        {
          presenter: 1,
          file: '/o/out.presenter-1.mp4',
          intervals: [
            { start: 0, end: 1, tile: { x: 0, y: 0, w: 640, h: 480 } },
            { start: 1, end: 4, tile: left },
          ],
        },
        { presenter: 2, file: '/o/out.presenter-2.mp4', intervals: [{ start: 1, end: 4, tile: { ...left, x: 320 } }] },
      ],
    });
    const graph = graphOf(args);
    expect(graph[0]).toMatch(/split=6\[w0\]\[w1\]\[w2\]\[w3\]\[w4\]\[w5\]$/);
    // Each file has the size of the presenter's largest tile: its own pixels, not scaled up.
    expect(graph).toContain('color=c=black:s=640x480:r=30:d=4.000000,format=yuv420p[p0s0]');
    expect(graph).toContain('[w3]crop=640:480:0:0,scale=640:480,setsar=1[t3]');
    expect(graph).toContain("[p0s0][t3]overlay=x='if(gte(t\\,0.000000)*lt(t\\,1.000000)\\,0\\,W)':y=0:eval=frame[p0s1]");
    expect(graph).toContain('[w4]crop=320:240:0:120,scale=640:480,setsar=1[t4]');
    expect(graph).toContain('[p0s2]null[p0]');
    expect(graph).toContain('color=c=black:s=320x240:r=30:d=4.000000,format=yuv420p[p1s0]');
    expect(graph).toContain('[w5]crop=320:240:320:120,scale=320:240,setsar=1[t5]');
    expect(graph).toContain("[p1s0][t5]overlay=x='if(gte(t\\,1.000000)*lt(t\\,4.000000)\\,0\\,W)':y=0:eval=frame[p1s1]");
    expect(args.join(' ')).toContain('-map [p0] -map 0:a:0? -c:a copy');
    expect(args.join(' ')).toContain('-map [p1] -map 0:a:0? -c:a copy');
    expect(args.at(-1)).toBe('/o/out.presenter-2.mp4');
  });

  it("gathers each presenter's tiles across intervals", () => {
    const a = { x: 0, y: 0, w: 640, h: 480 };
    const b = { x: 0, y: 120, w: 320, h: 240 };
    const c = { x: 320, y: 120, w: 320, h: 240 };
    const tracks = presenterTracks([
      { start: 0, end: 1, tiles: [a], presenters: [1] },
      { start: 1, end: 2, tiles: [b, c], presenters: [1, 2] },
      { start: 2, end: 3, tiles: [b, c], presenters: [3, 2] },
    ]);
    expect([...tracks.keys()]).toEqual([1, 2, 3]);
    expect(tracks.get(1)).toEqual([
      { start: 0, end: 1, tile: a },
      { start: 1, end: 2, tile: b },
    ]);
    expect(tracks.get(2)).toEqual([
      { start: 1, end: 2, tile: c },
      { start: 2, end: 3, tile: c },
    ]);
    expect(tracks.get(3)).toEqual([{ start: 2, end: 3, tile: b }]);
  });

  it('uses a background picture scaled to the frame', () => {
    const args = buildComposeArgs({ ...plan, webcams: undefined, spec: { ...plan.spec, background: { image: '/l/bg.png' } } });
    expect(args.join(' ')).toContain('-loop 1 -framerate 30 -t 4.000000 -i /l/bg.png');
    expect(graphOf(args)[0]).toBe('[1:v]scale=1280:720,setsar=1,scale=out_color_matrix=bt709:out_range=tv,format=yuv420p[s0]');
  });
});

describe('buildComposeArgs without --fps', () => {
  const vfr: ComposePlan = {
    ...plan,
    fps: undefined,
    clocks: { main: '/w/main.ffconcat', webcams: '/w/cams.ffconcat' },
    presenterOutputs: [{ presenter: 1, file: '/o/p1.mp4', intervals: [{ start: 0, end: 4, tile: { x: 0, y: 0, w: 320, h: 240 } }] }],
  };

  it("steps the background by the main clock and each presenter file by the webcams clock, keeping every frame's time", () => {
    const args = buildComposeArgs(vfr);
    expect(args.join(' ')).toContain('-f concat -safe 0 -i /w/main.ffconcat');
    expect(args.join(' ')).toContain('-f concat -safe 0 -i /w/cams.ffconcat');
    const graph = args[args.indexOf('-filter_complex') + 1]!.split(';');
    expect(graph).toContain('[s0still][s0clock]xstack=inputs=2:layout=0_0|0_h0,crop=1280:720:0:0[s0]');
    expect(graph).toContain('[p0s0still][p0s0clock]xstack=inputs=2:layout=0_0|0_h0,crop=320:240:0:0[p0s0]');
    expect(graph.some((f) => f.includes(':r=30'))).toBe(false);
    expect(args.filter((a) => a === 'passthrough')).toHaveLength(2);
  });

  it('refuses to run without clocks', () => {
    expect(() => buildComposeArgs({ ...vfr, clocks: undefined })).toThrow(/clocks/);
  });
});

describe('compositionTicks', () => {
  it('ticks at every content frame and at every webcam frame (rounded up to the ms), from 0, inside the part', () => {
    // Webcam frames at 15 fps stored in whole ms (67, 133, 200…); the part starts at 100 ms.
    const ticks = compositionTicks([0, 40, 1000], [0, 67, 133, 200, 267], 15, 100, 200);
    expect(ticks.webcams).toEqual([0, 34, 100, 167]);
    expect(ticks.main).toEqual([0, 34, 40, 100, 167]);
  });
});
