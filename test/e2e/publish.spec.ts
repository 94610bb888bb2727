/**
 * What people publish a video with, end to end: the full sample rendered (`--engine render`),
 * then its output decoded with ffprobe and ffmpeg: the caption track's language, name and cues at
 * the times of the sample's truth (also for a part, `--from 2 --to 6`, shifted and cut), one
 * chapter per slide change and screen-share start and end of the truth, titled from the slides'
 * text, the container's tags, and the poster's size; and a caption file that is not WebVTT costs
 * its track and a warning, not the export, as does a listed caption file that is missing.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MIN_CHAPTER_S } from '../../src/mux/find-chapters.js';
import { parseWebVtt } from '../../src/mux/parse-webvtt.js';
import { findFfmpeg } from '../../src/process/find-ffmpeg.js';
import { runProcess, runProcessBinary } from '../../src/process/run-process.js';
import type { SampleTruth } from '../../src/sample/sample-truth.js';
import { runCli } from './support/cli.js';
import { expect, test, type ServedSample } from './support/samples-fixture.js';

const tools = findFfmpeg(process.env.BBB_CAPTURE_FFMPEG);
let outDir: string;

test.setTimeout(900_000);
test.beforeAll(async () => {
  outDir = await mkdtemp(path.join(tmpdir(), 'bbb-capture-publish-'));
});
test.afterAll(async () => {
  await rm(outDir, { recursive: true, force: true });
});

interface Probe {
  streams: Array<{ index: number; codec_type: string; codec_name: string; width?: number; height?: number; tags?: Record<string, string> }>;
  chapters: Array<{ start_time: string; end_time: string; tags?: { title?: string } }>;
  format: { tags?: Record<string, string> };
}

async function ffprobe(file: string): Promise<Probe> {
  const { stdout } = await runProcess(
    tools.ffprobe,
    ['-v', 'error', '-show_entries', 'stream=index,codec_type,codec_name,width,height:stream_tags:chapter=start_time,end_time:chapter_tags=title:format_tags', '-of', 'json', file],
    { label: 'ffprobe', failureCode: 'FFMPEG_FAILED', missingCode: 'FFMPEG_MISSING' },
  );
  const probe = JSON.parse(stdout) as Partial<Probe>;
  return { streams: probe.streams ?? [], chapters: probe.chapters ?? [], format: probe.format ?? {} };
}

/** The cues of the file's first subtitle track, decoded by ffmpeg back to WebVTT. */
async function decodedCues(file: string): Promise<Array<{ start: number; end: number; text: string }>> {
  const { stdout } = await runProcess(tools.ffmpeg, ['-v', 'error', '-i', file, '-map', '0:s:0', '-f', 'webvtt', '-'], {
    label: 'ffmpeg',
    failureCode: 'FFMPEG_FAILED',
    missingCode: 'FFMPEG_MISSING',
  });
  const parsed = parseWebVtt(stdout);
  if (!parsed.ok) throw new Error(`ffmpeg wrote no WebVTT: ${parsed.reason}`);
  return parsed.file.cues.map((c) => ({ start: c.start, end: c.end, text: c.text }));
}

/** The truth's cues on the timeline of the part [from, to): moved back by from, cut at both ends. */
function expectedCues(truth: SampleTruth, from: number, to: number) {
  return (truth.captions?.cues ?? []).map((c) => ({ start: Math.max(0, c.start - from), end: Math.min(to, c.end) - from, text: c.text })).filter((c) => c.end > c.start);
}

/** The truth's slide showings and screen shares as chapters, titled from presentation_text.json. */
async function expectedChapters(rec: ServedSample): Promise<Array<{ start: number; title: string }>> {
  const texts = JSON.parse(await readFile(path.join(rec.dir, 'presentation_text.json'), 'utf8')) as Record<string, Record<string, string>>;
  const slides = texts[rec.truth.presentationId!]!;
  const marks = [
    ...rec.truth.slides.map((s) => ({ start: s.start, title: slides[`slide-${s.index}`]!.split('\n')[0]! })),
    ...(rec.truth.screenshare?.intervals ?? []).map((i) => ({ start: i.start, title: 'Screen share' })),
  ].sort((a, b) => a.start - b.start);
  // The sample's changes are far enough apart that none joins the one before.
  marks.slice(1).forEach((m, i) => {
    expect(m.start - marks[i]!.start).toBeGreaterThanOrEqual(MIN_CHAPTER_S);
  });
  return marks;
}

async function record(rec: ServedSample, name: string, extra: string[] = []): Promise<{ file: string; events: Array<Record<string, unknown>> }> {
  const file = path.join(outDir, name);
  const run = await runCli(['record', rec.url, '-o', file, '--engine', 'render', '--resolution', '1280x720', '--json', ...extra], { timeoutMs: 840_000 });
  expect(run.exitCode, `record failed: ${run.stderr}`).toBe(0);
  return { file, events: run.events };
}

test("the full sample as MP4: an English caption track with the sample's cues, a chapter per slide change and share, tags, poster", async ({ sample }) => {
  const rec = await sample('full', 40);
  const poster = path.join(outDir, 'full-poster.jpg');
  const chaptersFile = path.join(outDir, 'full-chapters.json');
  const { file } = await record(rec, 'full.mp4', ['--poster', poster, '--chapters-file', chaptersFile]);
  const probe = await ffprobe(file);

  const subs = probe.streams.filter((s) => s.codec_type === 'subtitle');
  expect(subs.map((s) => [s.codec_name, s.tags?.language, s.tags?.handler_name])).toEqual([['mov_text', 'eng', 'English']]);
  const cues = await decodedCues(file);
  expect(cues.length).toBeGreaterThan(5);
  expect(cues).toEqual(expectedCues(rec.truth, 0, rec.truth.duration));

  const chapters = probe.chapters.map((c) => ({ start: Number(c.start_time), title: c.tags?.title }));
  expect(chapters).toEqual(await expectedChapters(rec));
  expect(chapters.map((c) => c.title)).toContain('Screen share');
  // The last chapter ends with the video.
  expect(Number(probe.chapters.at(-1)!.end_time)).toBeCloseTo(rec.truth.duration, 1);
  const written = JSON.parse(await readFile(chaptersFile, 'utf8')) as Array<{ start: number; title: string }>;
  expect(written.map((c) => ({ start: c.start, title: c.title }))).toEqual(chapters);

  const tags = probe.format.tags ?? {};
  expect(tags.title).toBe(rec.truth.meetingName);
  expect(new Date(tags.creation_time!).getTime()).toBe(rec.truth.startTimeMs);
  expect(tags.comment).toContain(rec.recordId);
  expect(tags.description).toContain(rec.recordId);

  const still = await ffprobe(poster);
  expect(still.streams.map((s) => [s.codec_name, s.width, s.height])).toEqual([['mjpeg', 1280, 720]]);
});

test('a part (--from 2 --to 6) as Matroska: WebVTT cues moved back by 2 s and cut at both ends, chapters on the part', async ({ sample }) => {
  const rec = await sample('full', 40);
  const { file } = await record(rec, 'part.mkv', ['--from', '2', '--to', '6']);
  const probe = await ffprobe(file);
  const subs = probe.streams.filter((s) => s.codec_type === 'subtitle');
  expect(subs.map((s) => [s.codec_name, s.tags?.language, s.tags?.title])).toEqual([['webvtt', 'eng', 'English']]);
  const cues = await decodedCues(file);
  // The truth's cue at 1-4 s is cut to 0-2 s, the one at 5-8 s to 3-4 s.
  expect(cues).toEqual(expectedCues(rec.truth, 2, 6));
  expect(cues.map((c) => [c.start, c.end])).toEqual([
    [0, 2],
    [3, 4],
  ]);
  const slideAtTwo = (await expectedChapters(rec)).filter((c) => c.start <= 2).at(-1)!;
  expect(probe.chapters.map((c) => [Number(c.start_time), Number(c.end_time), c.tags?.title])).toEqual([[0, 4, slideAtTwo.title]]);
  expect(probe.format.tags?.title ?? probe.format.tags?.TITLE).toBe(rec.truth.meetingName);
});

test('a caption file that is not WebVTT: a warning, no caption track, the video written all the same', async ({ sample }) => {
  const rec = await sample('full', 5);
  await writeFile(path.join(rec.dir, 'caption_en.vtt'), '1\n00:00:01,000 --> 00:00:04,000\nan SRT file under a .vtt name\n');
  const { file, events } = await record(rec, 'broken-captions.mp4');
  const warnings = events.filter((e) => e.type === 'warning').map((e) => String(e.message));
  expect(warnings.some((w) => w.includes('caption_en.vtt is not WebVTT'))).toBe(true);
  const probe = await ffprobe(file);
  expect(probe.streams.filter((s) => s.codec_type === 'subtitle')).toEqual([]);
  expect(probe.streams.filter((s) => s.codec_type === 'video')).toHaveLength(1);
  expect(probe.format.tags?.title).toBe(rec.truth.meetingName);
});

test('a locale that captions.json lists but whose file is missing: a warning naming it, no caption track, the video written all the same', async ({ sample }) => {
  const rec = await sample('full', 7);
  await rm(path.join(rec.dir, 'caption_en.vtt'));
  const { file, events } = await record(rec, 'missing-captions.mp4');
  const warnings = events.filter((e) => e.type === 'warning').map((e) => String(e.message));
  expect(
    warnings.some((w) => w.includes('caption_en.vtt is missing or empty')),
    warnings.join('\n'),
  ).toBe(true);
  const probe = await ffprobe(file);
  expect(probe.streams.filter((s) => s.codec_type === 'subtitle')).toEqual([]);
  expect(probe.streams.filter((s) => s.codec_type === 'video')).toHaveLength(1);
});

test('the podcast version (m4a, mp3, opus) has the chapters of the video: in the file, in --chapters-file, on a part; none with --no-chapters', async ({ sample }) => {
  const rec = await sample('full', 40);
  const expected = await expectedChapters(rec);
  // M4A: a chapter track (and Nero chpl); MP3: ID3v2 CHAP frames; Ogg: CHAPTERnn comments. ffprobe reads each back.
  for (const format of ['m4a', 'mp3', 'opus'] as const) {
    const chaptersFile = path.join(outDir, `podcast-${format}-chapters.json`);
    const { file } = await record(rec, `podcast.${format}`, ['--format', format, '--chapters-file', chaptersFile]);
    const probe = await ffprobe(file);
    expect(probe.streams.filter((s) => s.codec_type === 'audio')).toHaveLength(1);
    const chapters = probe.chapters.map((c) => ({ start: Number(c.start_time), title: c.tags?.title }));
    expect(chapters, format).toEqual(expected);
    // Each ends where the next starts, the last with the sound (Ogg keeps only starts: its last ends with the stream).
    probe.chapters.slice(0, -1).forEach((c, i) => {
      expect(Number(c.end_time)).toBeCloseTo(Number(probe.chapters[i + 1]!.start_time), 3);
    });
    expect(Number(probe.chapters.at(-1)!.end_time)).toBeCloseTo(rec.truth.duration, 1);
    const written = JSON.parse(await readFile(chaptersFile, 'utf8')) as Array<{ start: number; title: string }>;
    expect(written.map((c) => ({ start: c.start, title: c.title }))).toEqual(expected);
    expect(probe.format.tags?.title ?? probe.streams[0]!.tags?.title).toBe(rec.truth.meetingName);
  }

  const part = await ffprobe((await record(rec, 'podcast-part.m4a', ['--from', '2', '--to', '6'])).file);
  const slideAtTwo = expected.filter((c) => c.start <= 2).at(-1)!;
  expect(part.chapters.map((c) => [Number(c.start_time), Number(c.end_time), c.tags?.title])).toEqual([[0, 4, slideAtTwo.title]]);

  const none = await ffprobe((await record(rec, 'podcast-none.mp3', ['--no-chapters'])).file);
  expect(none.chapters).toEqual([]);
  expect(none.format.tags?.title).toBe(rec.truth.meetingName);
});

/** The picture at t as 8-bit grey, full size (width × height bytes). */
async function greyFrame(file: string, t: number): Promise<Buffer> {
  return runProcessBinary(
    tools.ffmpeg,
    ['-hide_banner', '-nostdin', '-loglevel', 'error', '-ss', t.toFixed(3), '-i', file, '-frames:v', '1', '-vf', 'format=gray', '-f', 'rawvideo', '-'],
    {
      label: 'ffmpeg',
      failureCode: 'FFMPEG_FAILED',
      missingCode: 'FFMPEG_MISSING',
    },
  );
}

/** Where two pictures differ (by more than re-encoding does) in the bottom band, where captions go: its bounding box and size. */
function captionDiff(burnt: Buffer, plain: Buffer, width: number, height: number) {
  const top = Math.round(height * 0.8);
  let count = 0;
  let [x0, y0, x1, y1] = [width, height, -1, -1];
  for (let y = top; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      if (Math.abs(burnt[i]! - plain[i]!) <= 32) continue;
      count++;
      [x0, y0, x1, y1] = [Math.min(x0, x), Math.min(y0, y), Math.max(x1, x), Math.max(y1, y)];
    }
  }
  return { count, x0, y0, x1, y1 };
}

test("--captions burn: the cues drawn at the bottom in the player's caption style, at their times and not outside them, and no soft track", async ({ sample }) => {
  const rec = await sample('full', 10);
  const [{ file: burnt }, { file: plain }] = [await record(rec, 'burn.mp4', ['--captions', 'burn']), await record(rec, 'burn-off.mp4', ['--captions', 'off'])];
  const probe = await ffprobe(burnt);
  // Drawn, not offered: no subtitle track (the sample has one language).
  expect(probe.streams.map((s) => s.codec_type).filter((t) => t === 'subtitle')).toEqual([]);
  expect(probe.streams.filter((s) => s.codec_type === 'video').map((s) => [s.width, s.height])).toEqual([[1280, 720]]);
  const [width, height] = [1280, 720];
  const cues = rec.truth.captions!.cues;
  expect(cues.length).toBeGreaterThan(1);
  // Just inside each cue, and just outside it (half a frame of margin and more), and midway between cues.
  const inside = cues.flatMap((c) => [c.start + 0.05, (c.start + c.end) / 2, c.end - 0.05]);
  const outside = [0.5, ...cues.flatMap((c) => [c.start - 0.05, c.end + 0.05])].filter((t) => !cues.some((c) => t >= c.start && t < c.end));
  for (const t of outside) {
    const d = captionDiff(await greyFrame(burnt, t), await greyFrame(plain, t), width, height);
    expect(d.count, `no caption at ${t} s`).toBeLessThan(20);
  }
  for (const t of inside) {
    const [b, o] = [await greyFrame(burnt, t), await greyFrame(plain, t)];
    const d = captionDiff(b, o, width, height);
    expect(d.count, `a caption at ${t} s`).toBeGreaterThan(2000);
    // The player's look (Chromium's caption box): centred, near the bottom, text about 5 % of the height.
    expect(Math.abs((d.x0 + d.x1) / 2 - width / 2), `centred at ${t} s`).toBeLessThan(width * 0.02);
    expect(height - 1 - d.y1).toBeLessThan(height * 0.06);
    const boxHeight = d.y1 - d.y0 + 1;
    expect(boxHeight).toBeGreaterThan(height * 0.04);
    expect(boxHeight).toBeLessThan(height * 0.09);
    // White text on a black box at 80 % opacity: the box's pixels are a fifth of what is behind them.
    let [text, box, off] = [0, 0, 0];
    for (let y = d.y0; y <= d.y1; y++) {
      for (let x = d.x0; x <= d.x1; x++) {
        const i = y * width + x;
        if (b[i]! > 200) text++;
        else if (b[i]! < 128) {
          box++;
          off += Math.abs(b[i]! - 0.2 * o[i]!);
        }
      }
    }
    const area = boxHeight * (d.x1 - d.x0 + 1);
    expect(text / area, `white text at ${t} s`).toBeGreaterThan(0.03);
    expect(box / area, `a dark box at ${t} s`).toBeGreaterThan(0.5);
    expect(off / box, `80 % black at ${t} s`).toBeLessThan(10);
  }
  // Above the captions nothing changed but by re-encoding: the page drew no captions of its own.
  const mid = cues[0]!.start + 0.5;
  const [b, o] = [await greyFrame(burnt, mid), await greyFrame(plain, mid)];
  const above = Math.round(height * 0.8) * width;
  let diff = 0;
  for (let i = 0; i < above; i++) diff += Math.abs(b[i]! - o[i]!);
  expect(diff / above).toBeLessThan(1);
});
