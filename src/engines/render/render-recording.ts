/**
 * The render engine: one recording to one video file by stepping BBB's real player instant by
 * instant. Only the instants at which the picture can change are rendered (timeline events,
 * webcam and screen-share frame times); ffmpeg holds each picture until the next with exact
 * timestamps, and the audio comes from the recording's own media, cut at the same instant. The
 * output does not depend on how fast the machine is: nothing here runs against a clock.
 */
import { holdPolledClock } from '../../player/polled-clock-page-api.js';
import { readClockContract } from '../../player/read-clock-contract.js';
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import PQueue from 'p-queue';
import { frameListFile } from '../../compose/build-composite-args.js';
import { SCREENSHOT_COLOUR } from '../../compose/colour.js';
import { CLOCK_PICTURE, overlayGraph, overlayRuns, videoFrameInstants } from '../../compose/video-layers.js';
import { CaptureError, throwIfAborted } from '../../errors.js';
import type { OpenedPlayer } from '../../player/open-player.js';
import { PAGE_STEP_DEADLINE_MS, pageHung } from '../../player/page-hung.js';
import { withDeadline } from '../../player/with-deadline.js';
import { hideVideosCss } from '../../player/probe-video-layers.js';
import { runProcess } from '../../process/run-process.js';
import { audioTrackArgs } from './audio-track-args.js';
import { joinArgs, segmentEncodeArgs, segmentListFile } from './build-render-args.js';
import { computeChangeInstants, pageVideoFrames, segmentLengthMs, splitSegments, type RenderSegment } from './change-instants.js';
import { renderSegment, type RenderPage } from './render-segment.js';
import { timelineTimes } from '../../recording/timeline-times.js';
import type { EngineOutput, EngineRun } from '../engine-run.js';

/** What a finished render reports. */
export interface RenderOutput extends EngineOutput {
  engine: 'render';
  /** Whether the videos were composited from the source files (hybrid path). */
  hybrid: boolean;
  /** Pictures the page rendered (screenshots). */
  frames: number;
  segments: number;
  workers: number;
}

/** See ChangeRange.maxHoldMs. */
const MAX_HOLD_MS = 1000;
/** The clock picture of the hybrid path's segment encoders (video-layers.ts), in the work directory. */
const CLOCK_FILE = 'clock.ppm';
/** Length of the first and the last segment (see splitSegments): the pipeline's idle ends. */
const RAMP_MS = 2000;
/** Least number of segment encoders running at once (see where the queue is made). */
const ENCODERS_PER_JOB = 2;
/** x264 CRF of the rendered video: visually lossless for slides and text. */
const CRF = 18;

/** Renders the part of run.recording the options name into run.output. */
export async function renderRecording(run: EngineRun): Promise<RenderOutput> {
  const { recording, workDir } = run;
  // A failing page or encoder stops the others (their ffmpeg children included) through this.
  const failed = new AbortController();
  const options = { ...run.options, signal: run.options.signal ? AbortSignal.any([run.options.signal, failed.signal]) : failed.signal };
  const emit = options.onEvent;
  try {
    const toRenderPage = async ({ page }: OpenedPlayer): Promise<RenderPage> => {
      const cdp = await withDeadline(page.context().newCDPSession(page), PAGE_STEP_DEADLINE_MS, pageHung('opening a CDP session'));
      const mediaDuration = await withDeadline(
        page.evaluate(() => window.__bbbPlayer!.media.duration),
        PAGE_STEP_DEADLINE_MS,
        pageHung('reading the media duration'),
      );
      if (options.hybrid) await withDeadline(page.addStyleTag({ content: hideVideosCss() }), PAGE_STEP_DEADLINE_MS, pageHung('hiding the videos'));
      // A polled media clock (bbb-playback 2.3) moves only when a step runs its polls, never by its timer.
      if ((await readClockContract(page)) === 'polled') await withDeadline(page.evaluate(holdPolledClock), PAGE_STEP_DEADLINE_MS, pageHung('holding the polled clock'));
      return { page, cdp, mediaDuration };
    };
    const first = await toRenderPage(run.session.player);
    const mediaDuration = first.mediaDuration;
    if (Math.abs(mediaDuration - recording.info.duration) > Math.max(2, recording.info.duration * 0.02)) {
      emit({
        type: 'warning',
        message: `media lasts ${mediaDuration.toFixed(1)} s but metadata.xml says ${recording.info.duration.toFixed(1)} s; following the media, as the player does`,
      });
    }
    const from = options.from;
    const to = Math.min(options.to ?? mediaDuration, mediaDuration);
    if (!(from >= 0 && from < to))
      throw new CaptureError('USAGE', `--from ${from} must be before --to ${to.toFixed(3)} and within the recording (0-${mediaDuration.toFixed(3)} s)`);
    const fromMs = Math.round(from * 1000);
    const toMs = Math.round(to * 1000);

    // The webcams are not on screen in the content layout: their frames change nothing there.
    const showsWebcams = recording.info.media === 'video' && options.layout !== 'content';
    const videoTimes = { webcams: showsWebcams ? recording.frameTimesMs.webcams : [], screenshare: recording.frameTimesMs.screenshare };
    const pageFrames = pageVideoFrames(videoTimes, recording.shares);
    const instants = computeChangeInstants(timelineTimes(recording.docs), { fromMs, toMs, maxHoldMs: MAX_HOLD_MS });
    const segments = splitSegments(
      instants,
      fromMs,
      toMs,
      Math.min(segmentLengthMs(toMs - fromMs, options.workers), run.segments?.maxSegmentMs ?? Number.POSITIVE_INFINITY),
      RAMP_MS,
    );
    run.segments?.planned({ fromMs, toMs }, segments);
    const workers = Math.min(options.workers, segments.length);
    const sources = {
      webcams: showsWebcams ? { file: recording.files.media, frameTimesMs: videoTimes.webcams, matrix: recording.matrices.webcams } : undefined,
      screenshare: recording.files.deskshare ? { file: recording.files.deskshare, frameTimesMs: videoTimes.screenshare, matrix: recording.matrices.screenshare } : undefined,
    };
    // The sound needs nothing from the page: it is encoded while the page is stepped (audio-track-args.ts).
    const audioFile = options.videoOnly ? undefined : path.join(workDir, 'audio.m4a');
    const audioTrack = audioFile
      ? runProcess(
          options.tools.ffmpeg,
          audioTrackArgs({ source: recording.files.media, from: fromMs / 1000, duration: (toMs - fromMs) / 1000, audioBitrate: options.audioBitrate, output: audioFile }),
          { signal: options.signal, label: 'ffmpeg (sound)', failureCode: 'FFMPEG_FAILED', missingCode: 'FFMPEG_MISSING' },
        )
      : undefined;
    // Failures surface when it is awaited; avoid an unhandled rejection meanwhile.
    audioTrack?.catch(() => undefined);
    const pageOnlyReasons = new Set<string>();
    await writeFile(path.join(workDir, CLOCK_FILE), CLOCK_PICTURE);
    let pictures = 0;

    const pages = [first];
    emit({
      type: 'stage',
      stage: 'capture',
      message: `rendering ${(to - from).toFixed(1)} s at ${options.width}x${options.height}: ${instants.length} timeline instants, ${segments.length} segments, ${workers} page(s), videos ${options.hybrid ? 'composited from the source files' : 'drawn by the page'}`,
    });
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
          await writeFile(
            clock,
            frameListFile(
              ticks.map((timeMs) => ({ file: CLOCK_FILE, timeMs })),
              segment.endMs,
            ),
          );
          overlay = overlayGraph(runs, sources, segment.startMs, clock, { width: options.width, height: options.height }, { page: SCREENSHOT_COLOUR });
        }
        const output = path.join(workDir, `segment-${segment.index}.mp4`);
        const encode = encoders.add(async () => {
          await runProcess(options.tools.ffmpeg, segmentEncodeArgs({ list, output, crf: CRF, overlay, durationMs: segment.endMs - segment.startMs }), {
            signal: options.signal,
            label: 'ffmpeg',
            failureCode: 'FFMPEG_FAILED',
            missingCode: 'FFMPEG_MISSING',
          });
          if (!options.keepTemp) await Promise.all(frames.map((f) => rm(path.join(workDir, f.file), { force: true })));
          run.segments?.encoded(segment.index, output);
          return output;
        });
        // Failures surface when all are awaited; avoid an unhandled rejection meanwhile.
        encode.catch(() => undefined);
        encoded[segment.index] = encode as Promise<string>;
      }
    };
    // The first page renders at once; the others join as they open (2-3 s each on a loaded
    // machine) and take the next segments not yet taken. A page that opens after the last segment
    // was taken just closes.
    await Promise.all([
      work(first),
      ...Array.from({ length: workers - 1 }, async () => {
        const opened = await toRenderPage(await run.session.openPage());
        pages.push(opened);
        emit({ type: 'log', source: 'page', line: `page ${pages.length} of ${workers} ready` });
        await work(opened);
      }),
    ]);
    // The pages are done: they close while the encoders finish and the join runs.
    const closing = Promise.all(
      pages.map((p) =>
        p.page
          .context()
          .close()
          .catch(() => undefined),
      ),
    );
    const segmentFiles = await Promise.all(encoded);
    throwIfAborted(options.signal);

    emit({ type: 'stage', stage: 'mux', message: `joining ${segments.length} segments, writing ${options.format}` });
    const segmentList = path.join(workDir, 'segments.ffconcat');
    await writeFile(segmentList, segmentListFile(segments.map((s, i) => ({ file: segmentFiles[i]!, durationMs: s.endMs - s.startMs }))));
    const duration = (toMs - fromMs) / 1000;
    if (options.format === 'webm') throw new CaptureError('USAGE', 'the render engine writes H.264 + AAC: use --format mp4 or mkv');
    await audioTrack;
    await runProcess(
      options.tools.ffmpeg,
      joinArgs({
        segmentList,
        audioSource: audioFile,
        audioEncoded: true,
        from: fromMs / 1000,
        duration,
        output: run.output,
        format: options.format,
        audioBitrate: options.audioBitrate,
      }),
      { signal: options.signal, label: 'ffmpeg', failureCode: 'FFMPEG_FAILED', missingCode: 'FFMPEG_MISSING' },
    );
    await closing;
    return { engine: 'render', hybrid: options.hybrid, from, to, duration, frames: pictures, segments: segments.length, workers };
  } catch (error) {
    // The others stop with the first failure.
    failed.abort(error);
    throw error;
  }
}
