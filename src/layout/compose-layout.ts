/**
 * Composed layouts (`presenters`, `custom`) around whichever engine runs: before it, the camera
 * tiles are found in the recording's own webcams video and the layout decides how large the
 * content area is (the engine lays the page out at exactly that size, so text stays sharp);
 * after it, one ffmpeg run draws the frame: background, the engine's content video in its box,
 * and camera tiles cropped from the webcams video, switching on the frames where BBB's composite
 * changes. With --split the same run writes the webcam area and one file per presenter.
 */
import { copyFile, writeFile } from 'node:fs/promises';
import { frameListFile } from '../compose/build-composite-args.js';
import { CLOCK_PICTURE } from '../compose/video-layers.js';
import { probeVideoPackets } from '../mux/probe-video-packets.js';
import path from 'node:path';
import type { Box } from '../frame-code/raster.js';
import type { ComposeOptions } from './compose-options.js';
import type { RecordEvent } from '../progress/record-event.js';
import type { OpenedRecording } from '../recording/open-recording.js';
import type { FfmpegTools } from '../process/find-ffmpeg.js';
import { runProcess } from '../process/run-process.js';
import type { OutputFormat } from '../compose/output-format.js';
import { buildComposeArgs, presenterTracks, toOutputTime } from './build-compose-args.js';
import type { CameraInterval } from './detect-camera-tiles.js';
import { findCameraIntervals, type CameraIntervals } from './find-camera-intervals.js';
import { presentersLayout, type LayoutSpec } from './layout-spec.js';
import { trackPresenters, type PresenterInterval } from './track-presenters.js';

/** What was decided before the engine runs. */
export interface LayoutPlan {
  spec: LayoutSpec;
  cameras: CameraIntervals | null;
  /** The size the engine renders the content area at. */
  content: { width: number; height: number };
  /** Nothing to compose (presenters without cameras, no --split): the engine's output is the output. */
  onlyContent: boolean;
}

/** A file the composition wrote, to be verified and given its final name by the job. */
export interface ComposedFile {
  /** Final path. */
  file: string;
  /** Where it was written. */
  partial: string;
  /** A presenter's file is black until the camera comes on: how much black may open it (s). */
  maxLeadingBlack?: number | undefined;
}

/** What a composed export reports. */
export interface ComposedLayoutResult {
  layout: { spec: LayoutSpec; cameraIntervals: Array<CameraInterval & { presenters?: number[] }> };
  /** --split files: the content, the webcam area and one per presenter when the recording has cameras. */
  split: { content: string; webcams: string | null; presenters: Array<{ presenter: number; file: string }> } | null;
}

interface LayoutContext {
  tools: FfmpegTools;
  signal: AbortSignal | undefined;
  onEvent: (event: RecordEvent) => void;
}

// When a layout file has no content region, the content is still made (it carries the sound and
// the timeline) at a small size.
const HIDDEN_CONTENT = { width: 640, height: 360 };

/** `<dir>/<name>.<part>.<ext>` beside the output. */
export function splitName(output: string, part: string): string {
  const ext = path.extname(output);
  return path.join(path.dirname(output), `${path.basename(output, ext)}.${part}${ext}`);
}

/**
 * The clocks of a composition without --fps (see build-compose-args.ts): ticks, in output ms, at
 * every frame of the content video and of the webcams (where compose shows webcam frame n: at
 * n/fps exactly, rounded up to the millisecond so the tick never comes before the frame).
 */
export function compositionTicks(
  contentFramesMs: readonly number[],
  webcamFramesMs: readonly number[],
  fps: number,
  fromMs: number,
  durationMs: number,
): { main: number[]; webcams: number[] } {
  const inside = (t: number) => t >= 0 && t < durationMs;
  const webcams = Array.from(new Set(webcamFramesMs.map((t) => Math.ceil((Math.round((t / 1000) * fps) / fps) * 1000 - fromMs - 1e-6)).filter(inside)));
  const unique = (times: number[]) => Array.from(new Set([0, ...times])).sort((a, b) => a - b);
  return { main: unique([...contentFramesMs.filter(inside), ...webcams]), webcams: unique(webcams) };
}

async function writeClocks(
  recording: OpenedRecording,
  fps: number,
  part: { contentFile: string; from: number; duration: number },
  dir: string,
  context: LayoutContext,
): Promise<{ main: string; webcams: string }> {
  const { times } = await probeVideoPackets(part.contentFile, 0, part.duration, context.tools, context.signal);
  const durationMs = Math.round(part.duration * 1000);
  const ticks = compositionTicks(
    times.map((t) => Math.round(t * 1000)),
    recording.frameTimesMs.webcams,
    fps,
    Math.round(part.from * 1000),
    durationMs,
  );
  await writeFile(path.join(dir, 'compose-clock.ppm'), CLOCK_PICTURE);
  const list = async (name: string, at: number[]) => {
    const file = path.join(dir, name);
    await writeFile(
      file,
      frameListFile(
        at.map((timeMs) => ({ file: 'compose-clock.ppm', timeMs })),
        durationMs,
      ),
    );
    return file;
  };
  return { main: await list('compose-main.ffconcat', ticks.main), webcams: await list('compose-webcams.ffconcat', ticks.webcams) };
}

/** Finds the cameras and fits the layout to the frame (`frame`: the output size asked for). */
export async function planLayout(recording: OpenedRecording, compose: ComposeOptions, frame: { width: number; height: number }, context: LayoutContext): Promise<LayoutPlan> {
  let cameras: CameraIntervals | null = null;
  if (recording.info.media === 'video') {
    context.onEvent({ type: 'stage', stage: 'metadata', message: 'finding the camera tiles in the webcams video' });
    cameras = await findCameraIntervals(recording.files.media, { tools: context.tools, signal: context.signal });
  }
  const hasCameras = cameras?.intervals.some((i) => i.tiles.length > 0) ?? false;
  if (compose.layout.kind === 'presenters' && recording.info.media === 'audio') {
    context.onEvent({ type: 'warning', message: 'an audio-only recording has no cameras: recording the content layout instead of presenters' });
  }
  const spec = compose.layout.kind === 'custom' ? compose.layout.spec : presentersLayout(frame.width, frame.height, hasCameras);
  const region = spec.regions.find((r) => r.source.kind === 'content');
  return {
    spec,
    cameras,
    content: region ? { width: region.box.w, height: region.box.h } : HIDDEN_CONTENT,
    onlyContent: compose.layout.kind === 'presenters' && !hasCameras && !(compose.split && recording.info.media === 'video'),
  };
}

/**
 * Draws the layout around the engine's content video (`contentFile`, the part [from, from +
 * duration) of the recording) into the partial names of `output` and its --split files.
 */
export async function composeLayout(
  recording: OpenedRecording,
  plan: LayoutPlan,
  compose: ComposeOptions,
  part: { contentFile: string; from: number; duration: number; output: string; partialOf: (file: string) => string; format: OutputFormat; fps: number | undefined },
  context: LayoutContext,
): Promise<{ files: ComposedFile[]; result: ComposedLayoutResult }> {
  const { spec, cameras } = plan;
  const output = path.resolve(part.output);
  const webcamsFile = recording.info.media === 'video' ? recording.files.media : null;
  const hasCameras = cameras?.intervals.some((i) => i.tiles.length > 0) ?? false;
  const webcamsOutput = compose.split && webcamsFile ? splitName(output, 'webcams') : undefined;
  // --split: who is who across joins and leaves, then one file per presenter.
  let intervals = cameras ? toOutputTime(cameras.intervals, part.from, part.duration) : [];
  let presenters: Array<{ presenter: number; output: string; file: string; intervals: Array<{ start: number; end: number; tile: Box }> }> = [];
  if (compose.split && webcamsFile && cameras && hasCameras) {
    context.onEvent({ type: 'stage', stage: 'metadata', message: 'following each presenter across camera joins and leaves' });
    const tracked = await trackPresenters(webcamsFile, cameras, { tools: context.tools, signal: context.signal });
    cameras.intervals = tracked;
    intervals = toOutputTime(tracked, part.from, part.duration);
    presenters = [...presenterTracks(intervals as PresenterInterval[]).entries()].map(([presenter, track]) => {
      const file = splitName(output, `presenter-${presenter}`);
      return { presenter, output: file, file: part.partialOf(file), intervals: track };
    });
  }
  const files: ComposedFile[] = [{ file: output, partial: part.partialOf(output) }];
  if (webcamsOutput) files.push({ file: webcamsOutput, partial: part.partialOf(webcamsOutput) });
  files.push(...presenters.map((p) => ({ file: p.output, partial: p.file, maxLeadingBlack: (p.intervals[0]?.start ?? 0) + 0.1 })));
  context.onEvent({ type: 'stage', stage: 'mux', message: `composing ${spec.width}x${spec.height}` });
  const args = buildComposeArgs({
    content: part.contentFile,
    webcams: webcamsFile && cameras ? { file: webcamsFile, width: cameras.width, height: cameras.height, fps: cameras.fps, matrix: recording.matrices.webcams } : undefined,
    from: part.from,
    spec,
    intervals,
    duration: part.duration,
    fps: part.fps,
    clocks: part.fps === undefined ? await writeClocks(recording, cameras?.fps ?? 15, part, path.dirname(part.contentFile), context) : undefined,
    format: part.format,
    crf: 20,
    output: files[0]!.partial,
    webcamsOutput: webcamsOutput ? part.partialOf(webcamsOutput) : undefined,
    presenterOutputs: presenters,
  });
  await runProcess(context.tools.ffmpeg, args, { signal: context.signal, label: 'ffmpeg (compose)', failureCode: 'FFMPEG_FAILED', missingCode: 'FFMPEG_MISSING' });
  let split: ComposedLayoutResult['split'] = null;
  if (compose.split) {
    // The engine's content video is already the content file: aligned, cut and muxed.
    const content = splitName(output, 'content');
    await copyFile(part.contentFile, part.partialOf(content));
    files.push({ file: content, partial: part.partialOf(content) });
    split = { content, webcams: webcamsOutput ?? null, presenters: presenters.map((p) => ({ presenter: p.presenter, file: p.output })) };
  }
  return { files, result: { layout: { spec, cameraIntervals: cameras?.intervals ?? [] }, split } };
}
