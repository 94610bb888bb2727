/**
 * Composed layouts (`presenters`, `custom`): one playback of the recording, captured by an engine
 * with the page laid out so the content area is exactly the size it is shown at, then one ffmpeg
 * run draws the frame: background, that capture in its box, and camera tiles cropped from the
 * recording's own webcams video, switching on the frames where the composite changes.
 */
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { abortError, toCaptureError } from '../errors.js';
import type { Box } from '../frame-code/raster.js';
import { buildComposeArgs, presenterTracks, toOutputTime } from '../layout/build-compose-args.js';
import type { CameraInterval } from '../layout/detect-camera-tiles.js';
import { findCameraIntervals, type CameraIntervals } from '../layout/find-camera-intervals.js';
import { presentersLayout, type LayoutSpec } from '../layout/layout-spec.js';
import { trackPresenters, type PresenterInterval } from '../layout/track-presenters.js';
import { runProcess } from '../process/run-process.js';
import { fetchRecordingInfo } from '../recording/fetch-recording-info.js';
import { parsePlaybackUrl } from '../recording/parse-playback-url.js';
import { downloadFile } from '../render/fetch-recording-files.js';
import { verifyOutput } from '../verify/verify-output.js';
import { durableRename } from './durable-rename.js';
import type { RecordOptions } from './record-options.js';
import type { RecordResult } from './record-recording.js';
import type { RenderResult } from '../render/render-recording.js';

/** A layout drawn by composition: the presenters preset, or a validated --layout-file. */
export type ComposedLayout = { kind: 'presenters' } | { kind: 'custom'; spec: LayoutSpec };

export interface ComposeOptions {
  layout: ComposedLayout;
  /** Also write the content, the webcam area and each presenter as separate files on the same timeline. */
  split: boolean;
}

/** What the one playback (either engine) reports. */
export type EngineResult = RecordResult | RenderResult;

/** What a composed capture reports besides the engine's result. */
export type ComposedResult = EngineResult & {
  layout: { spec: LayoutSpec; cameraIntervals: Array<CameraInterval & { presenters?: number[] }> };
  /** --split files: the content, the webcam area and one per presenter when the recording has cameras. */
  split: { content: string; webcams: string | null; presenters: Array<{ presenter: number; file: string }> } | null;
};

// Output frame rate of composed files when --fps is not given: the player's own paint rate.
const DEFAULT_FPS = 30;
// When a layout file has no content region, the capture is still made (it carries the sound and
// the timeline) at a small size.
const HIDDEN_CONTENT = { w: 640, h: 360 };

/** `<dir>/<name>.<part>.<ext>` beside the output. */
export function splitName(output: string, part: string): string {
  const ext = path.extname(output);
  return path.join(path.dirname(output), `${path.basename(output, ext)}.${part}${ext}`);
}

/** Records with a composed layout, using `engine` (capture or render) for the one playback. */
export async function recordComposed(options: RecordOptions, compose: ComposeOptions, engine: (options: RecordOptions) => Promise<EngineResult>): Promise<ComposedResult> {
  const wallStart = Date.now();
  const emit = options.onEvent;
  const target = parsePlaybackUrl(options.url);
  const recording = await fetchRecordingInfo(target, { signal: options.signal });
  const outDir = path.dirname(path.resolve(options.output));
  const workDir = await mkdtemp(path.join(outDir, '.bbb-capture-layout-'));
  const partials: string[] = [];
  try {
    let cameras: CameraIntervals | null = null;
    let webcamsFile: string | null = null;
    if (recording.media === 'video') {
      emit({ type: 'stage', stage: 'metadata', message: 'finding the camera tiles in the webcams video' });
      webcamsFile = path.join(workDir, `webcams${path.extname(new URL(recording.mediaUrl).pathname) || '.webm'}`);
      await downloadFile(recording.mediaUrl, webcamsFile, options.signal);
      cameras = await findCameraIntervals(webcamsFile, { tools: options.tools, signal: options.signal });
    }
    const hasCameras = cameras?.intervals.some((i) => i.tiles.length > 0) ?? false;
    if (compose.layout.kind === 'presenters' && recording.media === 'audio') {
      emit({ type: 'warning', message: 'an audio-only recording has no cameras: recording the content layout instead of presenters' });
    }
    const spec = compose.layout.kind === 'custom' ? compose.layout.spec : presentersLayout(options.width, options.height, hasCameras);
    const content = spec.regions.find((r) => r.source.kind === 'content');
    // With nothing to compose (presenters without cameras, and no --split), the content capture is the output.
    const onlyContent = compose.layout.kind === 'presenters' && !hasCameras && !(compose.split && webcamsFile);
    const contentFile = onlyContent ? options.output : path.join(workDir, `content.${options.format}`);
    const captured = await engine({
      ...options,
      layout: 'content',
      width: content?.box.w ?? HIDDEN_CONTENT.w,
      height: content?.box.h ?? HIDDEN_CONTENT.h,
      output: contentFile,
      verify: onlyContent ? options.verify : false,
      // The composition reports its own end.
      onEvent: (event) => {
        if (!(event.type === 'stage' && event.stage === 'done') || onlyContent) emit(event);
      },
    });
    if (onlyContent) return { ...captured, layout: { spec, cameraIntervals: cameras?.intervals ?? [] }, split: null, wallMs: Date.now() - wallStart };

    const fps = options.fps ?? DEFAULT_FPS;
    const output = path.resolve(options.output);
    const partial = path.join(outDir, `.${path.basename(output)}.partial`);
    const partialOf = (file: string) => path.join(outDir, `.${path.basename(file)}.partial`);
    const webcamsOutput = compose.split && webcamsFile ? splitName(output, 'webcams') : undefined;
    const webcamsPartial = webcamsOutput ? partialOf(webcamsOutput) : undefined;
    // --split: who is who across joins and leaves, then one file per presenter.
    let intervals = cameras ? toOutputTime(cameras.intervals, captured.from, captured.duration) : [];
    let presenterOutputs: Array<{ presenter: number; output: string; file: string; intervals: Array<{ start: number; end: number; tile: Box }> }> = [];
    if (compose.split && webcamsFile && cameras && hasCameras) {
      emit({ type: 'stage', stage: 'metadata', message: 'following each presenter across camera joins and leaves' });
      const tracked = await trackPresenters(webcamsFile, cameras, { tools: options.tools, signal: options.signal });
      cameras.intervals = tracked;
      intervals = toOutputTime(tracked, captured.from, captured.duration);
      presenterOutputs = [...presenterTracks(intervals as PresenterInterval[]).entries()].map(([presenter, track]) => {
        const file = splitName(output, `presenter-${presenter}`);
        return { presenter, output: file, file: partialOf(file), intervals: track };
      });
    }
    partials.push(partial, ...(webcamsPartial ? [webcamsPartial] : []), ...presenterOutputs.map((p) => p.file));
    emit({ type: 'stage', stage: 'mux', message: `composing ${spec.width}x${spec.height}` });
    const args = buildComposeArgs({
      content: contentFile,
      webcams: webcamsFile && cameras ? { file: webcamsFile, width: cameras.width, height: cameras.height, fps: cameras.fps } : undefined,
      from: captured.from,
      spec,
      intervals,
      duration: captured.duration,
      fps,
      format: options.format,
      crf: 20,
      output: partial,
      webcamsOutput: webcamsPartial,
      presenterOutputs,
    });
    await runProcess(options.tools.ffmpeg, args, { signal: options.signal, label: 'ffmpeg (compose)', failureCode: 'FFMPEG_FAILED', missingCode: 'FFMPEG_MISSING' });
    if (options.verify) {
      emit({ type: 'stage', stage: 'verify', message: 'checking the result' });
      // A presenter's file is black until the presenter's camera comes on.
      const checks = [{ file: partial, black: undefined }, ...(webcamsPartial ? [{ file: webcamsPartial, black: undefined }] : []), ...presenterOutputs.map((p) => ({ file: p.file, black: (p.intervals[0]?.start ?? 0) + 0.1 }))];
      for (const { file, black } of checks) {
        await verifyOutput({ video: file, expectedDuration: captured.duration, expectAudio: true, tools: options.tools, signal: options.signal, maxLeadingBlack: black });
      }
    }
    let split: ComposedResult['split'] = null;
    if (compose.split) {
      const contentOutput = splitName(output, 'content');
      // The content capture is already the content file: aligned, cut and muxed. Copied under
      // its partial name too, so the final name never holds half a copy.
      const contentPartial = partialOf(contentOutput);
      partials.push(contentPartial);
      await copyFile(contentFile, contentPartial);
      await durableRename(contentPartial, contentOutput);
      if (webcamsPartial && webcamsOutput) await durableRename(webcamsPartial, webcamsOutput);
      for (const p of presenterOutputs) await durableRename(p.file, p.output);
      split = { content: contentOutput, webcams: webcamsOutput ?? null, presenters: presenterOutputs.map((p) => ({ presenter: p.presenter, file: p.output })) };
    }
    await durableRename(partial, output);
    emit({ type: 'stage', stage: 'done', message: `wrote ${options.output}` });
    return { ...captured, output: options.output, layout: { spec, cameraIntervals: cameras?.intervals ?? [] }, split, wallMs: Date.now() - wallStart };
  } catch (error) {
    if (options.signal?.aborted) throw abortError(options.signal);
    throw toCaptureError(error);
  } finally {
    await Promise.all(partials.map((p) => rm(p, { force: true }).catch(() => undefined)));
    if (!options.keepTemp) await rm(workDir, { recursive: true, force: true }).catch(() => undefined);
    else emit({ type: 'log', source: 'ffmpeg', line: `kept work files in ${workDir}` });
  }
}
