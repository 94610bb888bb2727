/**
 * The job's media-length check on real files: a WebM (VP8 + Opus, as BBB's webcams.webm) whole,
 * and the same cut in half, which keeps its header's full duration.
 */
import { copyFile, mkdtemp, rm, stat, truncate } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaptureError } from '../../../src/errors.js';
import { checkMediaLength } from '../../../src/job/check-media-length.js';
import { findMediaTruncation } from '../../../src/job/find-media-truncation.js';
import { findFfmpeg } from '../../../src/process/find-ffmpeg.js';
import { runProcess } from '../../../src/process/run-process.js';
import type { OpenedRecording } from '../../../src/recording/open-recording.js';
import { probeMediaEnd } from '../../../src/recording/probe-media-end.js';

const tools = findFfmpeg(process.env.BBB_CAPTURE_FFMPEG);
let dir: string;
let whole: string;
let cut: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'bbb-capture-media-length-'));
  whole = path.join(dir, 'webcams.webm');
  cut = path.join(dir, 'cut.webm');
  // 4 s of a moving test picture and a tone, written to a file (so the header has its duration).
  await runProcess(
    tools.ffmpeg,
    [
      ...['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=15:duration=4', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=4'],
      ...['-c:v', 'libvpx', '-b:v', '300k', '-c:a', 'libopus', '-shortest', whole],
    ],
    { label: 'ffmpeg', failureCode: 'FFMPEG_FAILED', missingCode: 'FFMPEG_MISSING' },
  );
  await copyFile(whole, cut);
  await truncate(cut, Math.floor((await stat(whole)).size / 2));
}, 60_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const recording = (media: string, duration: number) =>
  ({ info: { duration, mediaUrl: 'https://bbb.example/presentation/x/video/webcams.webm' }, files: { media } }) as unknown as OpenedRecording;

describe('probeMediaEnd', () => {
  it('reads where the packets end and what the header claims', async () => {
    const full = await probeMediaEnd(whole, tools, undefined);
    expect(full.end).toBeGreaterThan(3.9);
    expect(full.header).toBeGreaterThan(3.9);
    const half = await probeMediaEnd(cut, tools, undefined);
    expect(half.end).toBeGreaterThan(1);
    expect(half.end).toBeLessThan(3);
    // The header was written for the whole file.
    expect(half.header).toBeGreaterThan(3.9);
  });
});

describe('findMediaTruncation', () => {
  it('lets media end a few frames early, not seconds', () => {
    expect(findMediaTruncation({ end: 3.96, header: 4 }, 4)).toBeNull();
    expect(findMediaTruncation({ end: 3.2, header: 4 }, 4)).toBeNull();
    expect(findMediaTruncation({ end: 2, header: 4 }, 4)).toMatch(/ends at 2\.0 s but the recording runs to 4\.0 s \(the file's own header says 4\.0 s: it was cut short\)/);
    // 1 % of two hours is 72 s.
    expect(findMediaTruncation({ end: 7150, header: 7150 }, 7200)).toBeNull();
    expect(findMediaTruncation({ end: 7000, header: 7000 }, 7200)).toMatch(/ends at 7000\.0 s/);
  });
  it('asks only for the exported range', () => {
    expect(findMediaTruncation({ end: 2, header: 4 }, 2.5)).toBeNull();
  });
});

describe('checkMediaLength', () => {
  const base = { to: undefined, tools, signal: undefined };
  it('passes whole media', async () => {
    const warnings: string[] = [];
    await checkMediaLength(recording(whole, 4), { ...base, allow: false, onWarning: (m) => warnings.push(m) });
    expect(warnings).toEqual([]);
  });
  it('fails media cut in half with MEDIA_TRUNCATED, permanent', async () => {
    const error = await checkMediaLength(recording(cut, 4), { ...base, allow: false, onWarning: () => undefined }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CaptureError);
    expect((error as CaptureError).code).toBe('MEDIA_TRUNCATED');
    expect((error as CaptureError).transient).toBe(false);
    expect((error as CaptureError).message).toMatch(/webcams\.webm: its media ends at 1\.\d s but the recording runs to 4\.0 s .*--allow-truncated-media/);
  });
  it('passes it with a warning when allowed', async () => {
    const warnings: string[] = [];
    await checkMediaLength(recording(cut, 4), { ...base, allow: true, onWarning: (m) => warnings.push(m) });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^--allow-truncated-media: exporting anyway; .*ends at 1\.\d s/);
  });
  it('passes a cut file when only its first part is exported', async () => {
    await checkMediaLength(recording(cut, 4), { ...base, to: 1, allow: false, onWarning: () => undefined });
  });
});
