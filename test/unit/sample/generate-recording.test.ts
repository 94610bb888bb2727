/**
 * Generates real samples with ffmpeg and checks them the way a viewer (or the meter) would: the
 * files are where BBB puts them, media have the promised codecs, lengths and frame counts, decoded
 * frames carry the promised codes, tone bursts start on the promised samples, and the same options
 * give the same bytes.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCodes, type FoundCode } from '../../../src/frame-code/frame-code.js';
import type { Box } from '../../../src/frame-code/raster.js';
import { generateRecording, type GeneratedRecording } from '../../../src/sample/generate-recording.js';
import type { SampleTruth, SampleVariant } from '../../../src/sample/sample-truth.js';
import { SAMPLE_TRUTH_FILE } from '../../../src/sample/sample-truth.js';
import { decodeAudio, decodeFrames, decodePicture, hashTree, probe, tools } from './sample-media.js';

let scratch: string;
const made = new Map<string, GeneratedRecording>();

async function sample(variant: SampleVariant, duration: number, root = 'a'): Promise<GeneratedRecording> {
  const key = `${variant}/${duration}/${root}`;
  if (!made.has(key)) made.set(key, await generateRecording({ root: path.join(scratch, root), variant, duration, ffmpeg: tools }));
  return made.get(key)!;
}

beforeAll(async () => {
  scratch = await mkdtemp(path.join(os.tmpdir(), 'bbb-capture-sample-'));
});

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

/** The ring box of a code is the drawn panel, give or take compression blur. */
function expectBoxNear(actual: Box, expected: Box, tolerance = 3): void {
  for (const key of ['x', 'y', 'w', 'h'] as const) expect(Math.abs(actual[key] - expected[key]), `${key}: ${actual[key]} vs ${expected[key]}`).toBeLessThanOrEqual(tolerance);
}

const summary = (codes: FoundCode[]) => codes.map((c) => `${c.kind}:${c.channel}:${c.value}`);

describe('generateRecording: full', () => {
  let rec: GeneratedRecording;
  let truth: SampleTruth;
  beforeAll(async () => {
    rec = await sample('full', 6);
    truth = rec.truth;
  });

  it('lays the recording out as on a BBB server, with its truth file', async () => {
    expect(rec.recordId).toMatch(/^[a-z0-9]{40}-[0-9]{13}$/);
    expect(path.basename(rec.dir)).toBe(rec.recordId);
    const pres = `presentation/${truth.presentationId}`;
    for (const file of [
      'metadata.xml',
      'shapes.svg',
      'panzooms.xml',
      'cursor.xml',
      'slides_new.xml',
      'deskshare.xml',
      'captions.json',
      'caption_en.vtt',
      'polls.json',
      'video/webcams.webm',
      'deskshare/deskshare.webm',
      'presentation/deskshare.png',
      'presentation/logo.png',
      `${pres}/slide-1.png`,
      `${pres}/slide-4.png`,
      `${pres}/thumbnails/thumb-1.png`,
      `${pres}/thumbnails/thumb-4.png`,
      SAMPLE_TRUTH_FILE,
    ]) {
      expect(existsSync(path.join(rec.dir, file)), file).toBe(true);
    }
    expect(existsSync(path.join(rec.dir, 'tldraw.json'))).toBe(false);
    const written = JSON.parse(await readFile(path.join(rec.dir, SAMPLE_TRUTH_FILE), 'utf8')) as SampleTruth;
    expect(written).toEqual(truth);
    // Nothing half-written is left beside it, and a web server may read it.
    expect(await readdir(path.dirname(rec.dir))).toEqual([rec.recordId]);
    expect((await stat(rec.dir)).mode & 0o777).toBe(0o755);
  });

  it('gives byte-identical files for the same options', async () => {
    const again = await sample('full', 6, 'b');
    expect(again.recordId).toBe(rec.recordId);
    const [a, b] = await Promise.all([hashTree(rec.dir), hashTree(again.dir)]);
    expect(Object.keys(a).length).toBeGreaterThan(20);
    expect(b).toEqual(a);
  });

  it('encodes the webcams as VP8 640x480 at 30 fps with stereo Opus, exactly as long as promised', async () => {
    const info = await probe(path.join(rec.dir, 'video/webcams.webm'));
    const video = info.streams.find((s) => s.codec_type === 'video')!;
    const audio = info.streams.find((s) => s.codec_type === 'audio')!;
    expect(info.format.format_name).toContain('webm');
    expect(video).toMatchObject({ codec_name: 'vp8', width: 640, height: 480, r_frame_rate: '30/1', nb_read_frames: '180' });
    expect(audio).toMatchObject({ codec_name: 'opus', sample_rate: '48000', channels: 2 });
    expect(Number(info.format.duration)).toBeCloseTo(6, 1);
    expect(truth.webcams).toMatchObject({ fps: 30, frameCount: 180, width: 640, height: 480 });
  });

  it('carries camera code n in webcam frame n, where the truth says', async () => {
    const indices = [0, 1, 2, 59, 90, 178, 179];
    const frames = await decodeFrames(path.join(rec.dir, 'video/webcams.webm'), 640, 480, indices);
    expect(frames).toHaveLength(indices.length);
    const interval = truth.webcams!.cameras[0]!.intervals[0]!;
    frames.forEach((frame, i) => {
      const codes = readCodes(frame);
      expect(summary(codes)).toEqual([`camera:0:${indices[i]}`]);
      expectBoxNear(codes[0]!.box, interval.codeBox!);
    });
  });

  it('starts every tone burst on its exact sample, with silence around it', async () => {
    const { left, right } = await decodeAudio(path.join(rec.dir, 'video/webcams.webm'));
    expect(left.length).toBe(6 * 48_000);
    expect(truth.tones.times).toEqual([0.5, 2.5, 4.5]);
    const loud = 0.25 * 32768;
    for (const time of truth.tones.times) {
      const start = Math.round(time * 48_000);
      for (const channel of [left, right]) {
        let onset = -1;
        for (let i = start - 2400; i < start + 2400; i++) {
          if (Math.abs(channel[i]!) > loud) {
            onset = i;
            break;
          }
        }
        expect(onset, `burst at ${time} s`).toBe(start);
        let end = -1;
        for (let i = start + 4800; i > start; i--) {
          if (Math.abs(channel[i]!) > loud) {
            end = i;
            break;
          }
        }
        expect(Math.abs(end - (start + 2159))).toBeLessThanOrEqual(2);
        let quiet = 0;
        for (let i = start + 0.3 * 48_000; i < start + 1.5 * 48_000; i++) quiet = Math.max(quiet, Math.abs(channel[i]!));
        expect(quiet).toBeLessThan(100);
      }
    }
  });

  it('keeps the deskshare video black except during the share, where frame m carries code m', async () => {
    const share = truth.screenshare!;
    const file = path.join(rec.dir, share.file);
    const info = await probe(file);
    expect(info.streams).toHaveLength(1);
    expect(info.streams[0]).toMatchObject({ codec_name: 'vp8', width: 1280, height: 720, r_frame_rate: '15/1', nb_read_frames: '90' });
    const first = Math.round(share.intervals[0]!.start * 15);
    const last = Math.round(share.intervals[0]!.end * 15) - 1;
    const indices = [0, first - 1, first, last, last + 1, 89];
    const frames = await decodeFrames(file, 1280, 720, indices);
    frames.forEach((frame, i) => {
      const m = indices[i]!;
      const inside = m >= first && m <= last;
      const codes = readCodes(frame);
      if (inside) {
        expect(summary(codes)).toEqual([`screenshare:0:${m}`]);
        expectBoxNear(codes[0]!.box, share.codeBox!);
      } else {
        expect(codes).toEqual([]);
        expect(Math.max(...frame.data.subarray(0, 100_000))).toBeLessThan(24);
      }
    });
  });

  it('draws slide N with slide code N in the top-left quarter, readable at 700 px and in thumbnails', async () => {
    const pres = path.join(rec.dir, 'presentation', truth.presentationId!);
    for (let n = 1; n <= 4; n++) {
      const thumb = await decodePicture(path.join(pres, 'thumbnails', `thumb-${n}.png`), 150);
      expect(summary(readCodes(thumb))).toEqual([`slide:0:${n}`]);
    }
    const full = await decodePicture(path.join(pres, 'slide-3.png'), 1600);
    expect(full.height).toBe(1200);
    const codes = readCodes(full);
    expect(summary(codes)).toEqual(['slide:0:3']);
    expectBoxNear(codes[0]!.box, truth.slidePicture!.codeBox, 0);
    expect(summary(readCodes(await decodePicture(path.join(pres, 'slide-2.png'), 700)))).toEqual(['slide:0:2']);
    // BBB's placeholder pictures carry no code.
    expect(readCodes(await decodePicture(path.join(rec.dir, 'presentation/deskshare.png'), 1280))).toEqual([]);
    expect(readCodes(await decodePicture(path.join(rec.dir, 'presentation/logo.png'), 800))).toEqual([]);
  });
});

describe('generateRecording: fourcams', () => {
  it('composites the cameras in BBB grids that change as cameras join and leave', async () => {
    const rec = await sample('fourcams', 8);
    const { webcams } = rec.truth;
    const fps = webcams!.fps;
    // The first and last frame of every stretch with the same cameras.
    const cuts = [...new Set(webcams!.cameras.flatMap((c) => c.intervals.flatMap((i) => [i.start, i.end])))].sort((a, b) => a - b);
    const indices = [...new Set(cuts.flatMap((t) => [Math.round(t * fps) - 1, Math.round(t * fps)]))].filter((n) => n >= 0 && n < webcams!.frameCount).sort((a, b) => a - b);
    const frames = await decodeFrames(path.join(rec.dir, 'video/webcams.webm'), 640, 480, indices);
    expect(frames).toHaveLength(indices.length);
    frames.forEach((frame, i) => {
      const n = indices[i]!;
      const t = n / fps;
      const expected = webcams!.cameras.flatMap((c) => c.intervals.filter((iv) => t >= iv.start && t < iv.end).map((iv) => ({ channel: c.channel, iv })));
      const codes = readCodes(frame);
      expect(
        codes.map((c) => c.value),
        `frame ${n}`,
      ).toEqual(codes.map(() => n));
      expect(codes.map((c) => c.channel).sort(), `frame ${n}`).toEqual(expected.map((e) => e.channel).sort());
      for (const { channel, iv } of expected) {
        const code = codes.find((c) => c.channel === channel)!;
        expectBoxNear(code.box, iv.codeBox!);
        // The camera's picture sits in its box; around a composite is white.
        const color = rec.truth.webcams!.cameras.find((c) => c.channel === channel)!.color!;
        const pixel = frame.pixel(iv.box.x + 6, iv.box.y + 6);
        expect(Math.max(...color.map((v, k) => Math.abs(v - pixel[k]!))), `frame ${n} camera ${channel} colour ${pixel.join(',')}`).toBeLessThan(32);
      }
      if (expected.length === 2) expect(frame.pixel(320, 20).every((v) => v > 235)).toBe(true);
    });
  });
});

describe('generateRecording: audioonly', () => {
  it('writes audio/audio.webm (Opus) and no video nor deskshare', async () => {
    const rec = await sample('audioonly', 4);
    expect(existsSync(path.join(rec.dir, 'video'))).toBe(false);
    expect(existsSync(path.join(rec.dir, 'deskshare'))).toBe(false);
    expect(existsSync(path.join(rec.dir, 'deskshare.xml'))).toBe(false);
    const info = await probe(path.join(rec.dir, 'audio/audio.webm'));
    expect(info.streams).toHaveLength(1);
    expect(info.streams[0]).toMatchObject({ codec_name: 'opus', sample_rate: '48000', channels: 2 });
    const { left } = await decodeAudio(path.join(rec.dir, 'audio/audio.webm'));
    expect(left.length).toBe(4 * 48_000);
    expect(Math.abs(left[24_000]!)).toBeGreaterThan(0.25 * 32768);
    expect(Math.abs(left[23_990]!)).toBeLessThan(0.25 * 32768);
    expect(rec.truth.webcams).toBeUndefined();
    expect(rec.truth.audio?.file).toBe('audio/audio.webm');
  });
});

describe('generateRecording: tldraw', () => {
  it('writes tldraw.json and SVG slides that carry the slide code', async () => {
    const rec = await sample('tldraw', 4);
    expect(existsSync(path.join(rec.dir, 'tldraw.json'))).toBe(true);
    const pres = path.join(rec.dir, 'presentation', rec.truth.presentationId!);
    for (const n of [1, 3]) {
      const svg = await decodePicture(path.join(pres, 'svgs', `slide${n}.svg`), 1600);
      expect(summary(readCodes(svg))).toEqual([`slide:0:${n}`]);
      expectBoxNear(readCodes(svg)[0]!.box, rec.truth.slidePicture!.codeBox, 0);
    }
    expect(rec.truth.slides.every((s) => s.file.includes('/svgs/'))).toBe(true);
  });
});

describe('generateRecording: stopping', () => {
  it('stops on abort and leaves nothing behind', async () => {
    const root = path.join(scratch, 'aborted');
    const controller = new AbortController();
    const run = generateRecording({
      root,
      variant: 'full',
      duration: 120,
      ffmpeg: tools,
      signal: controller.signal,
      onProgress: ({ stage }) => {
        if (stage === 'webcams') controller.abort();
      },
    });
    await expect(run).rejects.toMatchObject({ code: 'ABORTED' });
    expect(await readdir(root)).toEqual([]);
  });
});
