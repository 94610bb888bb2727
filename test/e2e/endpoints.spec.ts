/**
 * Outputs beyond a video file, end to end: the sound alone (m4a, mp3, opus) written from the
 * recording's own media without a browser, tagged, its tone bursts where the sample put them;
 * `-o -` streaming a fragmented MP4 to a pipe (decoded and measured like a file), and a reader
 * that closes the pipe early (OUTPUT_CLOSED, no orphans); `--rtmp` re-streaming the export to a
 * real RTMP receiver on loopback (ffmpeg listening), measured like a file, retried and resumed
 * when the receiver goes away and comes back, RTMP_FAILED when it never answers.
 */
import { createWriteStream } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { connect, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { findFfmpeg } from '../../src/process/find-ffmpeg.js';
import { runProcess } from '../../src/process/run-process.js';
import { decodeVideoCodes } from '../../src/verify/decode-video-codes.js';
import type { FidelityReport } from '../../src/verify/fidelity-report.js';
import { measureFidelity } from '../../src/verify/measure-fidelity.js';
import { probeMedia } from '../../src/recording/probe-media.js';
import { finished, processesMentioning, startCli } from './support/cli.js';
import { expect, test } from './support/samples-fixture.js';

const tools = findFfmpeg(process.env.BBB_CAPTURE_FFMPEG);
let outDir: string;

test.setTimeout(600_000);
test.beforeAll(async () => {
  outDir = await mkdtemp(path.join(tmpdir(), 'bbb-capture-endpoints-'));
});
test.afterAll(async () => {
  await rm(outDir, { recursive: true, force: true });
});

async function meter(file: string, dir: string): Promise<FidelityReport> {
  const report = await measureFidelity({ video: file, recordingDir: dir, tools });
  const summary = JSON.stringify({
    file: path.basename(file),
    delivered: report.cameras.map((c) => c.deliveredRatio),
    audio: report.audio,
    avSyncMs: report.avSyncMs,
    durationErrorMs: report.durationErrorMs,
  });
  test.info().annotations.push({ type: 'fidelity', description: summary });
  return report;
}

/** Container tags of a file, keys lower-cased (ffprobe). */
async function tagsOf(file: string): Promise<Record<string, string>> {
  const { stdout } = await runProcess(tools.ffprobe, ['-v', 'error', '-show_entries', 'format_tags:stream_tags', '-of', 'json', file], {
    label: 'ffprobe',
    failureCode: 'FFMPEG_FAILED',
    missingCode: 'FFMPEG_MISSING',
  });
  const json = JSON.parse(stdout) as { format?: { tags?: Record<string, string> }; streams?: Array<{ tags?: Record<string, string> }> };
  // Ogg keeps comments on the stream, the others on the container.
  const all = { ...json.streams?.[0]?.tags, ...json.format?.tags };
  return Object.fromEntries(Object.entries(all).map(([k, v]) => [k.toLowerCase(), v]));
}

/** Runs the CLI to completion while looking, every 100 ms, for any Chromium it owns. */
async function runWatchingForChromium(args: string[]): Promise<{ run: Awaited<ReturnType<typeof finished>>; chromium: string[] }> {
  const child = startCli(args);
  const seen = new Set<string>();
  let done = false;
  const watching = (async () => {
    while (!done) {
      for (const line of await processesMentioning(`bbb-capture-owner=${child.pid}`)) seen.add(line);
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  const run = await finished(child);
  done = true;
  await watching;
  return { run, chromium: [...seen] };
}

/** A TCP port nothing listens on (taken and released). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** An RTMP receiver on loopback: ffmpeg listening, writing what it gets (copied) to `file`. */
function receiver(url: string, file: string): ResultPromise {
  return execa(tools.ffmpeg, ['-hide_banner', '-nostdin', '-loglevel', 'error', '-y', '-listen', '1', '-i', url, '-c', 'copy', '-f', 'flv', file], {
    reject: false,
    stdin: 'ignore',
  });
}

/**
 * A TCP relay in front of a receiver: notes when the sender's bytes passed `bytes` (past the RTMP
 * handshake and commands, a few KB: media is flowing), so the test sees when the stream really started.
 */
async function relay(port: number, to: number, bytes: number): Promise<{ server: Server; firstMediaAt: () => number | undefined }> {
  let total = 0;
  let at: number | undefined;
  const server = createServer((client) => {
    const upstream = connect(to, '127.0.0.1');
    client.on('data', (chunk: Buffer) => {
      total += chunk.length;
      if (at === undefined && total > bytes) at = Date.now();
    });
    client.pipe(upstream).pipe(client);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { server, firstMediaAt: () => at };
}

/** Camera code values shown by a video (the webcam frames it delivered). */
async function cameraFrames(file: string): Promise<Set<number>> {
  const probe = await probeMedia(file, { tools });
  const decoded = await decodeVideoCodes({ video: file, stream: probe.video!, tools, timelineStart: Math.max(0, probe.startTime) });
  return new Set(decoded.frames.flatMap((f) => f.codes.filter((c) => c.kind === 'camera').map((c) => c.channel * 1e6 + c.value)));
}

for (const variant of ['audioonly', 'full'] as const) {
  test(`audio only (m4a, mp3, opus) of the ${variant} sample: no browser, bursts on time, tagged`, async ({ sample }) => {
    const rec = await sample(variant, 5);
    for (const format of ['m4a', 'mp3', 'opus'] as const) {
      const file = path.join(outDir, `${variant}.${format}`);
      // The format comes from the name for two of them, from --format for the third.
      const { run, chromium } = await runWatchingForChromium(['record', rec.url, '-o', file, '--json', ...(format === 'opus' ? ['--format', 'opus'] : [])]);
      expect(run.exitCode, `${format} failed: ${run.stderr}`).toBe(0);
      expect(chromium, 'no Chromium started').toEqual([]);
      expect(run.events.filter((e) => e.type === 'stage').map((e) => e.stage)).not.toContain('browser');
      expect(run.events.find((e) => e.type === 'engine')).toMatchObject({ engine: 'none', reason: 'audio only: no browser' });
      expect(run.events.find((e) => e.type === 'result')).toMatchObject({ engine: 'none', output: file });

      const probe = await probeMedia(file, { tools });
      expect(probe.video).toBeNull();
      expect(probe.audio?.codec).toBe({ m4a: 'aac', mp3: 'mp3', opus: 'opus' }[format]);
      const report = await meter(file, rec.dir);
      expect(report.audio.burstsMatched).toBe(report.audio.burstsExpected);
      expect(report.audio.burstsExpected).toBeGreaterThan(0);
      expect(Math.abs(report.audio.offsetMs!)).toBeLessThanOrEqual(5);
      expect(Math.abs(report.durationErrorMs)).toBeLessThanOrEqual(60);

      const tags = await tagsOf(file);
      const info = run.events.find((e) => e.type === 'result')!.recording as { meetingName: string; recordId: string; startTime: number };
      expect(tags.title).toBe(info.meetingName);
      expect(tags.comment).toBe(info.recordId);
      expect(tags.date).toBe(new Date(info.startTime).toISOString().slice(0, 10));
    }
  });
}

test('a composed layout or --split with an audio format is a usage error', async ({ sample }) => {
  const rec = await sample('audioonly', 5);
  const run = await finished(startCli(['record', rec.url, '-o', path.join(outDir, 'x.mp3'), '--layout', 'presenters', '--split', '--json']));
  expect(run.exitCode).toBe(2);
  expect(run.events.find((e) => e.type === 'error')).toMatchObject({ code: 'USAGE', message: expect.stringMatching(/sound only/) });
});

test('-o - writes a fragmented MP4 to stdout, progress to stderr, measured like a file', async ({ sample }) => {
  const rec = await sample('full', 5);
  const file = path.join(outDir, 'piped.mp4');
  const child = startCli(['record', rec.url, '-o', '-', '--engine', 'render', '--json']);
  child.stdout!.pipe(createWriteStream(file));
  const run = await finished(child);
  expect(run.exitCode, run.stderr).toBe(0);
  // stdout holds the file and nothing else; the JSON lines are on stderr.
  expect(run.events).toEqual([]);
  expect(run.stderr).toMatch(/"type":"result".*"output":"-"/);
  const bytes = await readFile(file);
  expect(bytes.subarray(4, 8).toString()).toBe('ftyp');
  expect(bytes.includes(Buffer.from('moof'))).toBe(true); // fragments: playable as it arrives
  const report = await meter(file, rec.dir);
  expect(report.cameras.map((c) => c.deliveredRatio)).toEqual([1]);
  expect(Math.abs(report.avSyncMs!)).toBeLessThanOrEqual(5);
  // AAC's priming samples are hidden by the fragmented file's edit list, as by a plain MP4's.
  expect(Math.abs(report.audio.offsetMs!)).toBeLessThanOrEqual(5);
  expect(report.audio.burstsMatched).toBe(report.audio.burstsExpected);

  // The sound alone through a pipe too: an M4A written fragmented, decoded from what came out.
  const m4a = path.join(outDir, 'piped.m4a');
  const audioChild = startCli(['record', rec.url, '-o', '-', '--format', 'm4a']);
  audioChild.stdout!.pipe(createWriteStream(m4a));
  expect((await finished(audioChild)).exitCode).toBe(0);
  const audio = await meter(m4a, rec.dir);
  expect(audio.streams).toEqual({ video: false, audio: true });
  expect(Math.abs(audio.audio.offsetMs!)).toBeLessThanOrEqual(5);
});

test('-o - whose reader closes early: OUTPUT_CLOSED, no orphans', async ({ sample }) => {
  const rec = await sample('full', 5);
  const workDirs = async () => new Set((await readdir(tmpdir())).filter((name) => name.startsWith('.bbb-capture-')));
  const before = await workDirs();
  const child = startCli(['record', rec.url, '-o', '-', '--engine', 'render', '--json']);
  // Like `| head -c 1000`: the first bytes, then the pipe closes.
  child.stdout!.once('data', () => child.stdout!.destroy());
  const run = await finished(child);
  expect(run.exitCode, run.stderr).toBe(53);
  expect(run.stderr).toMatch(/"code":"OUTPUT_CLOSED"/);
  await expect.poll(() => processesMentioning(`bbb-capture-owner=${child.pid}`), { timeout: 10_000 }).toEqual([]);
  // Its work directory (under the temporary directory) is gone with it.
  expect([...(await workDirs())].filter((name) => !before.has(name))).toEqual([]);
});

test('--rtmp streams the export to a live receiver: every webcam frame, A/V within 40 ms', async ({ sample }) => {
  const rec = await sample('full', 5);
  const url = `rtmp://127.0.0.1:${await freePort()}/live/test`;
  const received = path.join(outDir, 'received.flv');
  const listening = receiver(url, received);
  await new Promise((r) => setTimeout(r, 500));
  const file = path.join(outDir, 'live.mp4');
  const started = Date.now();
  const run = await finished(startCli(['record', rec.url, '-o', file, '--engine', 'render', '--json', '--rtmp', url]));
  expect(run.exitCode, run.stderr).toBe(0);
  expect(run.events.some((e) => e.type === 'stage' && e.stage === 'publish')).toBe(true);
  // The render engine streams its parts as they are ready.
  expect(run.events.find((e) => e.type === 'result')).toMatchObject({ rtmp: { live: true } });
  // Real time: the stream alone takes the talk's length.
  expect(Date.now() - started).toBeGreaterThan(5000);
  await listening;
  const report = await meter(received, rec.dir);
  expect(report.streams).toEqual({ video: true, audio: true });
  expect(report.cameras.map((c) => c.deliveredRatio)).toEqual([1]);
  expect(Math.abs(report.avSyncMs!)).toBeLessThanOrEqual(40);
  expect(report.audio.burstsMatched).toBe(report.audio.burstsExpected);
});

test('--rtmp to a receiver killed mid-stream and restarted: resumed where it broke, nothing lost', async ({ sample }) => {
  // Streamed live in parts of at most 4 s: long enough that the break falls past the first part.
  const rec = await sample('full', 16);
  const url = `rtmp://127.0.0.1:${await freePort()}/live/test`;
  const first = path.join(outDir, 'first.flv');
  const second = path.join(outDir, 'second.flv');
  const one = receiver(url, first);
  await new Promise((r) => setTimeout(r, 500));
  const file = path.join(outDir, 'resumed.mp4');
  const child = startCli(['record', rec.url, '-o', file, '--engine', 'render', '--json', '--rtmp', url]);
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  // Once the stream has run 8 s of the 16 (what it may not have received when it broke is sent again: from the part holding 2 s before), the receiver goes away and another comes up in its place.
  await expect.poll(() => output.includes('"stage":"publish"'), { timeout: 300_000, intervals: [200] }).toBe(true);
  await new Promise((r) => setTimeout(r, 8000));
  one.kill('SIGTERM'); // it still closes its file, so what it got can be decoded
  await one;
  const restarted = receiver(url, second);
  const run = await finished(child);
  expect(run.exitCode, run.stderr).toBe(0);
  await restarted;
  const result = run.events.find((e) => e.type === 'result') as { rtmp?: { live?: boolean; partStarts: number[]; resumedFrom: number[] } };
  expect(result.rtmp?.live).toBe(true);
  expect(result.rtmp?.resumedFrom).toHaveLength(1);
  // At the start of a part after the first.
  expect(result.rtmp!.partStarts).toContain(result.rtmp!.resumedFrom[0]);
  expect(result.rtmp!.resumedFrom[0]).toBeGreaterThan(0);
  expect(run.events.some((e) => e.type === 'warning' && /resuming/.test(String(e.message)))).toBe(true);
  const all = await cameraFrames(file);
  const [before, after] = [await cameraFrames(first), await cameraFrames(second)];
  const got = new Set([...before, ...after]);
  expect([...all].filter((f) => !got.has(f))).toEqual([]);
  // The second session starts where the first broke, not from the start, and reaches the end.
  expect(Math.min(...after)).toBeGreaterThan(Math.min(...all));
  expect(Math.min(...after)).toBeLessThanOrEqual(Math.max(...before) + 1);
  expect(Math.max(...after)).toBe(Math.max(...all));
  expect((await stat(second)).size).toBeGreaterThan(0);
});

test('--rtmp to a receiver killed mid-stream that never comes back: RTMP_FAILED after the retries, the file kept', async ({ sample }) => {
  const rec = await sample('full', 16);
  const url = `rtmp://127.0.0.1:${await freePort()}/live/test`;
  const one = receiver(url, path.join(outDir, 'gone.flv'));
  await new Promise((r) => setTimeout(r, 500));
  const file = path.join(outDir, 'gone.mp4');
  const child = startCli(['record', rec.url, '-o', file, '--engine', 'render', '--json', '--rtmp', url]);
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  // 6 s into the stream: past its first part of 4 s.
  await expect.poll(() => output.includes('"stage":"publish"'), { timeout: 300_000, intervals: [200] }).toBe(true);
  await new Promise((r) => setTimeout(r, 6000));
  one.kill('SIGTERM');
  await one;
  const run = await finished(child);
  expect(run.exitCode, run.stderr).toBe(54);
  // It broke some way in, not at the start, and was retried from there.
  expect(run.events.find((e) => e.type === 'error')).toMatchObject({ code: 'RTMP_FAILED', message: expect.stringMatching(/failed 4 times in a row, furthest at [1-9]\d*\.\d s/) });
  expect(run.events.filter((e) => e.type === 'warning' && /resuming from the part at \d+\.\d s .*retry \d of 3/.test(String(e.message)))).toHaveLength(3);
  // The file was still written and checked.
  expect((await probeMedia(file, { tools })).video?.codec).toBe('h264');
  await expect.poll(() => processesMentioning(`bbb-capture-owner=${child.pid}`), { timeout: 10_000 }).toEqual([]);
});

test('--rtmp to a server that refuses: RTMP_FAILED after the retries, the file kept', async ({ sample }) => {
  const rec = await sample('full', 5);
  const url = `rtmp://127.0.0.1:${await freePort()}/live/test`;
  const file = path.join(outDir, 'refused.mp4');
  const run = await finished(startCli(['record', rec.url, '-o', file, '--engine', 'render', '--json', '--rtmp', url]));
  expect(run.exitCode, run.stderr).toBe(54);
  expect(run.events.find((e) => e.type === 'error')).toMatchObject({ code: 'RTMP_FAILED', message: expect.stringMatching(/failed 4 times/) });
  expect(run.events.filter((e) => e.type === 'warning' && /retry \d of 3/.test(String(e.message)))).toHaveLength(3);
  expect((await probeMedia(file, { tools })).video?.codec).toBe('h264');
});

test('--rtmp with the render engine streams live: media flows before the render is done, the stream measured like a file', async ({ sample }) => {
  const rec = await sample('full', 30);
  const port = await freePort();
  const url = `rtmp://127.0.0.1:${port}/live/test`;
  const receiverPort = await freePort();
  const received = path.join(outDir, 'live-parts.flv');
  const listening = receiver(`rtmp://127.0.0.1:${receiverPort}/live/test`, received);
  // The sender talks to the relay, the relay to the receiver: the relay sees the first media bytes.
  const { server, firstMediaAt } = await relay(port, receiverPort, 8 * 1024);
  await new Promise((r) => setTimeout(r, 500));
  const started = Date.now();
  const child = startCli(['record', rec.url, '-o', path.join(outDir, 'live-parts.mp4'), '--engine', 'render', '--json', '--rtmp', url]);
  let output = '';
  let renderedAt: number | undefined;
  child.stdout!.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    // Every part rendered and encoded: the engine joins them for the file next.
    if (renderedAt === undefined && output.includes('"stage":"mux"')) renderedAt = Date.now();
  });
  const run = await finished(child);
  server.close();
  expect(run.exitCode, run.stderr).toBe(0);
  await listening;
  const result = run.events.find((e) => e.type === 'result') as { rtmp?: { live?: boolean; parts?: number; resumedFrom?: number[] } };
  expect(result.rtmp).toMatchObject({ live: true, resumedFrom: [] });
  expect(result.rtmp?.parts).toBeGreaterThanOrEqual(3);
  const mediaAt = firstMediaAt();
  expect(mediaAt, 'media reached the receiver').toBeDefined();
  expect(renderedAt, 'the render finished').toBeDefined();
  test.info().annotations.push({
    type: 'live',
    description: JSON.stringify({
      parts: result.rtmp?.parts,
      firstMediaS: (mediaAt! - started) / 1000,
      renderDoneS: (renderedAt! - started) / 1000,
      totalS: (Date.now() - started) / 1000,
    }),
  });
  expect(mediaAt!).toBeLessThan(renderedAt!);
  // Held to what a file of the render engine is held to.
  const report = await meter(received, rec.dir);
  expect(report.streams).toEqual({ video: true, audio: true });
  expect(report.cameras.map((c) => c.deliveredRatio)).toEqual([1]);
  expect(Math.abs(report.avSyncMs!)).toBeLessThanOrEqual(5);
  expect(Math.abs(report.audio.offsetMs!)).toBeLessThanOrEqual(5);
  expect(report.audio.burstsMatched).toBe(report.audio.burstsExpected);
  expect(Math.abs(report.durationErrorMs)).toBeLessThanOrEqual(60);
});
