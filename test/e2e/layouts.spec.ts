/**
 * Composed layouts end to end: synthetic recordings with cameras joining and leaving, captured by
 * the real CLI with --layout presenters / custom, and the output decoded: every camera's frame code
 * must be delivered, in step, and inside the tile the layout gives that camera at that moment;
 * --split files must last as long as the main file and show the same source frames at the same times.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Box } from '../../src/frame-code/raster.js';
import { presentersLayout } from '../../src/layout/layout-spec.js';
import type { RecordingProbe } from '../../src/layout/probe-recording.js';
import { fitInBox, placeStack } from '../../src/layout/place-tiles.js';
import { findFfmpeg } from '../../src/process/find-ffmpeg.js';
import { runProcess } from '../../src/process/run-process.js';
import type { SampleTruth } from '../../src/sample/sample-truth.js';
import { decodeVideoCodes } from '../../src/verify/decode-video-codes.js';
import { measureFidelity } from '../../src/verify/measure-fidelity.js';
import { probeMedia } from '../../src/recording/probe-media.js';
import { runCli } from './support/cli.js';
import { decodePng } from './support/decode-png.js';
import { expect, test } from './support/samples-fixture.js';

const tools = findFfmpeg(process.env.BBB_CAPTURE_FFMPEG);
let outDir: string;

test.beforeAll(async () => {
  outDir = await mkdtemp(path.join(tmpdir(), 'bbb-capture-layouts-'));
});
test.afterAll(async () => {
  await rm(outDir, { recursive: true, force: true });
});

async function record(url: string, name: string, extra: string[]): Promise<{ file: string; result: Record<string, unknown> }> {
  const file = path.join(outDir, name);
  const run = await runCli(['record', url, '-o', file, '--json', ...extra], { timeoutMs: 900_000 });
  expect(run.exitCode, `record failed: ${run.stderr}`).toBe(0);
  const result = run.events.find((e) => e.type === 'result');
  expect(result).toBeTruthy();
  return { file, result: result! };
}

/** Where the truth says each camera's tile is at time t (cameras listed in grid order, as BBB draws them). */
function truthTiles(truth: SampleTruth, t: number): Array<{ channel: number; box: Box }> {
  const on = truth.webcams!.cameras.flatMap((c) => c.intervals.filter((i) => i.start <= t && t < i.end).map((i) => ({ channel: c.channel, box: i.box })));
  return on.sort((a, b) => a.box.y - b.box.y || a.box.x - b.box.x);
}

/**
 * True when t is on a camera join or leave, within the rounding of decoded frame times. Tiles
 * switch on the exact output frame, so only that frame's time is ambiguous.
 */
function nearSwitch(truth: SampleTruth, t: number): boolean {
  // Past the recording's length the media's last frame lasts (the webcams file ends a few ms
  // after it), while the truth's intervals have ended: no frame there says anything.
  if (t >= truth.duration - 0.005) return true;
  return truth.webcams!.cameras.some((c) => c.intervals.some((i) => Math.abs(t - i.start) < 0.005 || Math.abs(t - i.end) < 0.005));
}

const inside = (box: Box, outer: Box, slack = 4) =>
  box.x >= outer.x - slack && box.y >= outer.y - slack && box.x + box.w <= outer.x + outer.w + slack && box.y + box.h <= outer.y + outer.h + slack;

/** Checks that, frame by frame, each camera's code is inside the place `expected` gives it, and nowhere else. */
async function checkTiles(
  file: string,
  truth: SampleTruth,
  expected: (t: number) => Map<number, Box>,
  ignore: Box | null = null,
): Promise<{ framesChecked: number; misplaced: string[] }> {
  const probe = await probeMedia(file, { tools });
  const decoded = await decodeVideoCodes({ video: file, stream: probe.video!, tools, maxWidth: probe.video!.width });
  const misplaced: string[] = [];
  let framesChecked = 0;
  for (const frame of decoded.frames) {
    if (nearSwitch(truth, frame.time)) continue;
    framesChecked++;
    const places = expected(frame.time);
    const cams = frame.codes.filter((c) => c.kind === 'camera' && !(ignore && inside(c.box, ignore, 0)));
    for (const code of cams) {
      const place = places.get(code.channel);
      if (!place || !inside(code.box, place))
        misplaced.push(`t=${frame.time.toFixed(3)} camera ${code.channel} at ${JSON.stringify(code.box)}, expected ${JSON.stringify(place ?? null)}`);
    }
    for (const channel of places.keys()) {
      if (!cams.some((c) => c.channel === channel)) misplaced.push(`t=${frame.time.toFixed(3)} camera ${channel} missing`);
    }
  }
  return { framesChecked, misplaced };
}

for (const variant of ['twocams', 'fourcams'] as const) {
  test(`presenters layout shows each ${variant} camera in its tile, delivered and in step; --split lines up`, async ({ sample }) => {
    const rec = await sample(variant, 12);
    const truth = rec.truth;
    const { file, result } = await record(rec.url, `${variant}-presenters.mp4`, ['--layout', 'presenters', '--resolution', '1280x720', '--split']);
    const probe = await probeMedia(file, { tools });
    expect([probe.video?.width, probe.video?.height]).toEqual([1280, 720]);

    // Tiles: the presenters preset stacks the tiles of the moment in grid order.
    const column = presentersLayout(1280, 720, true).regions[1]!.box;
    const { framesChecked, misplaced } = await checkTiles(file, truth, (t) => {
      const tiles = truthTiles(truth, t);
      const places = placeStack(
        tiles.map((c) => c.box),
        column,
      );
      return new Map(tiles.map((c, i) => [c.channel, places[i]!]));
    });
    expect(framesChecked).toBeGreaterThan(200);
    expect(misplaced.slice(0, 10)).toEqual([]);

    const report = await measureFidelity({ video: file, recordingDir: rec.dir, tools, sources: ['cameras'] });
    const summary = JSON.stringify({
      variant,
      delivered: report.cameras.map((c) => c.deliveredRatio),
      offsetMs: report.cameras.map((c) => c.offsetMs),
      freezeMs: report.cameras.map((c) => c.longestFreezeMs),
      avSyncMs: report.avSyncMs,
    });
    test.info().annotations.push({ type: 'fidelity', description: summary });
    console.log(`fidelity presenters ${summary}`);
    for (const camera of report.cameras) {
      expect(camera.deliveredRatio, `camera ${camera.channel}`).toBeGreaterThanOrEqual(0.95);
      expect(Math.abs(camera.offsetMs ?? Infinity), `camera ${camera.channel} offset`).toBeLessThanOrEqual(17);
      expect(camera.longestFreezeMs ?? Infinity, `camera ${camera.channel} freeze`).toBeLessThanOrEqual(34);
    }

    // --split: same length, and the webcams file shows the same source frame at the same time.
    const split = result.split as { content: string; webcams: string; presenters: Array<{ presenter: number; file: string }> };
    const durations = await Promise.all([file, split.content, split.webcams, ...split.presenters.map((p) => p.file)].map(async (f) => (await probeMedia(f, { tools })).duration));
    for (const d of durations) expect(Math.abs(d - durations[0]!)).toBeLessThanOrEqual(0.05);
    const cams = await measureFidelity({ video: split.webcams, recordingDir: rec.dir, tools, sources: ['cameras'] });
    for (const [i, camera] of cams.cameras.entries()) {
      expect(camera.deliveredRatio).toBeGreaterThanOrEqual(0.95);
      expect(Math.abs((camera.offsetMs ?? Infinity) - (report.cameras[i]!.offsetMs ?? 0))).toBeLessThanOrEqual(35);
    }
    const content = await measureFidelity({ video: split.content, recordingDir: rec.dir, tools, sources: ['slides', 'screenshare'] });
    expect(content.slides?.missing ?? []).toEqual([]);

    // One file per presenter, each following one camera through every join and leave: all of
    // that camera's frames, in step, and never another camera's.
    expect(split.presenters.map((p) => p.presenter)).toEqual(truth.webcams!.cameras.map((_, i) => i + 1));
    const shown: Record<string, Array<number | null>> = {};
    for (const { presenter, file: presenterFile } of split.presenters) {
      const cams = await measureFidelity({ video: presenterFile, recordingDir: rec.dir, tools, sources: ['cameras'] });
      shown[presenter] = cams.cameras.map((c) => c.deliveredRatio);
      const own = cams.cameras.filter((c) => (c.deliveredRatio ?? 0) > 0);
      expect(
        own.map((c) => c.channel),
        `presenter ${presenter} shows one camera`,
      ).toEqual([truth.webcams!.cameras[presenter - 1]!.channel]);
      expect(own[0]!.deliveredRatio ?? 0).toBeGreaterThanOrEqual(0.95);
      expect(Math.abs(own[0]!.offsetMs ?? Infinity)).toBeLessThanOrEqual(17);
    }
    test.info().annotations.push({ type: 'presenter files', description: JSON.stringify(shown) });
    console.log(`presenter files (${variant}): delivered per camera channel ${JSON.stringify(shown)}`);
  });
}

test('custom layout file: presenter:N in its box beside the content and the webcam area, on a colour background', async ({ sample }) => {
  const rec = await sample('twocams', 10);
  const truth = rec.truth;
  const layoutFile = path.join(outDir, 'layout.json');
  const regions = [
    { source: 'content', box: { x: 0, y: 0, w: 960, h: 540 } },
    { source: 'presenter:1', box: { x: 960, y: 0, w: 320, h: 240 } },
    { source: 'webcams', box: { x: 0, y: 540, w: 240, h: 180 } },
  ];
  await writeFile(layoutFile, JSON.stringify({ width: 1280, height: 720, background: '#203040', regions }));
  const { file } = await record(rec.url, 'custom.mp4', ['--layout', 'custom', '--layout-file', layoutFile]);
  const probe = await probeMedia(file, { tools });
  expect([probe.video?.width, probe.video?.height]).toEqual([1280, 720]);
  // presenter:1 shows the second tile while there is one (camera 1 here); the small webcam area
  // shows every camera, so codes there are left to the meter below.
  const { framesChecked, misplaced } = await checkTiles(
    file,
    truth,
    (t) => {
      const second = truthTiles(truth, t)[1];
      return second ? new Map([[second.channel, fitInBox(second.box.w, second.box.h, regions[1]!.box)]]) : new Map<number, Box>();
    },
    regions[2]!.box,
  );
  expect(framesChecked).toBeGreaterThan(150);
  expect(misplaced.slice(0, 10)).toEqual([]);
  const report = await measureFidelity({ video: file, recordingDir: rec.dir, tools, sources: ['cameras'] });
  expect(report.cameras.find((c) => c.channel === 1)?.deliveredRatio ?? 0).toBeGreaterThanOrEqual(0.95);
});

test('bad layout files are refused before anything starts, naming the field', async ({ sample }) => {
  const rec = await sample('twocams', 4);
  const layoutFile = path.join(outDir, 'bad.json');
  await writeFile(layoutFile, JSON.stringify({ width: 1280, height: 720, regions: [{ source: 'content', box: { x: 640, y: 0, w: 960, h: 720 } }] }));
  const run = await runCli(['record', rec.url, '-o', path.join(outDir, 'bad.mp4'), '--layout', 'custom', '--layout-file', layoutFile]);
  expect(run.exitCode).toBe(61);
  expect(run.stderr).toMatch(/regions\[0\]\.box: .*outside the 1280x720 frame/);
});

test('presenters on an audio-only recording falls back to content with a warning', async ({ sample }) => {
  const rec = await sample('audioonly', 6);
  const file = path.join(outDir, 'audioonly.mp4');
  const run = await runCli(['record', rec.url, '-o', file, '--json', '--layout', 'presenters', '--resolution', '1280x720']);
  expect(run.exitCode, run.stderr).toBe(0);
  expect(run.events.some((e) => e.type === 'warning' && /audio-only/.test(String(e.message)))).toBe(true);
  const report = await measureFidelity({ video: file, recordingDir: rec.dir, tools, sources: ['slides'] });
  expect(report.slides?.missing ?? []).toEqual([]);
});

test('custom layout with a background picture: scaled to the frame, showing around the regions', async ({ sample }) => {
  const rec = await sample('twocams', 4);
  // A 320x180 picture, left half orange, right half teal: scaled to 1280x720 behind the regions.
  const picture = path.join(outDir, 'background.png');
  await runProcess(
    tools.ffmpeg,
    [
      '-v',
      'error',
      '-y',
      '-f',
      'lavfi',
      '-i',
      'color=c=0xE07020:s=160x180',
      '-f',
      'lavfi',
      '-i',
      'color=c=0x20A0A0:s=160x180',
      '-filter_complex',
      'hstack',
      '-frames:v',
      '1',
      picture,
    ],
    { label: 'ffmpeg', failureCode: 'FFMPEG_FAILED', missingCode: 'FFMPEG_MISSING' },
  );
  const layoutFile = path.join(outDir, 'background.json');
  await writeFile(
    layoutFile,
    JSON.stringify({ width: 1280, height: 720, background: { image: 'background.png' }, regions: [{ source: 'content', box: { x: 160, y: 90, w: 960, h: 540 } }] }),
  );
  const { file } = await record(rec.url, 'background.mp4', ['--layout', 'custom', '--layout-file', layoutFile]);
  const frame = path.join(outDir, 'background-frame.png');
  await runProcess(tools.ffmpeg, ['-v', 'error', '-y', '-ss', '2', '-i', file, '-frames:v', '1', frame], {
    label: 'ffmpeg',
    failureCode: 'FFMPEG_FAILED',
    missingCode: 'FFMPEG_MISSING',
  });
  const png = decodePng(await readFile(frame));
  const at = (x: number, y: number) => Array.from(png.data.subarray((y * png.width + x) * 3, (y * png.width + x) * 3 + 3));
  const near = (got: number[], want: number[]) => got.every((v, i) => Math.abs(v - want[i]!) <= 12);
  // Margins left and right of the content: the picture's two halves; the content in its box.
  for (const [x, y] of [
    [40, 40],
    [80, 680],
  ] as const)
    expect(near(at(x, y), [0xe0, 0x70, 0x20]), `(${x},${y}) ${at(x, y)}`).toBe(true);
  for (const [x, y] of [
    [1240, 40],
    [1200, 680],
  ] as const)
    expect(near(at(x, y), [0x20, 0xa0, 0xa0]), `(${x},${y}) ${at(x, y)}`).toBe(true);
  expect(near(at(640, 360), [0xe0, 0x70, 0x20]) || near(at(640, 360), [0x20, 0xa0, 0xa0])).toBe(false);
  const report = await measureFidelity({ video: file, recordingDir: rec.dir, tools, sources: ['slides'] });
  expect(report.slides?.missing ?? []).toEqual([]);
});

test('probe reports duration, content kinds, camera intervals with boxes and presenters, slides and screen share', async ({ sample }) => {
  const rec = await sample('fourcams', 12);
  const truth = rec.truth;
  const run = await runCli(['probe', rec.url]);
  expect(run.exitCode, run.stderr).toBe(0);
  const probe = JSON.parse(run.stdout) as RecordingProbe;
  // The media's own length: WebM ends with the last packet's length (7 ms past the truth here).
  expect(Math.abs(probe.duration - truth.duration)).toBeLessThanOrEqual(0.02);
  expect(probe.content).toEqual({ slides: true, whiteboard: 'svg', screenshare: true, webcams: true, audioOnly: false });
  expect(probe.webcams).toEqual({ width: truth.webcams!.width, height: truth.webcams!.height, fps: truth.webcams!.fps });
  // The truth's camera intervals, as the composite shows them: tiles in grid order, presenters by join order.
  const cuts = [...new Set(truth.webcams!.cameras.flatMap((c) => c.intervals.flatMap((i) => [i.start, i.end])))].filter((t) => t < truth.duration).sort((a, b) => a - b);
  const expected = cuts.map((start) => {
    const on = truthTiles(truth, start);
    return { start, tiles: on.map((c) => c.box), presenters: on.map((c) => c.channel + 1) };
  });
  expect(probe.cameras.map((i) => ({ start: Number(i.start.toFixed(3)), tiles: i.tiles, presenters: i.presenters }))).toEqual(expected);
  expect(probe.slides.map((s) => s.time)).toEqual(expect.arrayContaining([0]));
  expect(probe.slides.length).toBeGreaterThanOrEqual(new Set(truth.slides.map((s) => s.index)).size);
  expect(probe.screenshare).toEqual(truth.screenshare!.intervals.map((s) => ({ start: s.start, end: s.end })));

  const audio = JSON.parse((await runCli(['probe', (await sample('audioonly', 4)).url])).stdout) as RecordingProbe;
  expect(audio.content.audioOnly).toBe(true);
  expect(audio.cameras).toEqual([]);
  expect(audio.webcams).toBeNull();
  const tldraw = JSON.parse((await runCli(['probe', (await sample('tldraw', 4)).url])).stdout) as RecordingProbe;
  expect(tldraw.content.whiteboard).toBe('tldraw');
});
