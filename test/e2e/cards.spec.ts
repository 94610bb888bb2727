/**
 * Title and credits cards end to end: a synthetic recording rendered with --intro/--outro default,
 * the output decoded: it is the export plus both cards, the intro is shown (not black, not the
 * export's first picture) and silent, and the export inside it is unchanged: its video packets are
 * the same bytes (it was not re-encoded) and its tone bursts sit exactly the intro's length later.
 * A template that never finishes loading stops the job with CARD_FAILED before the export starts.
 */
import { createServer, type Server } from 'node:http';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { findFfmpeg } from '../../src/process/find-ffmpeg.js';
import { runProcess, runProcessBinary } from '../../src/process/run-process.js';
import { analyseAudio } from '../../src/verify/analyse-audio.js';
import { probeMedia } from '../../src/verify/probe-media.js';
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
