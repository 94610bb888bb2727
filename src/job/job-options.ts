/**
 * The fully resolved options of one export job, the one shape `record`, `batch` and the worker
 * hand to runJob. The CLI (or the batch list, or a queued job's data) builds it once; nothing
 * below reads argv or the environment. validateJobOptions checks the combinations before anything
 * is fetched or started.
 */
import { CaptureError } from '../errors.js';
import type { CardOptions } from '../cards/card-options.js';
import { isAudioFormat } from '../options/audio-format.js';
import type { ComposeOptions } from '../layout/compose-options.js';
import type { EngineChoice, RecordOptions } from '../options/record-options.js';

/** The engines themselves. */
export type Engine = Exclude<EngineChoice, 'auto'>;

export interface JobOptions extends Omit<RecordOptions, 'output'> {
  /** Final output path; undefined: "<meeting name> <date>.<format>" in the current directory. */
  output: string | undefined;
  /** Render engine: player pages rendering segments in parallel; auto: by the part's length (engines/render/render-pages.ts). */
  workers: number | 'auto';
  /**
   * Render engine: the page renders everything but its videos, which the compositor draws from
   * the recording's own files. Off: the page draws every video frame (slower; for comparison).
   */
  hybrid: boolean;
  /**
   * Write the video only (no sound): a part of a recording rendered as a farm job, joined with the
   * others and given its sound by joinRenderedParts. Render engine only.
   */
  videoOnly: boolean;
  /** Composed layout around the engine's output; null for the player's own layouts. */
  compose: ComposeOptions | null;
  /** An existing file under a final name is replaced (`record -o`); otherwise the job fails with OUTPUT_EXISTS. */
  replace: boolean;
  /** Also write the chapters beside the video (`--chapters-file`: WebVTT, or JSON for *.json); undefined: none. */
  chaptersFile?: string | undefined;
  /** Also write a still of the output (`--poster`, at `at` seconds of it; undefined: the first slide's). */
  poster?: { file: string; at: number | undefined } | undefined;
  /** Title and credits cards joined around the output (`--intro`, `--outro`); none when absent. */
  cards?: CardOptions | null | undefined;
  /** `-o -`: the finished, verified file goes to this stream (stdout) instead of a file; work files go under `workRoot`. */
  pipe?: { stream: NodeJS.WritableStream; workRoot: string } | undefined;
  /** `--rtmp URL`: the talk is streamed there at real-time pace (H.264 + AAC in FLV): live from the render's parts, or the finished export. */
  rtmpUrl?: string | undefined;
}

/** Throws USAGE for combinations no engine can honour; called once, before anything starts. */
export function validateJobOptions(options: JobOptions): void {
  if (options.workers !== 'auto' && !(Number.isInteger(options.workers) && options.workers >= 1))
    throw new CaptureError('USAGE', `--workers must be auto or a whole number of at least 1, got ${options.workers}`);
  if (!(options.from >= 0)) throw new CaptureError('USAGE', `--from must be 0 or more, got ${options.from}`);
  if (options.to !== undefined && !(options.to > options.from)) throw new CaptureError('USAGE', `--to ${options.to} must be after --from ${options.from}`);
  if (options.fps !== undefined && !(options.fps > 0 && options.fps <= 120)) throw new CaptureError('USAGE', `--fps must be between 0 and 120, got ${options.fps}`);
  if (options.engine === 'render' && options.format === 'webm')
    throw new CaptureError('USAGE', 'the render engine writes H.264 + AAC: use --format mp4 or mkv (or --engine capture or auto for WebM)');
  if (options.videoOnly && options.engine !== 'render') throw new CaptureError('USAGE', 'a video-only part is rendered by the render engine');
  if (options.videoOnly && options.cards) throw new CaptureError('USAGE', 'a video-only part has no title or credits cards');
  if (options.cards && !(options.cards.length > 0 && options.cards.length <= 60))
    throw new CaptureError('USAGE', `--card-length must be between 0 and 60 seconds, got ${options.cards.length}`);
  if (isAudioFormat(options.format) && options.compose)
    throw new CaptureError('USAGE', `--format ${options.format} is sound only: composed layouts and --split need a video format (mp4, mkv or webm)`);
  if (isAudioFormat(options.format) && options.cards) throw new CaptureError('USAGE', `--format ${options.format} is sound only: title and credits cards need a video format`);
  if (isAudioFormat(options.format) && options.poster) throw new CaptureError('USAGE', `--format ${options.format} is sound only: --poster needs a video format`);
  if (isAudioFormat(options.format) && options.captions === 'burn')
    throw new CaptureError('USAGE', `--format ${options.format} is sound only: --captions burn needs a video format`);
  if (isAudioFormat(options.format) && options.videoOnly) throw new CaptureError('USAGE', `--format ${options.format} is sound only: a video-only part needs mp4 or mkv`);
  if (options.rtmpUrl !== undefined && options.format !== 'mp4' && options.format !== 'mkv')
    throw new CaptureError('USAGE', `--rtmp sends H.264 + AAC in FLV: use --format mp4 or mkv (got ${options.format})`);
  if (options.rtmpUrl !== undefined && !/^rtmps?:\/\/[^/]+\/./i.test(options.rtmpUrl))
    throw new CaptureError('USAGE', `--rtmp must be an rtmp:// or rtmps:// URL with an application path (rtmp://host/app/key), got ${JSON.stringify(options.rtmpUrl)}`);
  if (options.pipe && options.compose?.split) throw new CaptureError('USAGE', '-o - writes one stream: --split writes several files, so give -o a file name');
  if (options.videoOnly && options.compose) throw new CaptureError('USAGE', 'a video-only part has no composed layout');
}
