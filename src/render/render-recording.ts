/**
 * The render engine: one recording to one video file by stepping BBB's real player instant by
 * instant. Only the instants at which the picture can change are rendered (timeline events,
 * webcam and screen-share frame times); ffmpeg holds each picture until the next with exact
 * timestamps, and the audio comes from the recording's own media, cut at the same instant. The
 * output does not depend on how fast the machine is: nothing here runs against a clock.
 */
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import PQueue from 'p-queue';
import type { Browser } from 'playwright';
import { launchBrowser } from '../browser/launch-browser.js';
import { abortError, CaptureError, throwIfAborted, toCaptureError } from '../errors.js';
import { openRecordingJob } from '../record/output-work-dir.js';
import { INSECURE_WARNING } from '../record/record-options.js';
import { openPlayer } from '../player/open-player.js';
import { runProcess } from '../process/run-process.js';
import type { RecordingInfo } from '../recording/fetch-recording-info.js';
import type { PlaybackTarget } from '../recording/parse-playback-url.js';
import { verifyOutput } from '../verify/verify-output.js';
import { frameListFile, frameTimesArgs, joinArgs, parseFrameTimes, segmentEncodeArgs, segmentListFile } from './build-render-args.js';
import { computeChangeInstants, pageVideoFrames, segmentLengthMs, splitSegments, type RenderSegment } from './change-instants.js';
import { downloadFile, fetchTimelineDocuments } from './fetch-recording-files.js';
import type { RenderOptions } from './render-options.js';
import { renderSegment, type RenderPage } from './render-segment.js';
import { deskshareIntervals, timelineTimes } from './timeline-times.js';
import { hideVideosCss } from './render-page-api.js';
import { CLOCK_PICTURE, overlayGraph, overlayRuns, videoFrameInstants } from './video-layers.js';

/** What a finished render reports. */
export interface RenderResult {
  output: string;
  recording: RecordingInfo;
  engine: 'render';
  from: number;
  to: number;
  duration: number;
  /** Whether the videos were composited from the source files (hybrid path). */
  hybrid: boolean;
  /** Pictures the page rendered (screenshots). */
  frames: number;
  segments: number;
  workers: number;
  wallMs: number;
}

/** See ChangeRange.maxHoldMs. */
const MAX_HOLD_MS = 1000;
/** The clock picture of the hybrid path's segment encoders (video-layers.ts), in the work directory. */
const CLOCK_FILE = 'clock.ppm';
/** Least number of segment encoders running at once (see where the queue is made). */
const ENCODERS_PER_JOB = 2;
/** x264 CRF of the rendered video: visually lossless for slides and text. */
const CRF = 18;

async function probeFrameTimes(file: string, options: RenderOptions): Promise<number[]> {
  const { stdout } = await runProcess(options.tools.ffprobe, frameTimesArgs(file), { signal: options.signal, label: 'ffprobe', failureCode: 'FFMPEG_FAILED', missingCode: 'FFMPEG_MISSING' });
  return parseFrameTimes(stdout);
}

/** Downloads the media the picture and sound depend on (into workDir); returns local paths. */
export async function fetchMedia(recording: RecordingInfo, target: PlaybackTarget, deskshare: boolean, workDir: string, signal: AbortSignal | undefined) {
  const mediaFile = path.join(workDir, `media${path.extname(new URL(recording.mediaUrl).pathname)}`);
  if (!(await downloadFile(recording.mediaUrl, mediaFile, signal))) throw new CaptureError('MEDIA_MISSING', `${recording.mediaUrl} disappeared`);
  let deskshareFile: string | undefined;
  if (deskshare) {
    for (const ext of ['webm', 'mp4']) {
      const file = path.join(workDir, `deskshare.${ext}`);
      if (await downloadFile(`${target.origin}/presentation/${recording.meetingId}/deskshare/deskshare.${ext}`, file, signal)) {
        deskshareFile = file;
        break;
      }
    }
  }
  return { mediaFile, deskshareFile };
}

/** Renders one BBB recording to options.output. */
export async function renderRecording(given: RenderOptions): Promise<RenderResult> {
  const wallStart = Date.now();
  // A failing page or encoder stops the others (their ffmpeg children included) through this.
  const failed = new AbortController();
  const options: RenderOptions = { ...given, signal: given.signal ? AbortSignal.any([given.signal, failed.signal]) : failed.signal };
  const emit = options.onEvent;
  if (!(Number.isInteger(options.workers) && options.workers >= 1)) throw new CaptureError('USAGE', `--workers must be a whole number of at least 1, got ${options.workers}`);
  const format = options.format;
  if (format === 'webm') throw new CaptureError('USAGE', 'the render engine writes H.264 + AAC: use --format mp4 or mkv (or --engine capture for WebM)');
  const { target, recording, out } = await openRecordingJob(options);
  const { workDir, partial } = out;
  let browser: Browser | undefined;
  try {
    const { docs, deskshareXml } = await fetchTimelineDocuments(target.filesUrl, options.signal);
    const shares = deskshareIntervals(deskshareXml);
    const media = await fetchMedia(recording, target, shares.length > 0, workDir, options.signal);

    emit({ type: 'stage', stage: 'browser', message: `starting ${options.chromiumPath}` });
    browser = await launchBrowser({
      executablePath: options.chromiumPath,
      runningAsRoot: options.runningAsRoot,
      signal: options.signal,
      onLog: (line) => emit({ type: 'log', source: 'chromium', line }),
      onWarning: (message) => emit({ type: 'warning', message }),
    });
    if (options.insecure) emit({ type: 'warning', message: INSECURE_WARNING });
    const openPage = async (): Promise<RenderPage> => {
      const { page } = await openPlayer(browser!, {
        target,
        width: options.width,
        height: options.height,
        layout: options.layout,
        eventRate: options.eventRate,
        fontFile: options.fontFile,
        localResources: new Map(),
        readyTimeoutMs: options.readyTimeoutMs,
      insecure: options.insecure,
        signal: options.signal,
        onLog: (line) => emit({ type: 'log', source: 'page', line }),
      });
      const cdp = await page.context().newCDPSession(page);
      const mediaDuration = await page.evaluate(() => window.__bbbPlayer!.media.duration);
      if (options.hybrid) await page.addStyleTag({ content: hideVideosCss() });
      return { page, cdp, mediaDuration };
    };
    emit({ type: 'stage', stage: 'player', message: `opening ${target.playerUrl}` });
    const first = await openPage();
    const mediaDuration = first.mediaDuration;
    if (Math.abs(mediaDuration - recording.duration) > Math.max(2, recording.duration * 0.02)) {
      emit({ type: 'warning', message: `media lasts ${mediaDuration.toFixed(1)} s but metadata.xml says ${recording.duration.toFixed(1)} s; following the media, as the player does` });
    }
    const from = options.from;
    const to = Math.min(options.to ?? mediaDuration, mediaDuration);
    if (!(from >= 0 && from < to)) throw new CaptureError('USAGE', `--from ${from} must be before --to ${to.toFixed(3)} and within the recording (0-${mediaDuration.toFixed(3)} s)`);
    const fromMs = Math.round(from * 1000);
    const toMs = Math.round(to * 1000);

    // The webcams are not on screen in the content layout: their frames change nothing there.
    const showsWebcams = recording.media === 'video' && options.layout !== 'content';
    const [webcamFrames, deskshareFrames] = await Promise.all([
      showsWebcams ? probeFrameTimes(media.mediaFile, options) : [],
      media.deskshareFile ? probeFrameTimes(media.deskshareFile, options) : [],
    ]);
    // WebM timestamps are whole milliseconds: every instant is an integer ms.
    const toMsList = (times: readonly number[]) => Array.from(new Set(times.map((t) => Math.round(t * 1000)))).sort((a, b) => a - b);
    const videoTimes = { webcams: toMsList(webcamFrames), screenshare: toMsList(deskshareFrames) };
    const pageFrames = pageVideoFrames(videoTimes, shares);
    const instants = computeChangeInstants(timelineTimes(docs), { fromMs, toMs, maxHoldMs: MAX_HOLD_MS });
    const segments = splitSegments(instants, fromMs, toMs, segmentLengthMs(toMs - fromMs, options.workers));
    const workers = Math.min(options.workers, segments.length);
    const sources = {
      webcams: showsWebcams ? { file: media.mediaFile, frameTimesMs: videoTimes.webcams } : undefined,
      screenshare: media.deskshareFile ? { file: media.deskshareFile, frameTimesMs: videoTimes.screenshare } : undefined,
    };
    const pageOnlyReasons = new Set<string>();
    await writeFile(path.join(workDir, CLOCK_FILE), CLOCK_PICTURE);
    let pictures = 0;

    const pages = [first, ...(await Promise.all(Array.from({ length: workers - 1 }, openPage)))];
    emit({ type: 'stage', stage: 'capture', message: `rendering ${(to - from).toFixed(1)} s at ${options.width}x${options.height}: ${instants.length} timeline instants, ${segments.length} segments, ${workers} page(s), videos ${options.hybrid ? 'composited from the source files' : 'drawn by the page'}` });
    const started = Date.now();
    const done = new Map<number, number>();
    const progress = (segment: RenderSegment, timeMs: number) => {
      done.set(segment.index, timeMs - segment.startMs);
      const position = Array.from(done.values()).reduce((a, b) => a + b, 0) / 1000;
      emit({ type: 'progress', position, duration: to - from, elapsedMs: Date.now() - started });
    };

    // Encoders run while the pages render the next segments. In the hybrid path a page renders a
    // segment's few pictures much faster than x264 encodes its every video frame, so there are at
    // least two encoders even for one page (60 s `full` sample, 1 page: 1.7x realtime with one).
    const encoders = new PQueue({ concurrency: Math.max(workers, ENCODERS_PER_JOB) });
    const encoded: Array<Promise<string>> = [];
    let next = 0;
    const work = async (renderPage: RenderPage) => {
      for (let i = next++; i < segments.length; i = next++) {
        const segment = segments[i]!;
        const frames = await renderSegment(renderPage, segment, workDir, {
          hybrid: options.hybrid,
          videoFrames: pageFrames,
          frame: { width: options.width, height: options.height },
          signal: options.signal,
          onFrame: (t) => progress(segment, t),
          onPageOnly: (t, reason) => {
            if (pageOnlyReasons.has(reason)) return;
            pageOnlyReasons.add(reason);
            emit({ type: 'log', source: 'page', line: `from ${(t / 1000).toFixed(3)} s the page draws its videos itself: ${reason}` });
          },
        });
        pictures += frames.length;
        done.set(segment.index, segment.endMs - segment.startMs);
        const runs = overlayRuns(frames, segment.startMs, segment.endMs);
        const list = path.join(workDir, `segment-${segment.index}.ffconcat`);
        await writeFile(list, frameListFile(frames, segment.endMs));
        let overlay: ReturnType<typeof overlayGraph> | undefined;
        if (runs.length > 0) {
          // The clock: ticks at the segment start and wherever a composited video changes.
          const clock = path.join(workDir, `segment-${segment.index}.clock.ffconcat`);
          const ticks = [segment.startMs, ...videoFrameInstants(frames, segment.endMs, videoTimes).filter((t) => t > segment.startMs)];
          await writeFile(clock, frameListFile(ticks.map((timeMs) => ({ file: CLOCK_FILE, timeMs })), segment.endMs));
          overlay = overlayGraph(runs, sources, segment.startMs, clock, { width: options.width, height: options.height });
        }
        const output = path.join(workDir, `segment-${segment.index}.mp4`);
        const encode = encoders.add(async () => {
          await runProcess(options.tools.ffmpeg, segmentEncodeArgs({ list, output, crf: CRF, overlay, durationMs: segment.endMs - segment.startMs }), { signal: options.signal, label: 'ffmpeg', failureCode: 'FFMPEG_FAILED', missingCode: 'FFMPEG_MISSING' });
          if (!options.keepTemp) await Promise.all(frames.map((f) => rm(path.join(workDir, f.file), { force: true })));
          return output;
        });
        // Failures surface when all are awaited; avoid an unhandled rejection meanwhile.
        encode.catch(() => undefined);
        encoded[segment.index] = encode as Promise<string>;
      }
    };
    await Promise.all(pages.map(work));
    const segmentFiles = await Promise.all(encoded);
    await browser.close();
    throwIfAborted(options.signal);

    emit({ type: 'stage', stage: 'mux', message: `joining ${segments.length} segments, writing ${options.format}` });
    const segmentList = path.join(workDir, 'segments.ffconcat');
    await writeFile(segmentList, segmentListFile(segments.map((s, i) => ({ file: segmentFiles[i]!, durationMs: s.endMs - s.startMs }))));
    const duration = (toMs - fromMs) / 1000;
    await runProcess(
      options.tools.ffmpeg,
      joinArgs({ segmentList, audioSource: options.videoOnly ? undefined : media.mediaFile, from: fromMs / 1000, duration, output: partial, format, audioBitrate: options.audioBitrate }),
      { signal: options.signal, label: 'ffmpeg', failureCode: 'FFMPEG_FAILED', missingCode: 'FFMPEG_MISSING' },
    );
    if (options.verify) {
      emit({ type: 'stage', stage: 'verify', message: 'checking the result' });
      await verifyOutput({ video: partial, expectedDuration: duration, expectAudio: !options.videoOnly, tools: options.tools, signal: options.signal });
    }
    await out.commit();
    emit({ type: 'stage', stage: 'done', message: `wrote ${options.output}` });
    return { output: options.output, recording, engine: 'render', hybrid: options.hybrid, from, to, duration, frames: pictures, segments: segments.length, workers, wallMs: Date.now() - wallStart };
  } catch (error) {
    if (given.signal?.aborted) throw abortError(given.signal);
    failed.abort(error);
    throw toCaptureError(error);
  } finally {
    await browser?.close().catch(() => undefined);
    const kept = await out.cleanup(options.keepTemp);
    if (kept) emit({ type: 'log', source: 'ffmpeg', line: `kept work files in ${kept}` });
  }
}
