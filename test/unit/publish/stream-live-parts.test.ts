import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { splitSegments, segmentLengthMs } from '../../../src/engines/render/change-instants.js';
import { CaptureError } from '../../../src/errors.js';
import type { RecordEvent } from '../../../src/progress/record-event.js';
import { runProcess } from '../../../src/process/run-process.js';
import { LIVE_PART_MS, startLiveStream } from '../../../src/publish/stream-live-parts.js';
import { tools } from '../verify/make-fixture.js';

let work: string;
/** Sound for 4 s (the "recording's media") and two 2 s video-only parts as the render encodes them. */
let media: string;
let parts: string[];
const ff = (args: string[]) =>
  runProcess(tools.ffmpeg, ['-hide_banner', '-loglevel', 'error', '-y', ...args], { label: 'ffmpeg', failureCode: 'FFMPEG_FAILED', missingCode: 'FFMPEG_MISSING' });
beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'bbb-capture-live-'));
  media = path.join(work, 'media.wav');
  await ff(['-f', 'lavfi', '-i', 'sine=sample_rate=48000:duration=4', media]);
  parts = [path.join(work, 'segment-0.mp4'), path.join(work, 'segment-1.mp4')];
  for (const file of parts)
    await ff(['-f', 'lavfi', '-i', 'testsrc=size=160x120:rate=10:duration=2', '-c:v', 'libx264', '-preset', 'ultrafast', '-bf', '0', '-pix_fmt', 'yuv420p', '-f', 'mp4', file]);
}, 60_000);
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

/** A loopback port nothing listens on. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const span = { fromMs: 0, toMs: 4000 };
const segments = [
  { startMs: 0, endMs: 2000 },
  { startMs: 2000, endMs: 4000 },
];

describe('startLiveStream', () => {
  it('cuts a 30 s export into parts of at most LIVE_PART_MS, so the stream starts after a few seconds of render', () => {
    const planned = splitSegments([0], 0, 30_000, Math.min(segmentLengthMs(30_000, 1), LIVE_PART_MS));
    expect(planned.length).toBeGreaterThanOrEqual(7);
    expect(Math.max(...planned.map((s) => s.endMs - s.startMs))).toBeLessThanOrEqual(LIVE_PART_MS);
  });

  it('waits for a late part instead of skipping it: the receiver gets both parts on one unbroken clock', async () => {
    const port = await freePort();
    const received = path.join(work, 'received.flv');
    const receiver = execa(
      tools.ffmpeg,
      ['-hide_banner', '-loglevel', 'error', '-y', '-listen', '1', '-i', `rtmp://127.0.0.1:${port}/live/x`, '-c', 'copy', '-f', 'flv', received],
      { reject: false, stdin: 'ignore' },
    );
    await new Promise((r) => setTimeout(r, 300));
    const events: RecordEvent[] = [];
    const live = startLiveStream({
      url: `rtmp://127.0.0.1:${port}/live/x`,
      audioSource: media,
      audioBitrate: 128000,
      workDir: work,
      tools,
      signal: undefined,
      onEvent: (e) => events.push(e),
    });
    live.sink.planned(span, segments);
    await new Promise((r) => setTimeout(r, 500));
    // Nothing is streamed before the first part is ready.
    expect(events.filter((e) => e.type === 'stage')).toEqual([]);
    const started = Date.now();
    live.sink.encoded(0, parts[0]!);
    // The second part comes 3 s late (the render fell behind the clock).
    await new Promise((r) => setTimeout(r, 5000));
    live.sink.encoded(1, parts[1]!);
    await expect(live.done).resolves.toEqual({ live: true, parts: 2, partStarts: [0, 2], resumedFrom: [] });
    expect(Date.now() - started).toBeGreaterThan(5000);
    expect(events.find((e) => e.type === 'stage')).toMatchObject({ stage: 'publish', message: expect.stringMatching(/live\/… as the render's 2 parts/) });
    await receiver;
    const { stdout } = await runProcess(tools.ffprobe, ['-v', 'error', '-show_entries', 'packet=codec_type,pts_time', '-of', 'csv=p=0', received], {
      label: 'ffprobe',
      failureCode: 'FFMPEG_FAILED',
      missingCode: 'FFMPEG_MISSING',
    });
    const packets = stdout
      .trim()
      .split('\n')
      .map((l) => l.split(','))
      .map(([type, t]) => ({ type, t: Number(t) }));
    const video = packets.filter((p) => p.type === 'video').map((p) => p.t);
    const audio = packets.filter((p) => p.type === 'audio').map((p) => p.t);
    // Every picture of both parts, 100 ms apart from 0 to 3.9 s: nothing skipped, no gap at the join.
    expect(video).toHaveLength(40);
    expect(video[0]).toBe(0);
    for (let i = 1; i < video.length; i++) expect(video[i]! - video[i - 1]!).toBeCloseTo(0.1, 2);
    // The sound: one frame every 21.3 ms from 0 (the priming frame left out), to the end.
    expect(audio[0]).toBe(0);
    for (let i = 1; i < audio.length; i++) expect(audio[i]! - audio[i - 1]!).toBeLessThanOrEqual(0.0225); // FLV times are whole ms
    expect(audio.at(-1)!).toBeGreaterThan(3.95);
  }, 60_000);

  it('retries a refusing server from the part it broke in, then fails with RTMP_FAILED, the key left out', async () => {
    const url = `rtmp://127.0.0.1:${await freePort()}/live/secret-key`;
    const events: RecordEvent[] = [];
    const live = startLiveStream({
      url,
      audioSource: media,
      audioBitrate: 128000,
      workDir: work,
      tools,
      signal: undefined,
      onEvent: (e) => events.push(e),
      retries: 2,
      retryDelayMs: 50,
    });
    live.sink.planned(span, segments);
    live.sink.encoded(0, parts[0]!);
    live.sink.encoded(1, parts[1]!);
    const error = await live.done.catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'RTMP_FAILED', exitCode: 54, message: expect.stringMatching(/failed 3 times in a row, furthest at 0\.0 s/) });
    const warnings = events.filter((e) => e.type === 'warning').map((e) => (e as { message: string }).message);
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/resuming from the part at 0\.0 s in 0\.1 s \(retry 1 of 2\)/);
    expect(JSON.stringify([error, (error as Error).message, events])).not.toContain('secret-key');
  }, 60_000);

  it('stopped while waiting for a part: its ffmpeg ends, the stream rejects with the reason', async () => {
    const port = await freePort();
    const receiver = execa(
      tools.ffmpeg,
      ['-hide_banner', '-loglevel', 'error', '-y', '-listen', '1', '-i', `rtmp://127.0.0.1:${port}/live/x`, '-c', 'copy', '-f', 'flv', path.join(work, 'stopped.flv')],
      { reject: false, stdin: 'ignore' },
    );
    await new Promise((r) => setTimeout(r, 300));
    const live = startLiveStream({
      url: `rtmp://127.0.0.1:${port}/live/x`,
      audioSource: media,
      audioBitrate: 128000,
      workDir: work,
      tools,
      signal: undefined,
      onEvent: () => undefined,
    });
    live.sink.planned(span, segments);
    live.sink.encoded(0, parts[0]!);
    await new Promise((r) => setTimeout(r, 1500));
    const reason = new CaptureError('FFMPEG_FAILED', 'the render failed');
    await live.stop(reason);
    await expect(live.done).rejects.toBe(reason);
    receiver.kill('SIGTERM');
    await receiver;
  }, 60_000);
});
