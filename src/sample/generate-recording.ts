/**
 * Writes one complete synthetic BBB "presentation" recording, laid out as on a BBB server
 * (`<root>/<recordId>/…`), plus the ground truth the meter checks exports against
 * (`bbb-capture-sample.json`). Same options, same bytes.
 *
 * Frames are drawn in Node and streamed to ffmpeg; nothing is held in memory beyond two frames and
 * nothing but the final files is written. The recording is assembled in a hidden sibling directory
 * and renamed into place at the end, so an interrupted run never leaves a half recording under the
 * real name.
 */
import { chmod, mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CaptureError, throwIfAborted, toCaptureError } from '../errors.js';
import { runProcess } from '../process/run-process.js';
import type { Raster } from '../frame-code/raster.js';
import { drawDeskshareFrame, drawDesksharePlaceholder, drawLogo, drawSlide, drawWebcamFrame } from './draw-sample-pictures.js';
import { DESKSHARE_FPS, DESKSHARE_HEIGHT, DESKSHARE_WIDTH, planSample, SLIDE_HEIGHT, SLIDE_WIDTH, type SamplePlan } from './plan-sample.js';
import { recordingDocuments } from './recording-documents.js';
import { audioEncodeArgs, deskshareEncodeArgs, pngEncodeArgs, webcamsEncodeArgs } from './sample-encode-args.js';
import { resolveSampleOptions, type ResolvedSampleOptions, type SampleOptions } from './sample-options.js';
import { AUDIO_ONLY_FILE, DESKSHARE_FILE, sampleTruthFromPlan, WEBCAMS_FILE } from './sample-truth-from-plan.js';
import { SAMPLE_TRUTH_FILE, type SampleTruth } from './sample-truth.js';
import { streamRawVideo } from '../process/stream-raw-video.js';

/** Size of slide thumbnails (thumbnails/thumb-N.png), as the player's thumbnail strip shows them. */
export const THUMBNAIL_WIDTH = 150;
export const THUMBNAIL_HEIGHT = 112;

/** What generateRecording made. */
export interface GeneratedRecording {
  recordId: string;
  /** `<root>/<recordId>`. */
  dir: string;
  truth: SampleTruth;
}

/** Generates the recording described by `options` and returns where it is. */
export async function generateRecording(options: SampleOptions): Promise<GeneratedRecording> {
  const resolved = resolveSampleOptions(options);
  const plan = planSample(resolved);
  const truth = sampleTruthFromPlan(plan);
  const finalDir = path.join(resolved.root, plan.recordId);
  await mkdir(resolved.root, { recursive: true }).catch((error: unknown) => {
    throw toCaptureError(error);
  });
  // Hidden and unique: two runs never share it, and a server listing recordings skips it.
  const workDir = await mkdtemp(path.join(resolved.root, `.${plan.recordId}.partial-`)).catch((error: unknown) => {
    throw toCaptureError(error);
  });
  try {
    // mkdtemp makes it private; a published recording is readable by the web server.
    await chmod(workDir, 0o755);
    resolved.onProgress({ stage: 'documents', fraction: 0 });
    for (const document of recordingDocuments(plan)) await writeText(workDir, document.path, document.content);

    await writePictures(resolved, plan, workDir);
    await writeMedia(resolved, plan, workDir);

    await writeText(workDir, SAMPLE_TRUTH_FILE, `${JSON.stringify(truth, null, 2)}\n`);
    throwIfAborted(resolved.signal);
    await rm(finalDir, { recursive: true, force: true });
    await rename(workDir, finalDir);
    resolved.onProgress({ stage: 'done', fraction: 1 });
    return { recordId: plan.recordId, dir: finalDir, truth };
  } catch (error) {
    await rm(workDir, { recursive: true, force: true }).catch(() => undefined);
    throw resolved.signal?.aborted ? new CaptureError('ABORTED', 'stopped by the user', { cause: error }) : toCaptureError(error);
  }
}

async function writeText(dir: string, relative: string, content: string): Promise<void> {
  const file = path.join(dir, relative);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, content);
}

/** Slides (PNG and thumbnails), presentation/deskshare.png and presentation/logo.png. */
async function writePictures(options: ResolvedSampleOptions, plan: SamplePlan, dir: string): Promise<void> {
  const { ffmpeg, signal } = options;
  const pres = path.join(dir, 'presentation', plan.presentationId);
  await mkdir(path.join(pres, 'thumbnails'), { recursive: true });
  options.onProgress({ stage: 'slides', fraction: 0 });
  // BBB 3.0 still publishes PNG slides and thumbnails beside the SVGs; the player uses thumbnails.
  await streamRawVideo({
    ffmpeg: ffmpeg.ffmpeg,
    args: pngEncodeArgs({
      width: SLIDE_WIDTH,
      height: SLIDE_HEIGHT,
      frameCount: plan.slideCount,
      output: path.join(pres, 'slide-%d.png'),
      thumbnails: { output: path.join(pres, 'thumbnails', 'thumb-%d.png'), width: THUMBNAIL_WIDTH, height: THUMBNAIL_HEIGHT },
    }),
    width: SLIDE_WIDTH,
    height: SLIDE_HEIGHT,
    frameCount: plan.slideCount,
    draw: (raster, i) => drawSlide(raster, i + 1, plan.slideCount),
    signal,
    label: 'ffmpeg (slides)',
  });
  const single = (file: string, width: number, height: number, draw: (raster: Raster) => void) =>
    streamRawVideo({
      ffmpeg: ffmpeg.ffmpeg,
      args: pngEncodeArgs({ width, height, frameCount: 1, output: path.join(dir, 'presentation', file) }),
      width,
      height,
      frameCount: 1,
      draw,
      signal,
      label: `ffmpeg (${file})`,
    });
  await single('deskshare.png', DESKSHARE_WIDTH, DESKSHARE_HEIGHT, drawDesksharePlaceholder);
  await single('logo.png', 800, 600, drawLogo);
  options.onProgress({ stage: 'slides', fraction: 1 });
}

/** The webcams video (or audio-only file) and the deskshare video, encoded side by side. */
async function writeMedia(options: ResolvedSampleOptions, plan: SamplePlan, dir: string): Promise<void> {
  const { ffmpeg } = options;
  // One failing encoder stops the other.
  const controller = new AbortController();
  const stopOnOuterAbort = () => controller.abort(options.signal?.reason);
  options.signal?.addEventListener('abort', stopOnOuterAbort, { once: true });
  if (options.signal?.aborted) controller.abort(options.signal.reason);
  const signal = controller.signal;
  const { webcams, audio, screenshare } = plan;
  // Directories first: once the encoders start, nothing may await before their outcomes are watched.
  const outputs = [webcams ? WEBCAMS_FILE : AUDIO_ONLY_FILE, ...(screenshare ? [DESKSHARE_FILE] : [])];
  for (const output of outputs) await mkdir(path.dirname(path.join(dir, output)), { recursive: true });
  const jobs: Array<Promise<void>> = [];

  if (webcams) {
    const output = path.join(dir, WEBCAMS_FILE);
    let segment = 0;
    jobs.push(
      streamRawVideo({
        ffmpeg: ffmpeg.ffmpeg,
        args: webcamsEncodeArgs({
          output,
          width: webcams.width,
          height: webcams.height,
          fps: webcams.fps,
          tone: audio.tone,
          channels: audio.channels,
          totalSamples: audio.totalSamples,
        }),
        width: webcams.width,
        height: webcams.height,
        frameCount: webcams.frameCount,
        draw: (raster, n) => {
          while (n >= webcams.segments[segment]!.endFrame) segment++;
          drawWebcamFrame(raster, webcams.segments[segment]!, n, webcams.fps);
        },
        signal,
        onProgress: (fraction) => options.onProgress({ stage: 'webcams', fraction }),
        label: 'ffmpeg (webcams)',
      }),
    );
  } else {
    const output = path.join(dir, AUDIO_ONLY_FILE);
    options.onProgress({ stage: 'audio', fraction: 0 });
    jobs.push(
      runProcess(ffmpeg.ffmpeg, audioEncodeArgs({ output, tone: audio.tone, channels: audio.channels, totalSamples: audio.totalSamples }), {
        signal,
        label: 'ffmpeg (audio)',
        failureCode: 'FFMPEG_FAILED',
        missingCode: 'FFMPEG_MISSING',
      }).then(() => options.onProgress({ stage: 'audio', fraction: 1 })),
    );
  }

  if (screenshare) {
    const output = path.join(dir, DESKSHARE_FILE);
    jobs.push(
      streamRawVideo({
        ffmpeg: ffmpeg.ffmpeg,
        args: deskshareEncodeArgs({
          output,
          width: DESKSHARE_WIDTH,
          height: DESKSHARE_HEIGHT,
          fps: DESKSHARE_FPS,
          blackBefore: screenshare.startFrame,
          blackAfter: screenshare.frameCount - screenshare.endFrame,
        }),
        width: DESKSHARE_WIDTH,
        height: DESKSHARE_HEIGHT,
        frameCount: screenshare.endFrame - screenshare.startFrame,
        draw: (raster, i) => drawDeskshareFrame(raster, screenshare.startFrame + i, DESKSHARE_FPS),
        signal,
        onProgress: (fraction) => options.onProgress({ stage: 'deskshare', fraction }),
        label: 'ffmpeg (deskshare)',
      }),
    );
  }

  try {
    const results = await Promise.allSettled(
      jobs.map((job) =>
        job.catch((error: unknown) => {
          controller.abort(error);
          throw error;
        }),
      ),
    );
    const failures = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
    // Report the failure that started it, not the ABORTED of the encoder we stopped because of it.
    const first = failures.find((f) => !(f instanceof CaptureError && f.code === 'ABORTED')) ?? failures[0];
    if (first !== undefined) throw first;
  } finally {
    options.signal?.removeEventListener('abort', stopOnOuterAbort);
  }
}
