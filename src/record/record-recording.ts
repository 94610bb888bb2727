/**
 * The capture engine: one recording to one video file by playing it in real time. Read the
 * metadata, open the player in Chromium with its videos transparent, capture the tab (the page
 * layer: slides, whiteboard, cursor, chat) from the first instant to the last while the page
 * reports where it would paint each video, measure where those instants landed in the capture,
 * then let the compositor draw the recording's own webcam and screen-share frames into those
 * boxes and add its own sound; verify, and only then give the file its final name. Every video
 * frame and the A/V sync come from the recording's files, whatever the machine's load did to the
 * live capture.
 */
import path from 'node:path';
import type { Browser, Page } from 'playwright';
import { launchBrowser } from '../browser/launch-browser.js';
import { computeAlignment, pageTimeline, type Alignment } from '../capture/compute-alignment.js';
import { ChunkFileWriter } from '../capture/chunk-file-writer.js';
import { findSyncMarks } from '../capture/find-sync-marks.js';
import { playSyncClip, recorderFailure, startRecorder, stopRecorder, type RecorderStarted } from '../capture/recorder-page-api.js';
import { makeSyncClip, SYNC_CLIP, type SyncClip } from '../capture/sync-clip.js';
import { abortError, CaptureError, throwIfAborted, toCaptureError } from '../errors.js';
import { writeFile } from 'node:fs/promises';
import { compositeArgs, frameListFile, frameTimesArgs, parseFrameTimes } from '../compose/build-composite-args.js';
import { placeLayerChanges } from '../compose/place-layer-changes.js';
import { CLOCK_PICTURE, overlayGraph, overlayRuns, videoFrameInstants, type VideoFrameTimes } from '../compose/video-layers.js';
import { buildMuxArgs } from '../mux/build-mux-args.js';
import { probeVideoPackets } from '../mux/probe-video-packets.js';
import { openPlayer, seekTo } from '../player/open-player.js';
import { pausePlayer, playerSamples, playerStatus, repaintOnce, startPlayback, waitForStillPage } from '../player/player-page-api.js';
import { HIDE_VIDEOS_CLASS, hideVideosCss, probeVideoLayers } from '../player/probe-video-layers.js';
import { stopVideoLayerWatch, watchVideoLayers } from '../player/watch-video-layers.js';
import { runProcess } from '../process/run-process.js';
import { fetchMedia } from '../render/render-recording.js';
import { fetchTimelineDocuments } from '../render/fetch-recording-files.js';
import { deskshareIntervals } from '../render/timeline-times.js';
import type { RecordingInfo } from '../recording/fetch-recording-info.js';
import type { PlaybackTarget } from '../recording/parse-playback-url.js';
import { verifyOutput } from '../verify/verify-output.js';
import { openRecordingJob } from './output-work-dir.js';
import type { RecordOptions } from './record-options.js';

/** What a finished capture reports. */
export interface RecordResult {
  output: string;
  recording: RecordingInfo;
  from: number;
  to: number;
  duration: number;
  alignment: Alignment;
  capture: { width: number | undefined; height: number | undefined; mimeType: string; bytes: number };
  /** What the compositor drew from the recording's files: (video, box) pairs, and why the page drew its videos itself anywhere. */
  videos: { composited: number; pageOnly: string[] };
  wallMs: number;
}

const SYNC_PATH = '/__bbb-capture/sync-clip.webm';
const SINK = '__bbbCaptureSink';
/** The compositor's clock picture (compose/video-layers.ts), in the work directory. */
const CLOCK_FILE = 'clock.ppm';

async function probeFrameTimesMs(file: string, options: RecordOptions): Promise<number[]> {
  const { stdout } = await runProcess(options.tools.ffprobe, frameTimesArgs(file), { signal: options.signal, label: 'ffprobe', failureCode: 'FFMPEG_FAILED', missingCode: 'FFMPEG_MISSING' });
  return Array.from(new Set(parseFrameTimes(stdout).map((t) => Math.round(t * 1000)))).sort((a, b) => a - b);
}

/** The recording's media (sound and webcams) and screen share, downloaded for the compositor. */
async function fetchCompositorMedia(recording: RecordingInfo, target: PlaybackTarget, workDir: string, signal: AbortSignal | undefined) {
  const { deskshareXml } = await fetchTimelineDocuments(target.filesUrl, signal);
  return fetchMedia(recording, target, deskshareIntervals(deskshareXml).length > 0, workDir, signal);
}

async function serverAlive(info: { origin: string }, signal: AbortSignal | undefined): Promise<boolean> {
  try {
    await fetch(info.origin, { method: 'HEAD', signal: signal ? AbortSignal.any([signal, AbortSignal.timeout(5000)]) : AbortSignal.timeout(5000) });
    return true;
  } catch {
    return false;
  }
}

/** Plays from the current (paused) position to `to`, watching for the end, stalls and failures. */
async function playToEnd(page: Page, options: RecordOptions, origin: string, from: number, to: number, mediaDuration: number, writer: ChunkFileWriter): Promise<void> {
  const started = Date.now();
  const stopAt = to < mediaDuration - 0.001 ? to : null;
  await page.evaluate(startPlayback, stopAt);
  let lastTime = -1;
  let lastAdvance = Date.now();
  const guardMs = (to - from) * 1000 * 1.5 + 60_000;
  for (;;) {
    throwIfAborted(options.signal);
    await new Promise((r) => setTimeout(r, 250));
    // A full disk or lost permissions show up here first.
    writer.check();
    const [status, failure] = await Promise.all([page.evaluate(playerStatus), page.evaluate(recorderFailure)]).catch((error: unknown) => {
      throw new CaptureError('CHROMIUM_CRASHED', `the browser page died during capture: ${(error as Error).message.split('\n')[0]}`, { cause: error });
    });
    if (failure) throw new CaptureError('CAPTURE_FAILED', `tab capture failed: ${failure}`);
    options.onEvent({ type: 'progress', position: Math.max(0, status.currentTime - from), duration: to - from, elapsedMs: Date.now() - started });
    if (status.ended || (stopAt !== null && status.currentTime >= stopAt)) {
      if (status.currentTime < to - 0.5) {
        throw new CaptureError('PLAYBACK_ENDED_EARLY', `playback ended at ${status.currentTime.toFixed(1)} s of ${to.toFixed(1)} s`);
      }
      if (stopAt !== null) await page.evaluate(pausePlayer);
      // Let the last pictures reach the capture before anything covers the page, then repaint
      // once: tab capture sends frames only on repaints, and this one (after the cut) makes the
      // last picture last until the end of the output.
      await new Promise((r) => setTimeout(r, 500));
      await page.evaluate(repaintOnce);
      await new Promise((r) => setTimeout(r, 200));
      return;
    }
    if (status.error) throw new CaptureError('PLAYBACK_STALLED', `the player's media failed at ${status.currentTime.toFixed(1)} s: ${status.error}`);
    if (status.currentTime !== lastTime) {
      lastTime = status.currentTime;
      lastAdvance = Date.now();
    } else if (Date.now() - lastAdvance > options.stallTimeoutMs) {
      const where = `at ${status.currentTime.toFixed(1)} s of ${to.toFixed(1)} s`;
      if (!(await serverAlive({ origin }, options.signal))) {
        throw new CaptureError('SERVER_LOST', `the recording's server stopped answering ${where}`);
      }
      throw new CaptureError('PLAYBACK_STALLED', `playback stalled ${where} for ${Math.round(options.stallTimeoutMs / 1000)} s${status.paused ? ' (the player paused itself)' : ''}`);
    }
    if (Date.now() - started > guardMs) {
      throw new CaptureError('PLAYBACK_STALLED', `playback never ended: ${Math.round((Date.now() - started) / 1000)} s passed for ${Math.round(to - from)} s of recording`);
    }
  }
}

/** Records one BBB recording to options.output. */
export async function recordRecording(options: RecordOptions): Promise<RecordResult> {
  const wallStart = Date.now();
  const emit = options.onEvent;
  const { target, recording, out } = await openRecordingJob(options);
  const { workDir, partial } = out;
  let browser: Browser | undefined;
  // The media download runs while the browser starts and the recording plays.
  const media = fetchCompositorMedia(recording, target, workDir, options.signal);
  media.catch(() => undefined);
  try {
    const clip: SyncClip = await makeSyncClip(workDir, options.tools, options.signal);
    emit({ type: 'stage', stage: 'browser', message: `starting ${options.chromiumPath}` });
    browser = await launchBrowser({
      executablePath: options.chromiumPath,
      runningAsRoot: options.runningAsRoot,
      signal: options.signal,
      onLog: (line) => emit({ type: 'log', source: 'chromium', line }),
    });
    let browserGone = false;
    browser.on('disconnected', () => (browserGone = true));
    emit({ type: 'stage', stage: 'player', message: `opening ${target.playerUrl}` });
    const { page, context } = await openPlayer(browser, {
      target,
      width: options.width,
      height: options.height,
      layout: options.layout,
      eventRate: options.eventRate,
      fontFile: options.fontFile,
      localResources: new Map([[SYNC_PATH, { body: clip.bytes, contentType: 'video/webm' }]]),
      readyTimeoutMs: options.readyTimeoutMs,
      signal: options.signal,
      onLog: (line) => emit({ type: 'log', source: 'page', line }),
    });
    // The page layer: the videos are transparent, the compositor draws them from the files.
    await page.addStyleTag({ content: hideVideosCss() });
    await page.evaluate(`window.__bbbProbeVideoLayers = ${probeVideoLayers.toString()};`);
    const mediaDuration = await page.evaluate(() => window.__bbbPlayer!.media.duration);
    if (Math.abs(mediaDuration - recording.duration) > Math.max(2, recording.duration * 0.02)) {
      emit({ type: 'warning', message: `media lasts ${mediaDuration.toFixed(1)} s but metadata.xml says ${recording.duration.toFixed(1)} s; following the media, as the player does` });
    }
    const from = options.from;
    const to = Math.min(options.to ?? mediaDuration, mediaDuration);
    if (!(from >= 0 && from < to)) throw new CaptureError('USAGE', `--from ${from} must be before --to ${to.toFixed(3)} and within the recording (0-${mediaDuration.toFixed(3)} s)`);
    await seekTo(page, from);
    // The first time event may start more loading (BBB 3.0 whiteboards): let the page settle.
    if (!(await page.evaluate(waitForStillPage, 3000))) emit({ type: 'warning', message: 'the player kept changing for 3 s after the first seek; capturing anyway' });

    // From here on the page reports where it would paint each video, and hides them.
    await page.evaluate(watchVideoLayers, HIDE_VIDEOS_CLASS);
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));

    const captureFile = path.join(workDir, 'capture.mkv');
    const writer = new ChunkFileWriter(captureFile);
    // The page runs strangers' content: the writer checks what arrives, nothing is trusted here.
    await page.exposeBinding(SINK, (_source, sequence: unknown, base64: unknown) => writer.writeBase64(sequence, base64));
    emit({ type: 'stage', stage: 'capture', message: `capturing ${(to - from).toFixed(1)} s at ${options.width}x${options.height}` });
    const mimeType = options.format === 'webm' ? 'video/webm;codecs=vp8,opus' : 'video/x-matroska;codecs=avc1,opus';
    const started: RecorderStarted = await page.evaluate(startRecorder, {
      width: options.width,
      height: options.height,
      maxFps: options.maxCaptureFps,
      videoBitsPerSecond: options.videoBitrate,
      audioBitsPerSecond: 256_000,
      mimeType,
      sink: SINK,
      timesliceMs: 1000,
    });
    if (started.width !== options.width || started.height !== options.height) {
      emit({ type: 'warning', message: `tab capture delivers ${started.width}x${started.height}, not ${options.width}x${options.height}` });
    }
    // Let the paused first picture reach the recorder: it is the keyframe the file starts with.
    await new Promise((r) => setTimeout(r, 300));
    await playToEnd(page, options, target.origin, from, to, mediaDuration, writer);
    const { samples } = await page.evaluate(playerSamples);
    const watch = await page.evaluate(stopVideoLayerWatch, HIDE_VIDEOS_CLASS);
    const pageOnly = Array.from(new Set(watch.changes.map((c) => c.pageOnly).filter((r): r is string => r !== null)));
    for (const reason of pageOnly) emit({ type: 'log', source: 'page', line: `the page drew its videos itself for a while: ${reason}` });
    emit({ type: 'log', source: 'page', line: `video boxes: ${watch.changes.length} changes, ${watch.probes} looks, ${watch.probeMs.toFixed(0)} ms spent looking` });
    emit({ type: 'stage', stage: 'sync', message: 'measuring sync' });
    const clipStartMs = await page.evaluate(() => performance.now());
    const clipShown = await page.evaluate(playSyncClip, SYNC_PATH).catch((error: unknown) => {
      throw new CaptureError('CAPTURE_FAILED', `sync clip: ${(error as Error).message}`, { cause: error });
    });
    await page.evaluate(stopRecorder);
    await writer.close();
    await context.close();
    await browser.close();
    if (browserGone && writer.bytes === 0) throw new CaptureError('CHROMIUM_CRASHED', 'Chromium exited during capture');
    const marks = await findSyncMarks(captureFile, (clipStartMs - started.startedAt) / 1000 - 1, SYNC_CLIP.channel, options.tools, options.signal);
    const alignment = computeAlignment({
      samples,
      from,
      clipFrameTimes: clip.frameTimes,
      clipBeepTime: clip.beepTime,
      clipShown,
      clipFramesInFile: marks.frames,
      beepInFile: marks.beep,
    });
    if (alignment.maxLagMs > 250) {
      emit({ type: 'warning', message: `playback fell ${Math.round(alignment.maxLagMs)} ms behind during capture (buffering or CPU starvation): slides and whiteboard hold a picture there (the videos and sound come from the recording's files)` });
    }

    emit({ type: 'stage', stage: 'mux', message: 'cutting the page layer' });
    const fromMs = Math.round(from * 1000);
    const toMs = Math.round(to * 1000);
    const duration = (toMs - fromMs) / 1000;
    const h264 = !mimeType.startsWith('video/webm');
    // The page layer on the output timeline, by stream copy (see mux/build-mux-args.ts). MP4 keeps
    // the last picture's duration (Matroska does not); VP8 (a WebM capture) goes into WebM.
    const pageLayer = path.join(workDir, h264 ? 'page-layer.mp4' : 'page-layer.webm');
    // The page layer's own timeline, from the player's time events: where it showed the part's
    // first instant, and where it fell behind (a stall, a starved machine). The file time of a page
    // clock instant comes from the sync clip, as for the start from the video frames.
    const videoOffsetMs = (alignment.videoStart - alignment.pageStart) * 1000;
    const timeline = pageTimeline(watch.timeEvents, from) ?? { startMs: alignment.pageStart * 1000, steps: [] };
    const lag = timeline.steps;
    const totalLagMs = lag.at(-1)?.lagMs ?? 0;
    if (totalLagMs > 0) emit({ type: 'log', source: 'page', line: `the page fell behind the recording's timeline by ${totalLagMs} ms in ${lag.length} step(s); its pictures are put back on the timeline` });
    const pageVideoStart = (timeline.startMs + videoOffsetMs) / 1000;
    const lagSteps = lag.map((s) => ({ atMs: s.pageMs + videoOffsetMs, lagMs: s.lagMs }));
    const lagAt = (pageMs: number) => lag.reduce((l, s) => (s.pageMs <= pageMs ? s.lagMs : l), 0);
    const packets = await probeVideoPackets(captureFile, pageVideoStart, pageVideoStart + duration + totalLagMs / 1000, options.tools, options.signal);
    await runProcess(
      options.tools.ffmpeg,
      buildMuxArgs({ input: captureFile, output: pageLayer, format: h264 ? 'mp4' : 'webm', videoStart: pageVideoStart, duration, ...packets, lagSteps }),
      { signal: options.signal, label: 'ffmpeg', failureCode: 'FFMPEG_FAILED', missingCode: 'FFMPEG_MISSING' },
    );

    const { mediaFile, deskshareFile } = await media;
    const pictures = placeLayerChanges(watch.changes, { toOutputMs: (pageMs) => pageMs - timeline.startMs - lagAt(pageMs), fromMs, toMs, pageFrameTimesMs: await probeFrameTimesMs(pageLayer, options), frame: { width: options.width, height: options.height } });
    const runs = overlayRuns(pictures, fromMs, toMs);
    let overlay: ReturnType<typeof overlayGraph> | undefined;
    let composited = 0;
    if (runs.length > 0) {
      emit({ type: 'stage', stage: 'mux', message: `compositing the recording's own ${runs.some((r) => r.box.kind === 'screenshare') ? 'webcams and screen share' : 'webcams'} (${runs.length} box${runs.length === 1 ? '' : 'es'}), writing ${options.format}` });
      const shows = (kind: 'webcams' | 'screenshare') => runs.some((r) => r.box.kind === kind);
      const sourceFile = { webcams: shows('webcams') && recording.media === 'video' ? mediaFile : undefined, screenshare: shows('screenshare') ? deskshareFile : undefined };
      const [webcams, screenshare] = await Promise.all([sourceFile.webcams ? probeFrameTimesMs(sourceFile.webcams, options) : [], sourceFile.screenshare ? probeFrameTimesMs(sourceFile.screenshare, options) : []]);
      const videoTimes: VideoFrameTimes = { webcams, screenshare };
      // A box whose video the recording does not have (no screen-share file) cannot be drawn.
      const drawable = runs.filter((r) => sourceFile[r.box.kind] !== undefined);
      if (drawable.length < runs.length) emit({ type: 'warning', message: 'the player showed a video the recording has no file for; its box stays as the page painted it' });
      if (drawable.length > 0) {
        await writeFile(path.join(workDir, CLOCK_FILE), CLOCK_PICTURE);
        const clock = path.join(workDir, 'clock.ffconcat');
        const ticks = [fromMs, ...videoFrameInstants(pictures, toMs, videoTimes).filter((t) => t > fromMs)];
        await writeFile(clock, frameListFile(ticks.map((timeMs) => ({ file: CLOCK_FILE, timeMs })), toMs));
        const sources = {
          webcams: sourceFile.webcams ? { file: sourceFile.webcams, frameTimesMs: webcams } : undefined,
          screenshare: sourceFile.screenshare ? { file: sourceFile.screenshare, frameTimesMs: screenshare } : undefined,
        };
        overlay = overlayGraph(drawable, sources, fromMs, clock, { width: options.width, height: options.height });
        composited = drawable.length;
      }
    } else {
      emit({ type: 'stage', stage: 'mux', message: `writing ${options.format}` });
    }
    await runProcess(
      options.tools.ffmpeg,
      compositeArgs({ pageLayer, overlay, audio: { source: mediaFile, from: fromMs / 1000 }, duration, format: options.format, fps: options.fps, audioBitrate: options.audioBitrate, output: partial }),
      { signal: options.signal, label: 'ffmpeg (compose)', failureCode: 'FFMPEG_FAILED', missingCode: 'FFMPEG_MISSING' },
    );
    if (options.verify) {
      emit({ type: 'stage', stage: 'verify', message: 'checking the result' });
      await verifyOutput({ video: partial, expectedDuration: duration, expectAudio: true, tools: options.tools, signal: options.signal });
    }
    await out.commit();
    emit({ type: 'stage', stage: 'done', message: `wrote ${options.output}` });
    return {
      output: options.output,
      recording,
      from,
      to,
      duration,
      alignment,
      capture: { width: started.width, height: started.height, mimeType: started.mimeType, bytes: writer.bytes },
      videos: { composited, pageOnly },
      wallMs: Date.now() - wallStart,
    };
  } catch (error) {
    // Whatever broke while stopping (a closed page, a killed ffmpeg) is the abort's doing.
    if (options.signal?.aborted) throw abortError(options.signal);
    throw toCaptureError(error);
  } finally {
    await browser?.close().catch(() => undefined);
    const kept = await out.cleanup(options.keepTemp);
    if (kept) emit({ type: 'log', source: 'ffmpeg', line: `kept work files in ${kept}` });
  }
}
