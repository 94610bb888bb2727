/**
 * The player contract, checked on what a viewer sees: synthetic recordings (with their ground
 * truth) are opened in the player under test — the bundled stand-in, or BBB's real player when
 * BBB_CAPTURE_PLAYER names a bbb-playback build — stepped to chosen instants, and each screenshot
 * is decoded: the slide code, the camera codes (frame numbers), the screen-share code, the cursor,
 * and the whiteboard shapes and chat lines that must (or must not) be there.
 */
import { writeFile } from 'node:fs/promises';
import { findFfmpeg } from '../../src/process/find-ffmpeg.js';
import { readCodes, type FoundCode } from '../../src/frame-code/frame-code.js';
import type { Box, Raster } from '../../src/frame-code/raster.js';
import { generateRecording, type GeneratedRecording } from '../../src/sample/generate-recording.js';
import type { SampleTruth, SampleVariant } from '../../src/sample/sample-truth.js';
import { test as serverTest, expect } from './support/bbb-server-fixture.js';
import { decodePng } from './support/decode-png.js';
import type { PlayerUnderTest } from './support/player-dir.js';
import { openPlayer, routeFonts, stepTo, waitUntilReady, warmUp } from './support/step-player.js';
import type { Page } from '@playwright/test';

const DURATION = 20;
const FPS = 15;

/** Generates each variant once per worker, into the served recordings directory. */
const test = serverTest.extend<object, { sample: (variant: SampleVariant) => Promise<GeneratedRecording> }>({
  sample: [
    async ({ recordingsDir }, use) => {
      const made = new Map<SampleVariant, Promise<GeneratedRecording>>();
      const ffmpeg = findFfmpeg(process.env.BBB_CAPTURE_FFMPEG);
      await use((variant) => {
        let recording = made.get(variant);
        if (!recording) {
          recording = generateRecording({ root: recordingsDir, variant, duration: DURATION, fps: FPS, ffmpeg });
          made.set(variant, recording);
        }
        return recording;
      });
    },
    { scope: 'worker' },
  ],
});

test.use({ viewport: { width: 1920, height: 1080 }, deviceScaleFactor: 1 });

// ---------------------------------------------------------------- truth at an instant

const at = <T extends { start: number; end: number }>(items: readonly T[] | undefined, t: number) => (items ?? []).filter((i) => i.start <= t && t < i.end);
const lastAt = <T extends { time: number }>(items: readonly T[], t: number) => items.filter((i) => i.time <= t).at(-1);

interface Expected {
  slide: number | null;
  sharing: boolean;
  cameraFrame: number;
  cameras: number[];
  screenshareFrame: number;
  viewBox: [number, number, number, number];
  cursor: { x: number; y: number } | null;
  shapesOn: NonNullable<SampleTruth['shapes']>;
  shapesOff: NonNullable<SampleTruth['shapes']>;
}

function expectedAt(truth: SampleTruth, t: number): Expected {
  const sharing = at(truth.screenshare?.intervals, t).length > 0;
  const slide = sharing ? null : (at(truth.slides, t)[0]?.index ?? null);
  const visible = (s: SampleTruth['shapes'][number]) => s.slide === slide && s.start <= t && (s.end === null || t < s.end);
  const cursor = lastAt(truth.cursor, t);
  return {
    slide,
    sharing,
    cameraFrame: Math.floor(t * (truth.webcams?.fps ?? 1)),
    cameras: (truth.webcams?.cameras ?? [])
      .filter((c) => at(c.intervals, t).length > 0)
      .map((c) => c.channel)
      .sort((a, b) => a - b),
    screenshareFrame: Math.floor(t * (truth.screenshare?.fps ?? 1)),
    viewBox: lastAt(truth.panzooms, t)?.viewBox ?? [0, 0, truth.slidePicture?.width ?? 0, truth.slidePicture?.height ?? 0],
    cursor: cursor && cursor.x >= 0 && slide !== null ? { x: cursor.x, y: cursor.y } : null,
    shapesOn: truth.shapes.filter(visible),
    shapesOff: truth.shapes.filter((s) => s.slide === slide && !visible(s)),
  };
}

/**
 * Instants worth checking: the middle of the first frame after and the last frame before every
 * change in the truth, so each state is seen at its edges, not only in its middle.
 */
function checkTimes(truth: SampleTruth): number[] {
  const fps = truth.webcams?.fps ?? FPS;
  const edges = new Set<number>([
    ...truth.slides.flatMap((s) => [s.start, s.end]),
    ...(truth.screenshare?.intervals ?? []).flatMap((i) => [i.start, i.end]),
    ...truth.shapes.flatMap((s) => [s.start, ...(s.end === null ? [] : [s.end])]),
    ...truth.chat.map((c) => c.time),
    ...truth.cursor.map((c) => c.time),
    ...truth.panzooms.map((p) => p.time),
  ]);
  const times = new Set<number>();
  for (const edge of edges) {
    const after = (Math.ceil(edge * fps - 1e-6) + 0.5) / fps;
    const before = (Math.floor(edge * fps + 1e-6) - 0.5) / fps;
    for (const t of [after, before]) if (t > 0 && t < truth.duration) times.add(Math.round(t * 1e6) / 1e6);
  }
  const sorted = [...times].sort((a, b) => a - b);
  // Step in a scrambled order so backward seeks (state that must be taken away) are covered too.
  return sorted
    .map((t, i) => ({ t, key: (i * 7919) % sorted.length }))
    .sort((a, b) => a.key - b.key)
    .map((x) => x.t);
}

// ---------------------------------------------------------------- what the page shows

/** Maps slide pixels to page pixels for the current view box (the slide is fitted and centred). */
function slideToScreen(area: Box, viewBox: readonly number[]): (x: number, y: number) => { x: number; y: number } {
  const [vx = 0, vy = 0, vw = 1, vh = 1] = viewBox;
  const k = Math.min(area.w / vw, area.h / vh);
  const ox = area.x + (area.w - vw * k) / 2;
  const oy = area.y + (area.h - vh * k) / 2;
  return (x, y) => ({ x: ox + (x - vx) * k, y: oy + (y - vy) * k });
}

async function presentationArea(page: Page): Promise<Box> {
  return page.evaluate(() => {
    const r = document.querySelector('#presentation')!.getBoundingClientRect();
    return { x: r.x, y: r.y, w: r.width, h: r.height };
  });
}

/** Page boxes of the rendered whiteboard shapes (SVG shapes, or tldraw `.tl-shape`s). */
async function shapeBoxes(page: Page): Promise<Box[]> {
  return page.evaluate(() => {
    const drawn = 'path, line, polyline, polygon, circle, ellipse, rect, text';
    const box = (el: Element) => {
      const r = el.getBoundingClientRect();
      return { x: r.x, y: r.y, w: r.width, h: r.height };
    };
    // tldraw: a .tl-shape per shape (the slide and the cursor are shapes too). Its box is that of
    // what it draws: a line's element box does not follow handles that go up or left.
    const tl = Array.from(document.querySelectorAll('#presentation .tl-shape')).flatMap((el) => {
      const id = el.getAttribute('data-shape-id') ?? el.querySelector('[id^="shape:"]')?.id ?? '';
      if (el.getAttribute('data-shape-type') === 'image' || id === 'shape:cursor' || id.startsWith('shape:BG') || el.classList.contains('cursor')) return [];
      const parts = Array.from(el.querySelectorAll(drawn))
        .map(box)
        .filter((b) => b.w * b.h > 0);
      if (parts.length === 0) return [box(el)];
      const x = Math.min(...parts.map((b) => b.x));
      const y = Math.min(...parts.map((b) => b.y));
      return [{ x, y, w: Math.max(...parts.map((b) => b.x + b.w)) - x, h: Math.max(...parts.map((b) => b.y + b.h)) - y }];
    });
    // SVG whiteboard (BBB < 2.6): the shape elements beside the slide image; BBB's player also
    // puts a thumbnail behind the slide in a foreignObject, which is not a shape.
    const svg = Array.from(document.querySelectorAll(`#presentation svg :is(${drawn}, foreignObject)`)).filter(
      (el) => !el.closest('defs, clipPath, .tl-shape') && !el.classList.contains('cursor') && !el.querySelector('img'),
    );
    return [...tl, ...svg.map(box)].filter((b) => b.w >= 6 || b.h >= 6);
  });
}

const saturated = (frame: Raster, x: number, y: number) => {
  const i = (y * frame.width + x) * 3;
  const [r, g, b] = [frame.data[i]!, frame.data[i + 1]!, frame.data[i + 2]!];
  return Math.max(r, g, b) - Math.min(r, g, b) > 100;
};

/** Saturated (coloured ink) pixels in a page box, leaving out a disc around the cursor. */
function inkIn(frame: Raster, box: Box, avoid: { x: number; y: number } | null): number {
  let n = 0;
  for (let y = Math.max(0, Math.floor(box.y)); y < Math.min(frame.height, box.y + box.h); y++) {
    for (let x = Math.max(0, Math.floor(box.x)); x < Math.min(frame.width, box.x + box.w); x++) {
      if (avoid && Math.hypot(x - avoid.x, y - avoid.y) < 24) continue;
      if (saturated(frame, x, y)) n++;
    }
  }
  return n;
}

/**
 * Where the red cursor dot nearest to `p` is drawn: the centre of the red blob (within 20 px of
 * `p`) that holds the red pixel closest to it; null when there is none.
 */
function cursorCentre(frame: Raster, p: { x: number; y: number }): { x: number; y: number } | null {
  const R = 20;
  const x0 = Math.max(0, Math.round(p.x) - R);
  const y0 = Math.max(0, Math.round(p.y) - R);
  const x1 = Math.min(frame.width - 1, Math.round(p.x) + R);
  const y1 = Math.min(frame.height - 1, Math.round(p.y) + R);
  const red = (x: number, y: number) => {
    const i = (y * frame.width + x) * 3;
    return frame.data[i]! > 180 && frame.data[i + 1]! < 90 && frame.data[i + 2]! < 90;
  };
  let seed: [number, number] | null = null;
  let best = Infinity;
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) {
      const d = Math.hypot(x - p.x, y - p.y);
      if (d < best && red(x, y)) [best, seed] = [d, [x, y]];
    }
  }
  if (!seed) return null;
  const seen = new Set<number>([seed[1] * frame.width + seed[0]]);
  const queue = [seed];
  let sx = 0;
  let sy = 0;
  for (let q = 0; q < queue.length; q++) {
    const [x, y] = queue[q]!;
    sx += x;
    sy += y;
    for (const [dx, dy] of [
      [1, 0],
      [-1, 0],
      [0, 1],
      [0, -1],
    ] as const) {
      const nx = x + dx;
      const ny = y + dy;
      const key = ny * frame.width + nx;
      if (nx < x0 || ny < y0 || nx > x1 || ny > y1 || seen.has(key) || !red(nx, ny)) continue;
      seen.add(key);
      queue.push([nx, ny]);
    }
  }
  return { x: sx / queue.length + 0.5, y: sy / queue.length + 0.5 };
}

async function chatState(page: Page): Promise<Array<{ text: string; active: boolean }>> {
  return page.evaluate(() =>
    Array.from(document.querySelectorAll('#chat .message .text')).map((el) => ({ text: (el.textContent ?? '').trim(), active: !el.classList.contains('inactive') })),
  );
}

const contains = (outer: Box, x: number, y: number) => x >= outer.x && x <= outer.x + outer.w && y >= outer.y && y <= outer.y + outer.h;
const grow = (b: Box, by: number): Box => ({ x: b.x - by, y: b.y - by, w: b.w + 2 * by, h: b.h + 2 * by });

/**
 * A screenshot of a page that has stopped changing. BBB's tldraw v2 whiteboard draws grey
 * placeholder boxes for its shapes for a moment after each camera (slide or zoom) change, with no
 * DOM change to wait for; so take pictures until two in a row are the same.
 */
async function stillScreenshot(page: Page): Promise<Buffer> {
  let last = await page.screenshot({ type: 'png' });
  for (let i = 0; i < 20; i++) {
    await page.waitForTimeout(60);
    const next = await page.screenshot({ type: 'png' });
    if (next.equals(last)) return next;
    last = next;
  }
  return last;
}

/** Checks one stepped instant against the truth; returns the problems found. */
async function checkInstant(page: Page, truth: SampleTruth, t: number, player: PlayerUnderTest): Promise<{ problems: string[]; quirks: string[]; png: Buffer }> {
  const problems: string[] = [];
  const quirks: string[] = [];
  const want = expectedAt(truth, t);
  const times = await stepTo(page, t);
  const png = await stillScreenshot(page);
  const frame = decodePng(png);
  const codes = readCodes(frame);
  // Only codes in their own area count: the thumbnail strip shows small slides too.
  const areas = await page.evaluate(() =>
    Object.fromEntries(
      (['camera', 'slide', 'screenshare'] as const).map((kind) => {
        const el = document.querySelector(kind === 'camera' ? '#webcams' : kind === 'slide' ? '.top-content' : '#screenshare');
        const r = el?.getBoundingClientRect();
        return [kind, r ? { x: r.x, y: r.y, w: r.width, h: r.height } : { x: 0, y: 0, w: 0, h: 0 }];
      }),
    ),
  );
  const of = (kind: FoundCode['kind']) => codes.filter((c) => c.kind === kind && contains(grow(areas[kind]!, 1), c.box.x + c.box.w / 2, c.box.y + c.box.h / 2));
  const say = (what: string) => problems.push(`t=${t.toFixed(3)}: ${what}`);

  if (Math.abs(times.webcams - t) > 1e-3) say(`webcams video at ${times.webcams}`);
  // Webcams: every camera that is on shows the frame number of this instant.
  const cams = of('camera');
  const camChannels = cams.map((c) => c.channel).sort((a, b) => a - b);
  if (JSON.stringify(camChannels) !== JSON.stringify(want.cameras)) say(`cameras ${JSON.stringify(camChannels)}, expected ${JSON.stringify(want.cameras)}`);
  for (const cam of cams) if (cam.value !== want.cameraFrame) say(`camera ${cam.channel} shows frame ${cam.value}, expected ${want.cameraFrame}`);

  // Screen share, shown only during its intervals, at the matching frame.
  const share = of('screenshare');
  if (want.sharing) {
    if (share.length !== 1) say(`screen share expected, found ${share.length} codes`);
    else if (share[0]!.value !== want.screenshareFrame) say(`screen share frame ${share[0]!.value}, expected ${want.screenshareFrame}`);
  } else if (share.length > 0) say(`screen share shown outside its intervals (frame ${share[0]!.value})`);

  // The slide, when its code lies inside the visible part of it.
  const slides = of('slide');
  const [vx, vy, vw, vh] = want.viewBox;
  const codeBox = truth.slidePicture?.codeBox;
  const codeInView = codeBox !== undefined && codeBox.x >= vx && codeBox.y >= vy && codeBox.x + codeBox.w <= vx + vw && codeBox.y + codeBox.h <= vy + vh;
  if (want.slide !== null && codeInView) {
    if (slides.length !== 1 || slides[0]!.value !== want.slide) say(`slide codes ${JSON.stringify(slides.map((s) => s.value))}, expected [${want.slide}]`);
  } else if (want.slide === null && slides.length > 0) say(`slide ${slides[0]!.value} shown during the screen share`);

  if (want.slide !== null) {
    const toScreen = slideToScreen(await presentationArea(page), want.viewBox);
    const width = truth.slidePicture?.width ?? 1;
    const height = truth.slidePicture?.height ?? 1;
    // Cursor: a red dot where the truth puts it; none while hidden.
    const cursorAt = want.cursor ? toScreen(want.cursor.x * width, want.cursor.y * height) : null;
    const dot = cursorAt ? cursorCentre(frame, cursorAt) : null;
    if (cursorAt && (!dot || Math.hypot(dot.x - cursorAt.x, dot.y - cursorAt.y) > 3)) {
      // BBB's tldraw v2 whiteboard (bbb-playback 5.1) draws the cursor only once a shape has been
      // drawn on the current slide: its slide data returns before the cursor when there is none.
      const quirk = player.kind === 'real' && truth.whiteboard === 'tldraw' && !truth.shapes.some((sh) => sh.slide === want.slide && sh.start <= t);
      const seen = dot ? `cursor at (${dot.x.toFixed(0)}, ${dot.y.toFixed(0)})` : 'no cursor';
      (quirk ? quirks : problems).push(`t=${t.toFixed(3)}: ${seen}, expected at (${cursorAt.x.toFixed(0)}, ${cursorAt.y.toFixed(0)})`);
    }
    if (!want.cursor) {
      const shown = await page.locator('#presentation .cursor, #presentation [data-shape-id="shape:cursor"]').count();
      if (shown > 0) say('cursor shown while hidden');
    }
    // Shapes: each visible one rendered inside its box (with coloured ink unless it is text);
    // each hidden one of this slide neither rendered nor inked.
    const rendered = await shapeBoxes(page);
    const screenBox = (b: Box): Box => {
      const a = toScreen(b.x, b.y);
      const c = toScreen(b.x + b.w, b.y + b.h);
      return { x: a.x, y: a.y, w: c.x - a.x, h: c.y - a.y };
    };
    const centreIn = (b: Box) => rendered.some((r) => r.w * r.h > 0 && contains(b, r.x + r.w / 2, r.y + r.h / 2));
    for (const shape of want.shapesOn) {
      if (!shape.box) continue;
      const box = grow(screenBox(shape.box), 12);
      if (!centreIn(box)) say(`${shape.kind} ${shape.id} not rendered`);
      if (shape.kind !== 'text' && inkIn(frame, box, cursorAt) < 30) say(`${shape.kind} ${shape.id} not visible`);
    }
    for (const shape of want.shapesOff) {
      if (!shape.box) continue;
      const box = screenBox(shape.box);
      const overlapsShown = want.shapesOn.some((s) => s.box && contains(grow(screenBox(s.box), 20), box.x + box.w / 2, box.y + box.h / 2));
      if (overlapsShown) continue;
      if (centreIn(box)) say(`${shape.kind} ${shape.id} rendered outside its time`);
      if (shape.kind !== 'text' && inkIn(frame, box, cursorAt) > 30) say(`${shape.kind} ${shape.id} visible outside its time`);
    }
  }

  // Chat: every message is listed; those up to now are shown as sent, later ones not yet.
  const chat = await chatState(page);
  for (const message of truth.chat) {
    const line = chat.find((c) => c.text === message.message);
    if (!line) say(`chat line missing: ${message.message}`);
    else if (line.active !== message.time <= t) say(`chat line "${message.message}" ${line.active ? 'shown before' : 'not shown at'} its time`);
  }
  return { problems, quirks, png };
}

/** URLs of the slide pictures, as the page fetches them. */
function slideUrls(baseUrl: string, recording: GeneratedRecording): string[] {
  const files = new Set(recording.truth.slides.map((s) => s.file));
  return [...files].map((f) => `${baseUrl}/presentation/${recording.recordId}/${f}`);
}

// ---------------------------------------------------------------- tests

for (const variant of ['full', 'tldraw', 'fourcams', 'audioonly'] as const) {
  test(`${variant}: every instant shows what the truth says`, async ({ page, bbbServer, sample, player }, testInfo) => {
    test.setTimeout(300_000);
    const recording = await sample(variant);
    const fonts = await routeFonts(page, 'serve');
    expect(await openPlayer(page, bbbServer.playbackUrl(recording.recordId))).toBe('player');
    await waitUntilReady(page, slideUrls(bbbServer.url, recording));
    await warmUp(page, recording.truth);
    const problems: string[] = [];
    const quirks: string[] = [];
    for (const t of checkTimes(recording.truth)) {
      const found = await checkInstant(page, recording.truth, t, player);
      quirks.push(...found.quirks);
      // Keep the first few wrong pictures with the report.
      if (found.problems.length > 0 && problems.length < 12) {
        const file = testInfo.outputPath(`t=${t.toFixed(3)}.png`);
        await writeFile(file, found.png);
        await testInfo.attach(`t=${t.toFixed(3)}.png`, { path: file, contentType: 'image/png' });
      }
      problems.push(...found.problems);
    }
    if (quirks.length > 0)
      testInfo.annotations.push({ type: 'known BBB player quirk', description: `cursor not drawn before the slide's first shape (${quirks.length} instants)` });
    expect(problems).toEqual([]);
    if (recording.truth.whiteboard === 'tldraw') expect(fonts.length).toBeGreaterThan(0);
  });
}

test('audio-only: the media is the audio file and the webcam box stays empty', async ({ page, bbbServer, sample }) => {
  const recording = await sample('audioonly');
  await openPlayer(page, bbbServer.playbackUrl(recording.recordId));
  await waitUntilReady(page, []);
  const src = await page.evaluate(() => document.querySelector<HTMLVideoElement>('#webcams video')!.currentSrc);
  expect(src).toMatch(/\/audio\/audio\.webm$/);
  await stepTo(page, 5.5 / FPS);
  expect(readCodes(decodePng(await page.screenshot())).filter((c) => c.kind === 'camera')).toEqual([]);
});

test("tldraw v2 without its fonts shows the asset error, as BBB's player does", async ({ page, bbbServer, sample }) => {
  const recording = await sample('tldraw');
  const fonts = await routeFonts(page, 'fail');
  await openPlayer(page, bbbServer.playbackUrl(recording.recordId));
  await waitUntilReady(page, []);
  // BBB's player shows the message at its next render after the fonts failed: keep stepping.
  await expect
    .poll(
      async () => {
        await stepTo(page, 1.5);
        return page.locator('#presentation').textContent();
      },
      { timeout: 30_000 },
    )
    .toContain('Could not load assets. Please refresh the page.');
  expect(fonts.length).toBeGreaterThan(0);
});

test('loads, never autoplays, and keeps its controls', async ({ page, bbbServer, sample }) => {
  const recording = await sample('full');
  await page.goto(bbbServer.playbackUrl(recording.recordId));
  await expect(page.locator('#loader.loader-wrapper')).toBeVisible();
  await expect(page.locator('#player.player-wrapper')).toBeVisible({ timeout: 60_000 });
  await expect(page.locator('.top-bar .title')).toContainText(recording.truth.meetingName);
  await expect(page.locator('#webcams > div.video-js > video.vjs-tech')).toHaveCount(1);
  await expect(page.locator('.content > .top-content > #presentation > .presentation > svg[viewBox]')).toHaveCount(1);
  await expect(page.locator('#screenshare.inactive video')).toHaveCount(1);
  await expect(page.locator('#thumbnails')).toHaveCount(1);
  await page.waitForTimeout(1500);
  expect(await page.evaluate(() => document.querySelector<HTMLVideoElement>('#webcams video')!.paused)).toBe(true);
  const bar = await page.locator('#webcams .vjs-control-bar').boundingBox();
  expect(bar).toMatchObject({ x: 0, width: 1920 });
  expect(bar!.y + bar!.height).toBe(1080);
  expect(await page.locator('#webcams .vjs-control-bar').evaluate((el) => getComputedStyle(el).position)).toBe('fixed');
  await expect(page.locator('#webcams .vjs-big-play-button')).toBeVisible();
  await page.evaluate(() => document.querySelector<HTMLVideoElement>('#webcams video')!.play());
  await expect(page.locator('#webcams .vjs-big-play-button')).toBeHidden();
  await page.evaluate(() => document.querySelector<HTMLVideoElement>('#webcams video')!.pause());
});

test('desktop layout: webcams top-left, chat below, content to the right', async ({ page, bbbServer, sample }) => {
  const recording = await sample('full');
  await openPlayer(page, bbbServer.playbackUrl(recording.recordId));
  const box = async (selector: string) => (await page.locator(selector).first().boundingBox())!;
  const media = await box('.media');
  const chat = await box('.application');
  const content = await box('.content');
  expect(media).toMatchObject({ x: 0, y: 0, width: 320, height: 240 });
  expect(chat.x).toBe(0);
  expect(chat.y).toBe(240);
  expect(content.x).toBe(320);
  expect(content.y).toBe(60);
  expect(content.width).toBe(1600);
});

test('time event: f= sets its rate while playing, one more after each seek', async ({ page, bbbServer, sample }) => {
  const recording = await sample('full');
  for (const [query, low, high] of [
    ['', 7, 13],
    ['?f=25', 18, 30],
  ] as const) {
    await openPlayer(page, `${bbbServer.playbackUrl(recording.recordId)}${query}`);
    await waitUntilReady(page, []);
    const counted = await page.evaluate(async () => {
      const video = document.querySelector<HTMLVideoElement>('#webcams video')!;
      let n = 0;
      document.addEventListener('bbbplaybacktimeupdate', () => n++);
      await video.play();
      const start = n;
      await new Promise((r) => setTimeout(r, 1000));
      video.pause();
      const playing = n - start;
      const seekedOnce = new Promise((r) => video.addEventListener('seeked', r, { once: true }));
      const before = n;
      video.currentTime = 3;
      await seekedOnce;
      await new Promise((r) => setTimeout(r, 50));
      return { playing, afterSeek: n - before };
    });
    expect(counted.playing).toBeGreaterThanOrEqual(low);
    expect(counted.playing).toBeLessThanOrEqual(high);
    expect(counted.afterSeek).toBe(1);
  }
});

test('t= starts at the given time and l= changes the layout', async ({ page, bbbServer, sample }) => {
  const recording = await sample('full');
  const url = bbbServer.playbackUrl(recording.recordId);
  await openPlayer(page, `${url}?t=5s`);
  await expect.poll(() => page.evaluate(() => document.querySelector<HTMLVideoElement>('#webcams video')!.currentTime), { timeout: 30_000 }).toBeCloseTo(5, 1);

  await openPlayer(page, `${url}?l=content`);
  expect((await page.locator('.content').boundingBox())!.x).toBe(0);
  expect((await page.locator('.media').boundingBox())!.width).toBe(0);

  await openPlayer(page, `${url}?l=swapped`);
  const media = (await page.locator('.media').boundingBox())!;
  expect(media.x).toBe(320);
  expect(media.width).toBe(1600);

  await openPlayer(page, `${url}?l=disabled`);
  await expect(page.locator('.fullscreen-button')).toHaveCount(0);
  await expect(page.locator('.application-control')).toHaveCount(0);
});

test('error screens and the legacy URL', async ({ page, bbbServer, sample }) => {
  const recording = await sample('full');
  await page.goto(`${bbbServer.url}/playback/presentation/2.3/not-a-record-id`);
  await expect(page.locator('#error .error-code')).toHaveText('400');
  await page.goto(bbbServer.playbackUrl(`${'0'.repeat(40)}-1700000000000`));
  await expect(page.locator('#error .error-code')).toHaveText('404', { timeout: 30_000 });
  await page.goto(`${bbbServer.url}/playback/presentation/2.0/playback.html?meetingId=${recording.recordId}`);
  expect(new URL(page.url()).pathname).toBe(`/playback/presentation/2.3/${recording.recordId}`);
  await expect(page.locator('#player.player-wrapper')).toBeVisible({ timeout: 60_000 });
});
