/**
 * Title and credits cards end to end: a synthetic recording rendered with --intro/--outro default,
 * the output decoded: it is the export plus both cards, the intro is shown (not black, not the
 * export's first picture) and silent, and the export inside it is unchanged: its video packets are
 * the same bytes (it was not re-encoded) and its tone bursts sit exactly the intro's length later.
 * The same for Matroska, whose join is also checked to decode without an error and to move the
 * export's chapters and caption cues with it. A template that never finishes loading stops the
 * job with CARD_FAILED before the export starts.
 */
import { createServer, type Server } from 'node:http';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseWebVtt } from '../../src/mux/parse-webvtt.js';
import { findFfmpeg } from '../../src/process/find-ffmpeg.js';
import { runProcess, runProcessBinary } from '../../src/process/run-process.js';
import { analyseAudio } from '../../src/verify/analyse-audio.js';
import { probeMedia } from '../../src/recording/probe-media.js';
import { checkOtio } from '../unit/layout/otio-check.js';
import { runCli } from './support/cli.js';
import { expect, test } from './support/samples-fixture.js';

const tools = findFfmpeg(process.env.BBB_CAPTURE_FFMPEG);
const CARD = 2;
let outDir: string;

test.setTimeout(900_000);
test.beforeAll(async () => {
  outDir = await mkdtemp(path.join(tmpdir(), 'bbb-capture-cards-'));
});
test.afterAll(async () => {
  await rm(outDir, { recursive: true, force: true });
});

const run = (args: string[]) => runProcess(tools.ffmpeg, args, { label: 'ffmpeg', failureCode: 'FFMPEG_FAILED', missingCode: 'FFMPEG_MISSING' });

/** MD5 of every video packet as stored (-c copy: nothing decoded or re-encoded). */
async function packetSums(file: string): Promise<string[]> {
  const { stdout } = await run(['-hide_banner', '-nostdin', '-loglevel', 'error', '-i', file, '-map', '0:v:0', '-c', 'copy', '-f', 'framemd5', '-']);
  return stdout
    .split('\n')
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => l.split(',').at(-1)!.trim());
}

/** One picture at time t as 8-bit grey, 160x90. */
async function greyAt(file: string, t: number): Promise<Buffer> {
  return runProcessBinary(
    tools.ffmpeg,
    ['-hide_banner', '-nostdin', '-loglevel', 'error', '-ss', String(t), '-i', file, '-frames:v', '1', '-vf', 'scale=160:90,format=gray', '-f', 'rawvideo', '-'],
    { label: 'ffmpeg', failureCode: 'FFMPEG_FAILED', missingCode: 'FFMPEG_MISSING' },
  );
}

const mean = (b: Buffer) => b.reduce((s, v) => s + v, 0) / b.length;
const meanDiff = (a: Buffer, b: Buffer) => a.reduce((s, v, i) => s + Math.abs(v - b[i]!), 0) / a.length;

test('--intro/--outro default: the export plus both cards, the intro shown and silent, the export not re-encoded and in place', async ({ sample }) => {
  const rec = await sample('full', 6);
  const file = path.join(outDir, 'cards.mp4');
  const cli = await runCli(
    [
      'record',
      rec.url,
      '-o',
      file,
      '--engine',
      'render',
      '--resolution',
      '1280x720',
      '--intro',
      'default',
      '--outro',
      'default',
      '--card-length',
      String(CARD),
      '--card-name',
      'Ann <Presenter>',
      '--card-line',
      'Lecture 1',
      '--keep-temp',
      '--json',
    ],
    { timeoutMs: 840_000 },
  );
  expect(cli.exitCode, `record failed: ${cli.stderr}`).toBe(0);
  const result = cli.events.find((e) => e.type === 'result')!;
  expect(result.cards).toEqual({ copied: true, added: 2 * CARD });
  // The export as it was before the join, kept with --keep-temp.
  const work = (await readdir(outDir)).find((n) => n.startsWith('.bbb-capture-'))!;
  const main = path.join(outDir, work, 'main.mp4');

  const [out, before] = await Promise.all([probeMedia(file, { tools }), probeMedia(main, { tools })]);
  const frame = 1 / 30;
  expect(Math.abs(out.video!.duration! - (before.video!.duration! + 2 * CARD))).toBeLessThanOrEqual(frame + 0.001);
  expect(Math.abs(out.duration - (before.duration + 2 * CARD))).toBeLessThanOrEqual(frame + 0.001);

  // The intro is on screen: not black, and not the export's first picture.
  const card = await greyAt(file, CARD / 2);
  const first = await greyAt(main, 0);
  expect(mean(card)).toBeGreaterThan(30);
  expect(meanDiff(card, first)).toBeGreaterThan(10);
  expect(meanDiff(await greyAt(file, CARD + 2 * frame), await greyAt(main, 2 * frame))).toBeLessThan(2);

  // The intro is silent.
  const { stderr } = await run(['-hide_banner', '-nostdin', '-t', String(CARD - 0.05), '-i', file, '-map', '0:a:0', '-af', 'volumedetect', '-f', 'null', '-']);
  expect(Number(/max_volume: (-?[\d.]+|-inf) dB/.exec(stderr)?.[1] ?? '-inf')).toBeLessThan(-60);

  // Not re-encoded: the export's video packets are the same bytes, after the intro's.
  const [sumsOut, sumsMain] = await Promise.all([packetSums(file), packetSums(main)]);
  const start = sumsOut.indexOf(sumsMain[0]!);
  expect(start).toBeGreaterThan(0);
  expect(sumsOut.slice(start, start + sumsMain.length)).toEqual(sumsMain);

  // The export's sound is where it was, moved by exactly the intro's length (to the sample).
  const [burstsOut, burstsMain] = await Promise.all([
    analyseAudio({ video: file, tools, burstMs: rec.truth.tones.lengthMs }),
    analyseAudio({ video: main, tools, burstMs: rec.truth.tones.lengthMs }),
  ]);
  expect(burstsMain.onsets.length).toBeGreaterThan(2);
  const inMain = burstsOut.onsets.filter((t) => t >= CARD && t < CARD + before.duration).map((t) => t - CARD);
  expect(inMain.length).toBe(burstsMain.onsets.length);
  inMain.forEach((t, i) => {
    expect(Math.abs(t - burstsMain.onsets[i]!)).toBeLessThan(0.0005);
  });
  expect(burstsOut.onsets.filter((t) => t < CARD)).toEqual([]);
});

interface ChapterProbe {
  chapters?: Array<{ start_time: string; end_time: string; tags?: { title?: string } }>;
}

/** The file's chapters: [start, end, title], seconds. */
async function chaptersOf(file: string): Promise<Array<[number, number, string]>> {
  const { stdout } = await runProcess(tools.ffprobe, ['-v', 'error', '-show_chapters', '-of', 'json', file], {
    label: 'ffprobe',
    failureCode: 'FFMPEG_FAILED',
    missingCode: 'FFMPEG_MISSING',
  });
  return ((JSON.parse(stdout) as ChapterProbe).chapters ?? []).map((c) => [Number(c.start_time), Number(c.end_time), c.tags?.title ?? '']);
}

/** When the file's last picture ends, seconds (its last packet's time plus its duration). */
async function videoEnd(file: string): Promise<number> {
  const { stdout } = await runProcess(tools.ffprobe, ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'packet=pts_time,duration_time', '-of', 'csv=p=0', file], {
    label: 'ffprobe',
    failureCode: 'FFMPEG_FAILED',
    missingCode: 'FFMPEG_MISSING',
  });
  return Math.max(
    ...stdout
      .trim()
      .split('\n')
      .map((line) => line.split(',').map(Number))
      .map(([pts, duration]) => pts! + (duration || 0)),
  );
}

/** When each video packet of the file is shown, seconds, in order. */
async function videoPacketTimes(file: string): Promise<number[]> {
  const { stdout } = await runProcess(tools.ffprobe, ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'packet=pts_time', '-of', 'csv=p=0', file], {
    label: 'ffprobe',
    failureCode: 'FFMPEG_FAILED',
    missingCode: 'FFMPEG_MISSING',
  });
  return stdout
    .trim()
    .split('\n')
    .map(Number)
    .sort((a, b) => a - b);
}

/** The cues of the file's first subtitle track, decoded by ffmpeg back to WebVTT. */
async function cuesOf(file: string): Promise<Array<{ start: number; end: number; text: string }>> {
  const { stdout } = await run(['-v', 'error', '-i', file, '-map', '0:s:0', '-f', 'webvtt', '-']);
  const parsed = parseWebVtt(stdout);
  if (!parsed.ok) throw new Error(`ffmpeg wrote no WebVTT: ${parsed.reason}`);
  return parsed.file.cues.map((c) => ({ start: c.start, end: c.end, text: c.text }));
}

// H.264 + AAC in Matroska is joined packet for packet too; Matroska has no edit lists, so the
// export follows the intro's sound in whole AAC frames (matroska-intro.ts). The joined file decodes
// without an error, is the export plus both cards, and its pictures, sound, chapters and caption
// cues are the export's moved by the intro's length.
test('--intro/--outro default joined to mkv: decodes cleanly, the export copied, its pictures, sound, chapters and captions moved by the intro', async ({ sample }) => {
  const rec = await sample('full', 10);
  const dir = await mkdtemp(path.join(outDir, 'mkv-'));
  const file = path.join(dir, 'cards.mkv');
  const cli = await runCli(
    ['record', rec.url, '-o', file, '--resolution', '1280x720', '--intro', 'default', '--outro', 'default', '--card-length', String(CARD), '--keep-temp', '--json'],
    { timeoutMs: 840_000 },
  );
  expect(cli.exitCode, `record failed: ${cli.stderr}`).toBe(0);
  const result = cli.events.find((e) => e.type === 'result')!;
  expect(result.engine).toBe('render');
  // Matroska joins the export where the intro's whole AAC frames end (2 s: 94 frames, 2.0053 s).
  const { copied, added } = result.cards as { copied: boolean; added: number };
  expect(copied).toBe(true);
  expect(added).toBeGreaterThanOrEqual(2 * CARD);
  expect(added).toBeLessThan(2 * CARD + 0.022);
  const work = (await readdir(dir)).find((n) => n.startsWith('.bbb-capture-'))!;
  const main = path.join(dir, work, 'main.mkv');

  // Plays through: every picture and sound packet decodes without a word from ffmpeg (the cues
  // are decoded below). Timed in milliseconds, as Matroska keeps them: the null muxer's default
  // (one tick per frame at the average rate) would itself merge the exports' unevenly spaced frames.
  const decoded = await run(['-hide_banner', '-nostdin', '-v', 'error', '-i', file, '-map', '0:v', '-map', '0:a', '-enc_time_base:v', '1:1000', '-f', 'null', '-']);
  expect(decoded.stderr.trim()).toBe('');

  const [out, before] = await Promise.all([probeMedia(file, { tools }), probeMedia(main, { tools })]);
  expect(out.video?.codec).toBe('h264');
  // Within a frame of video, or an Opus packet (20 ms) of sound where that is longer.
  const slack = 1 / 30 + 0.021;
  expect(Math.abs(out.duration - (before.duration + added))).toBeLessThanOrEqual(slack);
  // Matroska gives no stream durations: the end of the last picture, from the packets.
  const [videoOut, videoMain] = await Promise.all([videoEnd(file), videoEnd(main)]);
  expect(Math.abs(videoOut - (videoMain + added))).toBeLessThanOrEqual(slack);

  // The export's chapters, moved by the intro, between a chapter for each card.
  const chapters = await chaptersOf(file);
  const mainChapters = await chaptersOf(main);
  expect(mainChapters.length).toBeGreaterThan(1);
  const intro = chapters[0]![1];
  expect(chapters[0]![0]).toBe(0);
  expect(chapters[0]![2]).toBe('Title');
  expect(intro).toBeCloseTo(added - CARD, 3);
  // Matroska keeps milliseconds: each time within one of the export's, moved.
  const near = (a: number, b: number) => Math.abs(a - b) <= 0.0015;
  const moved = chapters.slice(1, -1);
  expect(moved.map((c) => c[2])).toEqual(mainChapters.map((c) => c[2]));
  moved.forEach(([start, end], i) => {
    expect(near(start - intro, mainChapters[i]![0]) && near(end - intro, mainChapters[i]![1]), `chapter ${i}: ${start}-${end} vs ${mainChapters[i]}`).toBe(true);
  });
  expect(chapters.at(-1)![2]).toBe('Credits');
  expect(chapters.at(-1)![1]).toBeCloseTo(before.duration + added, 1);

  // The export's caption cues, moved by the intro.
  const [cues, mainCues] = await Promise.all([cuesOf(file), cuesOf(main)]);
  expect(mainCues.length).toBeGreaterThan(1);
  expect(cues.map((c) => c.text)).toEqual(mainCues.map((c) => c.text));
  cues.forEach((c, i) => {
    expect(near(c.start - intro, mainCues[i]!.start) && near(c.end - intro, mainCues[i]!.end), `cue ${i}: ${c.start}-${c.end} vs ${JSON.stringify(mainCues[i])}`).toBe(true);
  });

  // A/V across the join: the export's pictures and tone bursts sit exactly the intro's length later.
  const frames = await videoPacketTimes(main);
  for (const k of [5, Math.floor(frames.length / 2), frames.length - 5]) {
    // 10 ms into a picture of the export: the same picture in both files.
    const t = frames[k]! + 0.01;
    expect(meanDiff(await greyAt(file, intro + t), await greyAt(main, t)), `the export's picture at ${t.toFixed(3)} s`).toBeLessThan(1);
  }
  const [burstsOut, burstsMain] = await Promise.all([
    analyseAudio({ video: file, tools, burstMs: rec.truth.tones.lengthMs }),
    analyseAudio({ video: main, tools, burstMs: rec.truth.tones.lengthMs }),
  ]);
  expect(burstsMain.onsets.length).toBeGreaterThan(2);
  const inMain = burstsOut.onsets.filter((t) => t >= intro && t < intro + before.duration).map((t) => t - intro);
  expect(inMain.length).toBe(burstsMain.onsets.length);
  inMain.forEach((t, i) => {
    // Matroska's millisecond timestamps (and the intro's length read back from its chapter) allow 1 ms.
    expect(Math.abs(t - burstsMain.onsets[i]!), `burst ${i}`).toBeLessThan(0.0015);
  });

  // Stream-copied: the export's video packets are in the joined file byte for byte.
  const [sumsOut, sumsMain] = await Promise.all([packetSums(file), packetSums(main)]);
  const start = sumsOut.indexOf(sumsMain[0]!);
  expect(start).toBeGreaterThan(0);
  expect(sumsOut.slice(start, start + sumsMain.length)).toEqual(sumsMain);
});

// WebM (VP8/VP9 + Opus, written by the capture engine) cannot be joined packet for packet: the
// whole file is re-encoded, said in a warning, and must still play through with everything moved.
test('--intro/--outro default joined to webm: re-encoded with a warning, decodes cleanly, chapters and captions moved by the intro', async ({ sample }) => {
  const rec = await sample('full', 6);
  const dir = await mkdtemp(path.join(outDir, 'webm-'));
  const file = path.join(dir, 'cards.webm');
  const cli = await runCli(
    [
      'record',
      rec.url,
      '-o',
      file,
      '--format',
      'webm',
      '--resolution',
      '1280x720',
      '--intro',
      'default',
      '--outro',
      'default',
      '--card-length',
      String(CARD),
      '--keep-temp',
      '--json',
    ],
    { timeoutMs: 840_000 },
  );
  expect(cli.exitCode, `record failed: ${cli.stderr}`).toBe(0);
  const result = cli.events.find((e) => e.type === 'result')!;
  expect(result.engine).toBe('capture');
  const { copied, added } = result.cards as { copied: boolean; added: number };
  expect(copied).toBe(false);
  expect(cli.events.some((e) => e.type === 'warning' && /re-encod/i.test(String(e.message)))).toBe(true);
  expect(added).toBeGreaterThanOrEqual(2 * CARD);
  expect(added).toBeLessThan(2 * CARD + 0.05);
  const work = (await readdir(dir)).find((n) => n.startsWith('.bbb-capture-'))!;
  const main = path.join(dir, work, 'main.webm');

  // Plays through: every picture and sound packet decodes without a word from ffmpeg.
  const decoded = await run(['-hide_banner', '-nostdin', '-v', 'error', '-i', file, '-map', '0:v', '-map', '0:a', '-enc_time_base:v', '1:1000', '-f', 'null', '-']);
  expect(decoded.stderr.trim()).toBe('');
  const [out, before] = await Promise.all([probeMedia(file, { tools }), probeMedia(main, { tools })]);
  expect(out.video?.codec).toMatch(/^vp[89]$/);
  expect(out.audio?.codec).toBe('opus');
  expect(Math.abs(out.duration - (before.duration + added))).toBeLessThanOrEqual(1 / 30 + 0.021);

  // Chapters: Title, the export's own moved by the intro, Credits. Cues: the export's, moved too.
  // Re-encoded Opus starts a packet (20 ms) off, so the times are held to 25 ms.
  const near = (a: number, b: number) => Math.abs(a - b) <= 0.025;
  const [chapters, mainChapters] = await Promise.all([chaptersOf(file), chaptersOf(main)]);
  expect(mainChapters.length).toBeGreaterThan(1);
  expect(chapters.map((c) => c[2])).toEqual(['Title', ...mainChapters.map((c) => c[2]), 'Credits']);
  const intro = chapters[0]![1];
  expect(intro).toBeCloseTo(added - CARD, 1);
  chapters.slice(1, -1).forEach(([start], i) => {
    expect(near(start - intro, mainChapters[i]![0]), `chapter ${i}: ${start} vs ${mainChapters[i]![0]} + ${intro}`).toBe(true);
  });
  const [cues, mainCues] = await Promise.all([cuesOf(file), cuesOf(main)]);
  expect(mainCues.length).toBeGreaterThan(0);
  expect(cues.map((c) => c.text)).toEqual(mainCues.map((c) => c.text));
  cues.forEach((c, i) => {
    expect(near(c.start - intro, mainCues[i]!.start), `cue ${i}: ${c.start} vs ${mainCues[i]!.start} + ${intro}`).toBe(true);
  });
});

test('a card template that never finishes loading stops the job with CARD_FAILED before the export starts', async ({ sample }) => {
  const rec = await sample('full', 6);
  // An image that is asked for and never sent.
  const hanging: Server = createServer(() => undefined);
  await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
  const port = (hanging.address() as { port: number }).port;
  const template = path.join(outDir, 'hangs.html');
  await writeFile(template, `<!doctype html><html><head></head><body><h1>{{meetingName}}</h1><img src="http://127.0.0.1:${port}/logo.png"></body></html>`);
  try {
    const started = Date.now();
    const cli = await runCli(['record', rec.url, '-o', path.join(outDir, 'never.mp4'), '--engine', 'render', '--intro', template, '--json'], { timeoutMs: 120_000 });
    expect(cli.exitCode).toBe(55);
    expect(cli.events.find((e) => e.type === 'error')).toMatchObject({ code: 'CARD_FAILED', message: expect.stringMatching(/--intro card was still loading/) });
    // Before the export: the engine was never chosen, and it took the card's deadline, not an export.
    expect(cli.events.some((e) => e.type === 'engine')).toBe(false);
    expect(Date.now() - started).toBeLessThan(60_000);
    expect((await readdir(outDir)).filter((n) => n.startsWith('never'))).toEqual([]);
  } finally {
    hanging.closeAllConnections();
    await new Promise((resolve) => hanging.close(resolve));
  }
});

test('--split presenters also writes NAME.otio: every split file a track, slide changes as markers on the content clip', async ({ sample }) => {
  const rec = await sample('twocams', 10);
  const file = path.join(outDir, 'split talk.mp4');
  const cli = await runCli(['record', rec.url, '-o', file, '--layout', 'presenters', '--resolution', '1280x720', '--split', '--json'], { timeoutMs: 840_000 });
  expect(cli.exitCode, `record failed: ${cli.stderr}`).toBe(0);
  const result = cli.events.find((e) => e.type === 'result')!;
  const otio = path.join(outDir, 'split talk.otio');
  expect(result.otio).toBe(otio);
  const doc = JSON.parse(await readFile(otio, 'utf8')) as Record<string, unknown>;
  // Schemas and versions, whole frames at 30 fps, every reference an existing file beside the timeline.
  const markers = checkOtio(doc, 30, outDir);
  const split = result.split as { content: string; webcams: string; presenters: Array<{ presenter: number; file: string }> };
  const tracks = (
    doc.tracks as {
      children: Array<{
        name: string;
        kind: string;
        children: Array<{ media_references: { DEFAULT_MEDIA: { target_url: string } }; source_range: { duration: { value: number } } }>;
      }>;
    }
  ).children;
  expect(tracks.map((t) => [t.name, t.kind, decodeURIComponent(t.children[0]!.media_references.DEFAULT_MEDIA.target_url)])).toEqual([
    ['Content', 'Video', path.basename(split.content)],
    ['Webcams', 'Video', path.basename(split.webcams)],
    ...split.presenters.map((p) => [`Presenter ${p.presenter}`, 'Video', path.basename(p.file)]),
    ['Sound', 'Audio', path.basename(split.content)],
  ]);
  // Each clip is the whole file.
  const duration = (await probeMedia(split.content, { tools })).duration;
  for (const t of tracks) expect(Math.abs(t.children[0]!.source_range.duration.value / 30 - duration)).toBeLessThanOrEqual(2 / 30);
  // A marker at each slide change and screen share of the truth, on the content track only.
  const starts = [...rec.truth.slides.map((s) => s.start), ...(rec.truth.screenshare?.intervals ?? []).map((i) => i.start)];
  const expected = starts
    .filter((t) => t < duration)
    .sort((a, b) => a - b)
    .map((t) => Math.round(t * 30));
  expect(markers.filter((m) => m.name === 'Screen share').length).toBe(rec.truth.screenshare?.intervals.length ?? 0);
  expect(markers.every((m) => m.track === 'Content')).toBe(true);
  expect(markers.map((m) => m.frame)).toEqual(expected);
  expect(expected.length).toBeGreaterThan(1);
});
