/**
 * Fixtures for the meter's tests: short synthetic recordings from the real generator, a clean
 * master of their webcams video to derive copies from, and the ffmpeg one-liners that make
 * scaled, padded, re-encoded, composed and deliberately broken copies.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { findFfmpeg, type FfmpegTools } from '../../../src/process/find-ffmpeg.js';
import { runProcess } from '../../../src/process/run-process.js';
import { generateRecording } from '../../../src/sample/generate-recording.js';
import type { SampleTruth, SampleVariant } from '../../../src/sample/sample-truth.js';

export const tools: FfmpegTools = findFfmpeg(undefined);

/** H.264 + AAC, fast: what the exporter writes. */
export const X264 = ['-c:v', 'libx264', '-preset', 'ultrafast', '-crf', '23', '-pix_fmt', 'yuv420p'];
export const AAC = ['-c:a', 'aac', '-b:a', '128k'];

const ffmpeg = (args: string[]) =>
  runProcess(tools.ffmpeg, ['-hide_banner', '-nostdin', '-loglevel', 'error', '-y', ...args], {
    label: 'ffmpeg (fixture)',
    failureCode: 'FFMPEG_FAILED',
    missingCode: 'FFMPEG_MISSING',
  });

/** A generated recording under `root`: its directory and truth. */
export async function makeSample(root: string, variant: SampleVariant, duration = 6, fps?: number): Promise<{ dir: string; truth: SampleTruth }> {
  const generated = await generateRecording({ root, variant, duration, ...(fps ? { fps } : {}), ffmpeg: tools });
  return { dir: generated.dir, truth: generated.truth };
}

/**
 * The webcams video as lossless H.264 + PCM in Matroska, both streams starting at exactly 0.
 * The WebM's Opus track starts at −7 ms (codec delay); ffmpeg would shift everything derived
 * from it by +7 ms. Keeping timestamps (-copyts) and trimming the audio to start at 0 instead
 * leaves copies with only the offsets their own filters add.
 */
export async function makeMaster(webm: string, output: string): Promise<string> {
  await ffmpeg(['-copyts', '-i', webm, '-af', 'aresample=first_pts=0', '-c:v', 'libx264', '-preset', 'ultrafast', '-qp', '0', '-pix_fmt', 'yuv420p', '-c:a', 'pcm_s16le', output]);
  return output;
}

/** Runs ffmpeg on `input` with the given filter/codec arguments, writing `output`. */
export async function ffmpegCopy(input: string, output: string, args: string[], inputArgs: string[] = []): Promise<string> {
  await ffmpeg([...inputArgs, '-i', input, ...args, output]);
  return output;
}

/**
 * A 1920×1080 frame like the player's: slides (from the truth's schedule) at the left, the
 * screen share over them while it runs, the webcams at the right, the meeting audio.
 */
export async function makePlayerLikeCopy(dir: string, truth: SampleTruth, webcams: string, output: string): Promise<string> {
  const slides = [...truth.slides].sort((a, b) => a.start - b.start);
  const lines: string[] = [];
  slides.forEach((slide, i) => {
    // While the screen share runs there is no slide entry; keep the previous slide underneath.
    const end = i + 1 < slides.length ? slides[i + 1]!.start : truth.duration;
    lines.push(`file '${path.join(dir, slide.file)}'`, `duration ${(end - slide.start).toFixed(6)}`);
  });
  lines.push(`file '${path.join(dir, slides.at(-1)!.file)}'`);
  const list = `${output}.slides.txt`;
  await writeFile(list, `${lines.join('\n')}\n`);
  const share = truth.screenshare!;
  const enable = share.intervals.map((i) => `between(t\\,${i.start}\\,${i.end - 0.0001})`).join('+');
  await ffmpeg([
    '-f',
    'concat',
    '-safe',
    '0',
    '-i',
    list,
    '-i',
    webcams,
    '-i',
    path.join(dir, share.file),
    '-filter_complex',
    '[0:v]fps=30,scale=1280:720:force_original_aspect_ratio=decrease,pad=1280:720:(ow-iw)/2:(oh-ih)/2:color=white,pad=1920:1080:20:180:color=0xf0f0f0[bg];' +
      '[1:v]fps=30,scale=560:420[cam];[2:v]fps=30,scale=1280:720[ds];' +
      `[bg][ds]overlay=20:180:enable='${enable}'[a];[a][cam]overlay=1340:180[v]`,
    '-map',
    '[v]',
    '-map',
    '1:a',
    '-t',
    String(truth.duration),
    ...X264,
    ...AAC,
    output,
  ]);
  return output;
}
