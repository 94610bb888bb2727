/**
 * Opens a recording once for a job: its URL parsed, metadata.xml read (proving it is a BBB
 * recording before anything else starts), then, into the job's work directory, its timeline
 * documents, its media (the webcams video or audio, and the screen share) downloaded once, and the
 * videos' frame times read from their packets. Both engines, the compositor and the composed
 * layouts work from what is here; nothing is fetched twice.
 */
import path from 'node:path';
import { CaptureError } from '../errors.js';
import type { FfmpegTools } from '../process/find-ffmpeg.js';
import { runProcess } from '../process/run-process.js';
import { fetchRecordingInfo, type RecordingInfo } from './fetch-recording-info.js';
import { parsePlaybackUrl, type PlaybackTarget } from './parse-playback-url.js';
import type { RecordingCredentials } from './recording-credentials.js';
import { frameTimesArgs, parseFrameTimes } from '../compose/build-composite-args.js';
import { chromiumMatrix, type Matrix } from '../compose/colour.js';
import { downloadFile, fetchTimelineDocuments, type CaptionSource } from './fetch-recording-files.js';
import { deskshareIntervals, type DeskshareInterval, type TimelineDocuments } from './timeline-times.js';

/** What is known of a recording before it is played. */
export interface RecordingHead {
  target: PlaybackTarget;
  info: RecordingInfo;
}

/** A recording with its files at hand. */
export interface OpenedRecording extends RecordingHead {
  docs: TimelineDocuments;
  /** Screen-share intervals (deskshare.xml). */
  shares: DeskshareInterval[];
  /** Caption tracks of captions.json, with their WebVTT text. */
  captions: CaptionSource[];
  /** presentation_text.json ('' without one): the slides' text. */
  presentationText: string;
  /** external_videos.json lists videos played from elsewhere. */
  externalVideos: boolean;
  /** Local copies: the media (webcams video, or audio only) and the screen share, if any. */
  files: { media: string; deskshare: string | undefined };
  /** Presentation times (integer ms, sorted, unique) of the videos' frames; [] without that video. */
  frameTimesMs: { webcams: number[]; screenshare: number[] };
  /** The matrix Chromium reads each video with (its tag, else by its height; compose/colour.ts). */
  matrices: { webcams: Matrix; screenshare: Matrix };
}

/** Parses the URL and reads metadata.xml (and which media the player will play). */
export async function readRecordingHead(
  url: string,
  signal: AbortSignal | undefined,
  onStage?: (message: string) => void,
  credentials?: RecordingCredentials,
): Promise<RecordingHead> {
  const target = parsePlaybackUrl(url);
  onStage?.(`reading ${target.filesUrl}metadata.xml`);
  return { target, info: await fetchRecordingInfo(target, { signal, credentials: credentials?.bind(target.origin) }) };
}

/** Whether external_videos.json lists any video. */
export function hasExternalVideos(json: string): boolean {
  try {
    const parsed = JSON.parse(json || '[]') as unknown;
    return Array.isArray(parsed) ? parsed.length > 0 : typeof parsed === 'object' && parsed !== null && Object.keys(parsed).length > 0;
  } catch {
    return false;
  }
}

async function probeMatrix(file: string, tools: FfmpegTools, signal: AbortSignal | undefined): Promise<Matrix> {
  const { stdout } = await runProcess(tools.ffprobe, ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=color_space,height', '-of', 'json', file], {
    signal,
    label: 'ffprobe',
    failureCode: 'FFMPEG_FAILED',
    missingCode: 'FFMPEG_MISSING',
  });
  const stream = (JSON.parse(stdout) as { streams?: Array<{ color_space?: string; height?: number }> }).streams?.[0];
  return chromiumMatrix({ colorSpace: stream?.color_space, height: stream?.height ?? 0 });
}

async function probeFrameTimesMs(file: string, tools: FfmpegTools, signal: AbortSignal | undefined): Promise<number[]> {
  const { stdout } = await runProcess(tools.ffprobe, frameTimesArgs(file), { signal, label: 'ffprobe', failureCode: 'FFMPEG_FAILED', missingCode: 'FFMPEG_MISSING' });
  // WebM timestamps are whole milliseconds: every instant is an integer ms.
  return Array.from(new Set(parseFrameTimes(stdout).map((t) => Math.round(t * 1000)))).sort((a, b) => a - b);
}

/** Fetches what the engines and the compositor read into `workDir`. */
export async function openRecording(
  head: RecordingHead,
  workDir: string,
  options: { tools: FfmpegTools; signal: AbortSignal | undefined; credentials?: RecordingCredentials | undefined },
): Promise<OpenedRecording> {
  const { target, info } = head;
  const credentials = options.credentials?.bind(target.origin);
  const { docs, deskshareXml, captions, presentationText } = await fetchTimelineDocuments(target.filesUrl, options.signal, credentials);
  const shares = deskshareIntervals(deskshareXml);
  const media = path.join(workDir, `media${path.extname(new URL(info.mediaUrl).pathname)}`);
  if (!(await downloadFile(info.mediaUrl, media, options.signal, {}, credentials))) throw new CaptureError('MEDIA_MISSING', `${info.mediaUrl} disappeared`);
  let deskshare: string | undefined;
  if (shares.length > 0) {
    for (const ext of ['webm', 'mp4']) {
      const file = path.join(workDir, `deskshare.${ext}`);
      if (await downloadFile(`${target.origin}/presentation/${info.meetingId}/deskshare/deskshare.${ext}`, file, options.signal, {}, credentials)) {
        deskshare = file;
        break;
      }
    }
  }
  const [webcams, screenshare, webcamsMatrix, screenshareMatrix] = await Promise.all([
    info.media === 'video' ? probeFrameTimesMs(media, options.tools, options.signal) : [],
    deskshare ? probeFrameTimesMs(deskshare, options.tools, options.signal) : [],
    info.media === 'video' ? probeMatrix(media, options.tools, options.signal) : ('bt601' as const),
    deskshare ? probeMatrix(deskshare, options.tools, options.signal) : ('bt601' as const),
  ]);
  return {
    ...head,
    docs,
    shares,
    captions,
    presentationText,
    externalVideos: hasExternalVideos(docs.json[2] ?? ''),
    files: { media, deskshare },
    frameTimesMs: { webcams, screenshare },
    matrices: { webcams: webcamsMatrix, screenshare: screenshareMatrix },
  };
}
