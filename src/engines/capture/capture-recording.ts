/**
 * The capture engine: the recording played in real time. The player page plays with its videos
 * transparent while the tab is captured (the page layer: slides, whiteboard, cursor, chat,
 * whatever the page animates) and the page reports where it would paint each video; a sync clip
 * played before playback starts shows where page-clock instants landed in the capture; the page layer is
 * then cut by stream copy and put on the recording's timeline by the player's own time events,
 * and the compositor draws the recording's own webcam and screen-share frames into those boxes
 * and adds its own sound, cut by samples. Every video frame and the A/V sync come from the
 * recording's files, whatever the machine's load did to the live capture.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright';
import { computeAlignment, pageTimeline, type Alignment } from './compute-alignment.js';
import { ChunkFileWriter } from './chunk-file-writer.js';
import { findSyncMarks } from './find-sync-marks.js';
import { playSyncClip, recorderFailure, startRecorder, stopRecorder, type RecorderStarted } from './recorder-page-api.js';
import { retimePageLayer } from './retime-page-layer.js';
import { makeSyncClip, SYNC_CLIP } from './sync-clip.js';
import { compositeArgs, frameListFile } from '../../compose/build-composite-args.js';
import { CAPTURED_PAGE_COLOUR } from '../../compose/colour.js';
import { placeLayerChanges } from '../../compose/place-layer-changes.js';
import { retimePictures } from '../../compose/retime-pictures.js';
import { snapShareEdges } from '../../compose/snap-share-edges.js';
import { CLOCK_PICTURE, overlayGraph, overlayRuns, videoFrameInstants, type VideoKind } from '../../compose/video-layers.js';
import { CaptureError, throwIfAborted } from '../../errors.js';
import { buildMuxArgs } from '../../mux/build-mux-args.js';
import { probeVideoPackets } from '../../mux/probe-video-packets.js';
import { probeWebmOpusShift } from '../../mux/probe-webm-opus-shift.js';
import { seekTo } from '../../player/open-player.js';
import { PAGE_STEP_DEADLINE_MS, pageHung } from '../../player/page-hung.js';
import { withDeadline } from '../../player/with-deadline.js';
import { pausePlayer, playerSamples, playerStatus, repaintOnce, startPlayback, waitForStillPage } from '../../player/player-page-api.js';
import { probePresentationBox } from '../../player/probe-presentation-box.js';
import { presentationTimes } from '../../recording/presentation-times.js';
import { slideChangeTimes } from '../../recording/slide-change-times.js';
import { timelineTimes } from '../../recording/timeline-times.js';
import { HIDE_VIDEOS_CLASS, hideVideosCss, probeVideoLayers } from '../../player/probe-video-layers.js';
import { stopVideoLayerWatch, watchVideoLayers } from '../../player/watch-video-layers.js';
import { runProcess } from '../../process/run-process.js';
import type { EngineOptions, EngineOutput, EngineRun } from '../engine-run.js';

/** What a finished capture reports. */
export interface CaptureOutput extends EngineOutput {
  engine: 'capture';
  alignment: Alignment;
  capture: { width: number | undefined; height: number | undefined; mimeType: string; bytes: number };
  /** What the compositor drew from the recording's files: (video, box) pairs, and why the page drew its videos itself anywhere. */
  videos: { composited: number; pageOnly: string[] };
  /** How far the page fell behind the recording's timeline during the capture (put right in the output), ms. */
  pageLagMs: number;
}

const SYNC_PATH = '/__bbb-capture/sync-clip.webm';
const SINK = '__bbbCaptureSink';
/** The compositor's clock picture (compose/video-layers.ts), in the work directory. */
const CLOCK_FILE = 'clock.ppm';

async function serverAlive(info: { origin: string }, signal: AbortSignal | undefined): Promise<boolean> {
  try {
    await fetch(info.origin, { method: 'HEAD', signal: signal ? AbortSignal.any([signal, AbortSignal.timeout(5000)]) : AbortSignal.timeout(5000) });
    return true;
  } catch {
    return false;
  }
}

/** One step on the page (PAGE_HUNG if the page does not answer in time). */
function step<T>(what: string, promise: Promise<T>, ms = PAGE_STEP_DEADLINE_MS): Promise<T> {
  return withDeadline(promise, ms, pageHung(what, ms));
}

/** Plays from the current (paused) position to `to`, watching for the end, stalls and failures. */
async function playToEnd(page: Page, options: EngineOptions, origin: string, from: number, to: number, mediaDuration: number, writer: ChunkFileWriter): Promise<void> {
  const started = Date.now();
  const stopAt = to < mediaDuration - 0.001 ? to : null;
  await step('starting playback', page.evaluate(startPlayback, stopAt));
  let lastTime = -1;
  let lastAdvance = Date.now();
  const guardMs = (to - from) * 1000 * 1.5 + 60_000;
  for (;;) {
    throwIfAborted(options.signal);
    await new Promise((r) => setTimeout(r, 250));
    // A full disk or lost permissions show up here first.
    writer.check();
    const [status, failure] = await step('reading the playback status', Promise.all([page.evaluate(playerStatus), page.evaluate(recorderFailure)])).catch((error: unknown) => {
      if (error instanceof CaptureError) throw error;
      throw new CaptureError('CHROMIUM_CRASHED', `the browser page died during capture: ${(error as Error).message.split('\n')[0]}`, { cause: error });
    });
    if (failure) throw new CaptureError('CAPTURE_FAILED', `tab capture failed: ${failure}`);
    options.onEvent({ type: 'progress', position: Math.max(0, status.currentTime - from), duration: to - from, elapsedMs: Date.now() - started });
    if (status.ended || (stopAt !== null && status.currentTime >= stopAt)) {
      if (status.currentTime < to - 0.5) {
        throw new CaptureError('PLAYBACK_ENDED_EARLY', `playback ended at ${status.currentTime.toFixed(1)} s of ${to.toFixed(1)} s`);
      }
      if (stopAt !== null) await step('pausing', page.evaluate(pausePlayer));
      // Let the last pictures reach the capture before anything covers the page, then repaint
      // once: tab capture sends frames only on repaints, and this one (after the cut) makes the
      // last picture last until the end of the output.
      await new Promise((r) => setTimeout(r, 500));
      await step('repainting', page.evaluate(repaintOnce));
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
      throw new CaptureError(
        'PLAYBACK_STALLED',
        `playback stalled ${where} for ${Math.round(options.stallTimeoutMs / 1000)} s${status.paused ? ' (the player paused itself)' : ''}`,
      );
    }
    if (Date.now() - started > guardMs) {
      throw new CaptureError('PLAYBACK_STALLED', `playback never ended: ${Math.round((Date.now() - started) / 1000)} s passed for ${Math.round(to - from)} s of recording`);
    }
  }
}

/** Captures the part of run.recording the options name into run.output. */
export async function captureRecording(run: EngineRun): Promise<CaptureOutput> {
  const { recording, options, workDir } = run;
  const { page } = run.session.player;
  const emit = options.onEvent;
  const clip = await makeSyncClip(workDir, options.tools, options.signal);
  // The sync clip is served as a file of the recording's server, so the page may play it.
  await page.route(`${recording.target.origin}${SYNC_PATH}`, (route) =>
    route.fulfill({ status: 200, body: clip.bytes, headers: { 'content-type': 'video/webm', 'accept-ranges': 'none' } }),
  );
  // The page layer: the videos are transparent, the compositor draws them from the files.
  await step('hiding the videos', page.addStyleTag({ content: hideVideosCss() }));
  await step('installing the video probe', page.evaluate(`window.__bbbProbeVideoLayers = ${probeVideoLayers.toString()};`));
  const mediaDuration = await step(
    'reading the media duration',
    page.evaluate(() => window.__bbbPlayer!.media.duration),
  );
  if (Math.abs(mediaDuration - recording.info.duration) > Math.max(2, recording.info.duration * 0.02)) {
    emit({
      type: 'warning',
      message: `media lasts ${mediaDuration.toFixed(1)} s but metadata.xml says ${recording.info.duration.toFixed(1)} s; following the media, as the player does`,
    });
  }
  const from = options.from;
  const to = Math.min(options.to ?? mediaDuration, mediaDuration);
  if (!(from >= 0 && from < to)) throw new CaptureError('USAGE', `--from ${from} must be before --to ${to.toFixed(3)} and within the recording (0-${mediaDuration.toFixed(3)} s)`);
  await seekTo(page, from);
  // The first time event may start more loading (BBB 3.0 whiteboards): let the page settle.
  if (!(await step('waiting for a still page', page.evaluate(waitForStillPage, 3000))))
    emit({ type: 'warning', message: 'the player kept changing for 3 s after the first seek; capturing anyway' });
  // Where slides, whiteboard and cursor change: their captured frames are put back on their instants.
  const presentation = await step('finding the presentation', page.evaluate(probePresentationBox));
  const captureFile = path.join(workDir, 'capture.mkv');
  const writer = new ChunkFileWriter(captureFile);
  // The page runs strangers' content: the writer checks what arrives, nothing is trusted here.
  await step(
    'exposing the chunk sink',
    page.exposeBinding(SINK, (_source, sequence: unknown, base64: unknown) => writer.writeBase64(sequence, base64)),
  );
  emit({ type: 'stage', stage: 'sync', message: 'measuring sync' });
  const mimeType = options.format === 'webm' ? 'video/webm;codecs=vp8,opus' : 'video/x-matroska;codecs=avc1,opus';
  const started: RecorderStarted = await step(
    'starting the tab capture',
    page.evaluate(startRecorder, {
      width: options.width,
      height: options.height,
      maxFps: options.maxCaptureFps,
      videoBitsPerSecond: options.videoBitrate,
      audioBitsPerSecond: 256_000,
      mimeType,
      sink: SINK,
      timesliceMs: 1000,
    }),
  );
  if (started.width !== options.width || started.height !== options.height) {
    emit({ type: 'warning', message: `tab capture delivers ${started.width}x${started.height}, not ${options.width}x${options.height}` });
  }
  // The sync clip plays first, while the encoder is not yet behind: on a loaded machine VP8 falls
  // seconds behind during playback, and stopping the recorder drops what it has not encoded (the
  // clip played after the end never reached the file).
  const clipStartMs = await step(
    'reading the page clock',
    page.evaluate(() => performance.now()),
  );
  // The page bounds its own waits for the clip (30 s to load, its length + 30 s to play). A clip
  // the page could not play costs the measurement, not the job (see the fallback below).
  let clipProblem: string | undefined;
  const clipShown = await step('playing the sync clip', page.evaluate(playSyncClip, SYNC_PATH), PAGE_STEP_DEADLINE_MS * 3).catch((error: unknown) => {
    if (error instanceof CaptureError) throw error;
    clipProblem = `the page could not play it (${(error as Error).message.split('\n')[0]})`;
    return [];
  });
  const clipEndMs = await step(
    'reading the page clock',
    page.evaluate(() => performance.now()),
  );
  // From here on the page reports where it would paint each video, and hides them.
  await step('watching the video boxes', page.evaluate(watchVideoLayers, HIDE_VIDEOS_CLASS));
  await step(
    'painting',
    page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))),
  );

  emit({ type: 'stage', stage: 'capture', message: `capturing ${(to - from).toFixed(1)} s at ${options.width}x${options.height}` });
  // Let the paused first picture reach the recorder: it is the keyframe the file starts with.
  await new Promise((r) => setTimeout(r, 300));
  await playToEnd(page, options, recording.target.origin, from, to, mediaDuration, writer);
  const { samples } = await step('reading the frame samples', page.evaluate(playerSamples));
  const watch = await step('reading the video boxes', page.evaluate(stopVideoLayerWatch, HIDE_VIDEOS_CLASS));
  const pageOnly = Array.from(new Set(watch.changes.map((c) => c.pageOnly).filter((r): r is string => r !== null)));
  for (const reason of pageOnly) emit({ type: 'log', source: 'page', line: `the page drew its videos itself for a while: ${reason}` });
  emit({ type: 'log', source: 'page', line: `video boxes: ${watch.changes.length} changes, ${watch.probes} looks, ${watch.probeMs.toFixed(0)} ms spent looking` });
  // The page bounds its own waits (10 s to stop, 30 s for the last chunks).
  await step('stopping the tab capture', page.evaluate(stopRecorder), PAGE_STEP_DEADLINE_MS * 2).catch((error: unknown) => {
    if (error instanceof CaptureError) throw error;
    throw new CaptureError('CAPTURE_FAILED', `stopping the tab capture: ${(error as Error).message.split('\n')[0]}`, { cause: error });
  });
  await writer.close();
  await run.session.player.context.close();
  if (writer.bytes === 0) throw new CaptureError('CAPTURE_FAILED', 'the tab capture recorded nothing');
  const marks =
    clipShown.length > 0
      ? await findSyncMarks(
          captureFile,
          { from: (clipStartMs - started.startedAt) / 1000 - 1, duration: (clipEndMs - clipStartMs) / 1000 + 3 },
          SYNC_CLIP.channel,
          options.tools,
          options.signal,
        )
      : undefined;
  if (marks && marks.frames.size === 0) clipProblem = 'none of its frames reached the capture (the encoder fell behind)';
  const alignment = computeAlignment({
    samples,
    from,
    clipFrameTimes: clip.frameTimes,
    clipBeepTime: clip.beepTime,
    clipShown,
    clipFramesInFile: marks?.frames ?? new Map(),
    beepInFile: marks?.beep,
    recorderStartedAt: started.startedAt,
  });
  if (alignment.sync === 'recorder-start')
    emit({
      type: 'warning',
      message: `the sync clip was not captured: ${clipProblem ?? 'no frame of it matched'}; the page layer is placed by the recorder's start instead, which a loaded machine may put a second or more off (slide and whiteboard changes near their instants are still put on them; video boxes may switch early or late; every video frame and the sound still come from the recording's files)`,
    });
  else
    emit({
      type: 'log',
      source: 'page',
      line: `sync clip: ${alignment.syncFrames} frames, spread ${Math.round(alignment.syncSpreadMs)} ms, ${Math.round((alignment.videoStart - alignment.pageStart + started.startedAt / 1000) * 1000)} ms from the recorder's start`,
    });
  if (alignment.sync === 'clip' && alignment.syncSpreadMs > 100)
    emit({
      type: 'log',
      source: 'page',
      line: `sync measurement spread ${Math.round(alignment.syncSpreadMs)} ms over ${alignment.syncFrames} frames (a loaded machine); its median is used`,
    });

  emit({ type: 'stage', stage: 'mux', message: 'cutting the page layer' });
  const fromMs = Math.round(from * 1000);
  const toMs = Math.round(to * 1000);
  const duration = (toMs - fromMs) / 1000;
  // The page layer's own timeline, from the player's time events: where it showed the part's
  // first instant, and where it fell behind (a stall, a starved machine). The file time of a page
  // clock instant comes from the sync clip, as for the start from the video frames.
  const videoOffsetMs = (alignment.videoStart - alignment.pageStart) * 1000;
  const timeline = pageTimeline(watch.timeEvents, from) ?? { startMs: alignment.pageStart * 1000, steps: [] };
  const lag = timeline.steps;
  const pageLagMs = lag.at(-1)?.lagMs ?? 0;
  if (pageLagMs > 250)
    emit({
      type: 'warning',
      message: `playback fell ${pageLagMs} ms behind during capture (buffering or CPU starvation): slides and whiteboard are put back on the recording's timeline there, holding a picture while the page stood still (the videos and sound come from the recording's files)`,
    });
  else if (pageLagMs > 0)
    emit({
      type: 'log',
      source: 'page',
      line: `the page fell ${pageLagMs} ms behind the recording's timeline in ${lag.length} step(s); its pictures are put back on the timeline`,
    });
  const pageVideoStart = (timeline.startMs + videoOffsetMs) / 1000;
  const lagSteps = lag.map((s) => ({ atMs: s.pageMs + videoOffsetMs, lagMs: s.lagMs }));
  const lagAt = (pageMs: number) => lag.reduce((l, s) => (s.pageMs <= pageMs ? s.lagMs : l), 0);
  const h264 = !mimeType.startsWith('video/webm');
  // The page layer on the output timeline, by stream copy (see mux/build-mux-args.ts). MP4 keeps
  // the last picture's duration (Matroska does not); VP8 (a WebM capture) goes into WebM.
  const pageLayer = path.join(workDir, h264 ? 'page-layer.mp4' : 'page-layer.webm');
  const { prerollPackets, lastPacket } = await probeVideoPackets(captureFile, pageVideoStart, pageVideoStart + duration + pageLagMs / 1000, options.tools, options.signal);
  const ffmpeg = { signal: options.signal, label: 'ffmpeg', failureCode: 'FFMPEG_FAILED', missingCode: 'FFMPEG_MISSING' } as const;
  await runProcess(
    options.tools.ffmpeg,
    buildMuxArgs({ input: captureFile, output: pageLayer, format: h264 ? 'mp4' : 'webm', videoStart: pageVideoStart, duration, prerollPackets, lastPacket, lagSteps }),
    ffmpeg,
  );

  const pageFrames = await probeVideoPackets(pageLayer, 0, duration, options.tools, options.signal);
  const retiming = await retimePageLayer(pageLayer, pageFrames.times, presentation, {
    instantsMs: timelineTimes(recording.docs).map((t) => Math.round(t * 1000) - fromMs),
    slideInstantsMs: slideChangeTimes(recording.docs.xml[0] ?? '').map((t) => Math.round(t * 1000) - fromMs),
    shownInstantsMs: presentationTimes(recording.docs).map((t) => Math.round(t * 1000) - fromMs),
    durationMs: toMs - fromMs,
    tools: options.tools,
    signal: options.signal,
  });
  emit({ type: 'log', source: 'page', line: retiming.summary });
  const placed = placeLayerChanges(watch.changes, {
    toOutputMs: (pageMs) => pageMs - timeline.startMs - lagAt(pageMs),
    fromMs,
    toMs,
    pageFrameTimesMs: pageFrames.times.map((t) => Math.round(t * 1000)),
    frame: { width: options.width, height: options.height },
  });
  // A box change snapped to a frame moves with it (the page showed both in the same paint); the
  // screen share's own box changes then go onto the instants deskshare.xml gives them.
  const pictures = snapShareEdges(
    retimePictures(placed, (timeMs) => fromMs + retiming.mapTime(timeMs - fromMs)),
    recording.shares.map((s) => ({ startMs: s.start * 1000, stopMs: s.stop * 1000 })),
    { fromMs, toMs },
  );
  const sourceFile: Record<VideoKind, string | undefined> = {
    webcams: recording.info.media === 'video' ? recording.files.media : undefined,
    screenshare: recording.files.deskshare,
  };
  const runs = overlayRuns(pictures, fromMs, toMs);
  // A box whose video the recording has no file for cannot be drawn: it stays as the page painted it.
  const drawable = runs.filter((r) => sourceFile[r.box.kind] !== undefined);
  if (drawable.length < runs.length) emit({ type: 'warning', message: 'the player showed a video the recording has no file for; its box stays as the page painted it' });
  let overlay: ReturnType<typeof overlayGraph> | undefined;
  if (drawable.length > 0) {
    const kinds = Array.from(new Set(drawable.map((r) => r.box.kind)));
    emit({
      type: 'stage',
      stage: 'mux',
      message: `compositing the recording's own ${kinds.join(' and ')} (${drawable.length} box${drawable.length === 1 ? '' : 'es'}), writing ${options.format}`,
    });
    await writeFile(path.join(workDir, CLOCK_FILE), CLOCK_PICTURE);
    const clock = path.join(workDir, 'clock.ffconcat');
    const ticks = [fromMs, ...videoFrameInstants(pictures, toMs, recording.frameTimesMs).filter((t) => t > fromMs)];
    await writeFile(
      clock,
      frameListFile(
        ticks.map((timeMs) => ({ file: CLOCK_FILE, timeMs })),
        toMs,
      ),
    );
    const source = (kind: VideoKind) => (sourceFile[kind] ? { file: sourceFile[kind]!, frameTimesMs: recording.frameTimesMs[kind], matrix: recording.matrices[kind] } : undefined);
    overlay = overlayGraph(
      drawable,
      { webcams: source('webcams'), screenshare: source('screenshare') },
      fromMs,
      clock,
      { width: options.width, height: options.height },
      { page: `${retiming.filter}${CAPTURED_PAGE_COLOUR}` },
    );
  } else {
    emit({ type: 'stage', stage: 'mux', message: `writing ${options.format}` });
  }
  // WebM: where this ffmpeg's muxer would move the video past Opus's pre-skip, the sound's timestamps move instead.
  const opusLead = options.format === 'webm' && !options.videoOnly ? await probeWebmOpusShift(options.tools, workDir, options.signal) : 0;
  await runProcess(
    options.tools.ffmpeg,
    compositeArgs({
      pageLayer,
      pageColour: `${retiming.filter}${CAPTURED_PAGE_COLOUR}`,
      overlay,
      audio: options.videoOnly ? undefined : { source: recording.files.media, from: fromMs / 1000, opusLead },
      duration,
      format: options.format,
      fps: options.fps,
      audioBitrate: options.audioBitrate,
      output: run.output,
    }),
    { ...ffmpeg, label: 'ffmpeg (compose)' },
  );
  return {
    engine: 'capture',
    from,
    to,
    duration,
    alignment,
    capture: { width: started.width, height: started.height, mimeType: started.mimeType, bytes: writer.bytes },
    videos: { composited: drawable.length, pageOnly },
    pageLagMs,
  };
}
