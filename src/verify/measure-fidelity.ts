/**
 * The fidelity meter: decodes an exported video of a synthetic recording and compares what it
 * shows and plays with the recording's ground truth (bbb-capture-sample.json): which webcam and
 * screen-share frames arrived, when, how long the picture froze, where the audio's tone bursts
 * fall, how the video and audio line up, and how the output starts and ends.
 *
 * Timeline: output t=0 is the container's zero, or its first timestamp when that is later
 * (players start there). A part exported with from/to maps output t=0 to source time `from`.
 */
import path from 'node:path';
import { CaptureError, throwIfAborted } from '../errors.js';
import type { Box } from '../frame-code/raster.js';
import type { FfmpegTools } from '../process/find-ffmpeg.js';
import type { SampleTruth } from '../sample/sample-truth.js';
import { analyseAudio, type AudioAnalysis } from './analyse-audio.js';
import { decodeVideoCodes, type DecodedVideo } from './decode-video-codes.js';
import type { AudioReport, FidelityReport, FidelitySource } from './fidelity-report.js';
import { matchBursts } from './match-bursts.js';
import { measurePageChanges } from './measure-page-changes.js';
import { measureSlides } from './measure-slides.js';
import { measureTrack, type TrackMeasurement } from './measure-track.js';
import { probeMedia } from '../recording/probe-media.js';
import { readSampleTruth } from './read-sample-truth.js';
import { driftOf, median, round } from './stats.js';

/** Options of measureFidelity. */
export interface MeasureFidelityOptions {
  /** The exported file to measure. */
  video: string;
  /** The synthetic recording it was made from (holds bbb-capture-sample.json). */
  recordingDir: string;
  /** Start of the exported part, source seconds (default 0). */
  from?: number | undefined;
  /** End of the exported part, source seconds (default: the recording's end). */
  to?: number | undefined;
  tools: FfmpegTools;
  signal?: AbortSignal | undefined;
  /** Frames wider than this are scaled down before codes are read (default 960). */
  maxWidth?: number | undefined;
  /**
   * What the output shows, when it is not everything the recording has: `['cameras']` for the
   * webcams video itself or a webcams-only layout, `['slides', 'screenshare']` for content only.
   * Sources left out are not reported and not required.
   */
  sources?: readonly FidelitySource[] | undefined;
}

const SILENCE_DBFS = -60;

/** Below this many analysis pixels a code's cells (9 across) blur into each other after compression. */
const MIN_RELIABLE_CODE_WIDTH = 54;

/** True when no code was read, or the camera codes read are so small that many are likely missed. */
function codesTooSmall(decoded: DecodedVideo): boolean {
  const widths: number[] = [];
  let any = false;
  for (const frame of decoded.frames) {
    for (const code of frame.codes) {
      any = true;
      if (code.kind === 'camera') widths.push((code.box.w * decoded.analysisWidth) / decoded.width);
    }
  }
  if (!any) return true;
  const width = median(widths);
  return width !== null && width < MIN_RELIABLE_CODE_WIDTH;
}

/** The camera picture and its code box from the first interval that gives both. */
function placementOf(intervals: ReadonlyArray<{ box: Box; codeBox?: Box | undefined }>): { picture: Box; code: Box } | undefined {
  const iv = intervals.find((i) => i.codeBox && i.codeBox.w > 0 && i.codeBox.h > 0);
  return iv?.codeBox ? { picture: iv.box, code: iv.codeBox } : undefined;
}

function audioReport(truth: SampleTruth, audio: AudioAnalysis | null, from: number, to: number, videoOffset: number | null): AudioReport {
  const length = truth.tones.lengthMs / 1000;
  const expected = truth.tones.times.filter((t) => t >= from - 1e-9 && t + length <= to + 1e-9).map((t) => t - from);
  if (!audio) {
    return { present: false, peakDbfs: null, silent: null, burstsExpected: expected.length, burstsFound: 0, burstsMatched: 0, offsetMs: null, spreadMs: null, driftMs: null };
  }
  const pairs = matchBursts(expected, audio.onsets, { maxShift: 10, prior: videoOffset ?? 0 });
  const offsets = pairs.map((p) => p.found - p.expected);
  const offset = median(offsets);
  const drift = driftOf(
    pairs.map((p) => p.found),
    offsets,
  );
  const peakDbfs = audio.peak > 1e-6 ? 20 * Math.log10(audio.peak) : -120;
  return {
    present: true,
    peakDbfs: round(peakDbfs),
    silent: peakDbfs < SILENCE_DBFS,
    burstsExpected: expected.length,
    burstsFound: audio.onsets.length,
    burstsMatched: pairs.length,
    offsetMs: offset === null ? null : round(offset * 1000),
    spreadMs: offsets.length ? round((Math.max(...offsets) - Math.min(...offsets)) * 1000) : null,
    driftMs: drift === null ? null : round(drift * 1000),
  };
}

/** Measures how faithfully `video` reproduces the synthetic recording in `recordingDir`. */
export async function measureFidelity(options: MeasureFidelityOptions): Promise<FidelityReport> {
  const started = performance.now();
  const truth = await readSampleTruth(options.recordingDir);
  const from = options.from ?? 0;
  const to = options.to ?? truth.duration;
  if (!(from >= 0) || !(to > from) || to > truth.duration + 1e-6) {
    throw new CaptureError('USAGE', `range ${from}..${to} s is not inside the recording (0..${truth.duration} s)`);
  }
  const available: FidelitySource[] = [
    ...(truth.webcams && truth.webcams.cameras.length > 0 ? (['cameras'] as const) : []),
    ...(truth.screenshare && truth.screenshare.intervals.length > 0 ? (['screenshare'] as const) : []),
    ...(truth.slides.length > 0 ? (['slides'] as const) : []),
  ];
  const sources = options.sources ? available.filter((s) => options.sources!.includes(s)) : available;
  const probe = await probeMedia(options.video, { tools: options.tools, signal: options.signal });
  // Negative container starts come from codec priming (Opus); players start at 0 then.
  const timelineStart = Math.max(0, probe.startTime);
  // Video and audio decode side by side; when one fails, stop the other rather than let it run on.
  const sibling = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, sibling.signal]) : sibling.signal;
  const common = { video: options.video, tools: options.tools, signal, timelineStart };

  const decodeVideo = async (): Promise<DecodedVideo | null> => {
    if (!probe.video) return null;
    const changes = sources.includes('slides');
    let decoded = await decodeVideoCodes({ ...common, stream: probe.video, maxWidth: options.maxWidth ?? 960, changes });
    // Codes too small to read reliably at the reduced size (or none read at all): look again at
    // full size, which costs a second decode only for such outputs.
    if (decoded.analysisWidth < decoded.width && codesTooSmall(decoded)) {
      throwIfAborted(signal);
      decoded = await decodeVideoCodes({ ...common, stream: probe.video, maxWidth: probe.video.width, changes });
    }
    return decoded;
  };
  const decodeAudio = async (): Promise<AudioAnalysis | null> => (probe.audio ? analyseAudio({ ...common, burstMs: truth.tones.lengthMs }) : null);
  const stopOther = (error: unknown): never => {
    sibling.abort(error);
    throw error;
  };
  const [video, audio] = await Promise.all([decodeVideo().catch(stopOther), decodeAudio().catch(stopOther)]);
  const frames = video?.frames ?? [];

  const cameras = sources.includes('cameras') ? (truth.webcams?.cameras ?? []) : [];
  const cameraMeasures: TrackMeasurement[] = cameras.map((camera) =>
    measureTrack(frames, {
      kind: 'camera',
      channel: camera.channel,
      fps: truth.webcams!.fps,
      frameCount: truth.webcams!.frameCount,
      intervals: camera.intervals,
      from,
      to,
      placement: placementOf(camera.intervals),
    }),
  );
  const share = sources.includes('screenshare') ? truth.screenshare : undefined;
  const shareMeasure = share
    ? measureTrack(frames, {
        kind: 'screenshare',
        channel: null,
        fps: share.fps,
        frameCount: share.frameCount ?? Math.ceil(truth.duration * share.fps) + 1,
        intervals: share.intervals,
        from,
        to,
        placement: share.codeBox ? { picture: { x: 0, y: 0, w: share.width, h: share.height }, code: share.codeBox } : undefined,
      })
    : null;

  // Video timing comes from the cameras (a steady 15–30 fps clock); the screen share stands in
  // for recordings without them.
  const timed = cameraMeasures.some((m) => m.appearances.length > 0) ? cameraMeasures : shareMeasure ? [shareMeasure] : [];
  const pooled = timed.flatMap((m) => m.appearances);
  const videoOffset = median(pooled.map((a) => a.offset));
  const videoDrift = driftOf(
    pooled.map((a) => a.time),
    pooled.map((a) => a.offset),
  );

  // Leading: the first frame with content. A camera on at `from` must show; otherwise any code.
  const cameraAtStart = cameras.some((c) => c.intervals.some((iv) => iv.start <= from + 1e-6 && from < iv.end - 1e-6));
  const firstContent = frames.findIndex((f) => (cameraAtStart ? f.codes.some((c) => c.kind === 'camera') : f.codes.length > 0));
  let lastContent = -1;
  for (let i = frames.length - 1; i >= 0; i--) {
    if (frames[i]!.codes.length > 0) {
      lastContent = i;
      break;
    }
  }
  const intervals: number[] = [];
  for (let i = 1; i < frames.length; i++) intervals.push(frames[i]!.time - frames[i - 1]!.time);
  const medianInterval = median(intervals);
  const streamEnd = probe.video?.duration != null && probe.video.startTime != null ? probe.video.startTime + probe.video.duration - timelineStart : null;
  const lastFrameEnd = frames.length ? frames.at(-1)!.time + (medianInterval ?? 1 / 30) : null;
  const lastContentEnd = lastContent < 0 ? null : lastContent + 1 < frames.length ? frames[lastContent + 1]!.time : (streamEnd ?? lastFrameEnd ?? frames[lastContent]!.time);

  const endTracks = cameraMeasures.length ? cameraMeasures : shareMeasure ? [shareMeasure] : [];
  const lastSources = endTracks.map((m) => m.lastSourceTime).filter((t): t is number => t !== null);
  const expectedLastSources = endTracks.map((m) => m.expectedLastSourceTime).filter((t): t is number => t !== null);

  const expectedDuration = to - from;
  const audioPart = audioReport(truth, audio, from, to, videoOffset);
  const ms = (s: number | null) => (s === null ? null : round(s * 1000));
  return {
    version: 1,
    video: path.resolve(options.video),
    recordingDir: path.resolve(options.recordingDir),
    variant: truth.variant,
    range: { from, to },
    streams: { video: probe.video !== null, audio: probe.audio !== null },
    sources,
    durationMs: round(probe.duration * 1000),
    expectedDurationMs: round(expectedDuration * 1000),
    durationErrorMs: round((probe.duration - expectedDuration) * 1000),
    frames: video
      ? {
          count: frames.length,
          width: video.width,
          height: video.height,
          analysisWidth: video.analysisWidth,
          analysisHeight: video.analysisHeight,
          medianIntervalMs: ms(medianInterval),
          withContent: frames.filter((f) => f.codes.length > 0).length,
        }
      : null,
    cameras: cameraMeasures.map((m) => m.report),
    screenshare: shareMeasure?.report ?? null,
    slides: sources.includes('slides') ? measureSlides(frames, truth.slides, { from, to, hiddenBy: truth.screenshare?.intervals ?? [] }) : null,
    pageChanges:
      video && sources.includes('slides')
        ? measurePageChanges(video, truth, {
            from,
            to,
            // The webcams change on their own (the screen share takes the slide's place, its time is left out).
            exclude: cameraMeasures.map((m) => m.report.pictureBox ?? m.report.box).filter((b): b is Box => b !== null),
          })
        : null,
    videoOffsetMs: ms(videoOffset),
    videoDriftMs: ms(videoDrift),
    audio: audioPart,
    avSyncMs: audioPart.offsetMs !== null && videoOffset !== null ? round(audioPart.offsetMs - videoOffset * 1000) : null,
    leadingMs: firstContent < 0 ? null : ms(frames[firstContent]!.time),
    end: {
      expectedEndMs: round(expectedDuration * 1000),
      lastContentEndMs: ms(lastContentEnd),
      endErrorMs: lastContentEnd === null ? null : round((lastContentEnd - expectedDuration) * 1000),
      lastSourceTimeMs: lastSources.length ? ms(Math.max(...lastSources)) : null,
      expectedLastSourceTimeMs: expectedLastSources.length ? ms(Math.max(...expectedLastSources)) : null,
    },
    elapsedMs: Math.round(performance.now() - started),
  };
}
