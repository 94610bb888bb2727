/**
 * One recording to one video file: read the metadata, open the player in Chromium, capture the
 * tab from the first instant to the last, measure where those instants landed in the capture,
 * cut and mux with ffmpeg, verify, and only then give the file its final name.
 */
import path from 'node:path';
import type { Browser, Page } from 'playwright';
import { launchBrowser } from '../browser/launch-browser.js';
import { computeAlignment, type Alignment } from '../capture/compute-alignment.js';
import { ChunkFileWriter } from '../capture/chunk-file-writer.js';
import { findSyncMarks } from '../capture/find-sync-marks.js';
import { playSyncClip, recorderFailure, startRecorder, stopRecorder, type RecorderStarted } from '../capture/recorder-page-api.js';
import { makeSyncClip, SYNC_CLIP, type SyncClip } from '../capture/sync-clip.js';
import { abortError, CaptureError, throwIfAborted, toCaptureError } from '../errors.js';
import { buildMuxArgs } from '../mux/build-mux-args.js';
import { probeVideoPackets } from '../mux/probe-video-packets.js';
import { openPlayer, seekTo } from '../player/open-player.js';
import { pausePlayer, playerSamples, playerStatus, repaintOnce, startPlayback, waitForStillPage } from '../player/player-page-api.js';
import { runProcess } from '../process/run-process.js';
import type { RecordingInfo } from '../recording/fetch-recording-info.js';
import { verifyOutput } from '../verify/verify-output.js';
import { openRecordingJob } from './output-work-dir.js';
import { INSECURE_WARNING, type RecordOptions } from './record-options.js';

/** What a finished capture reports. */
export interface RecordResult {
  output: string;
  recording: RecordingInfo;
  from: number;
  to: number;
  duration: number;
  alignment: Alignment;
  capture: { width: number | undefined; height: number | undefined; mimeType: string; bytes: number };
  wallMs: number;
}

const SYNC_PATH = '/__bbb-capture/sync-clip.webm';
const SINK = '__bbbCaptureSink';

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
  try {
    const clip: SyncClip = await makeSyncClip(workDir, options.tools, options.signal);
    emit({ type: 'stage', stage: 'browser', message: `starting ${options.chromiumPath}` });
    browser = await launchBrowser({
      executablePath: options.chromiumPath,
      runningAsRoot: options.runningAsRoot,
      signal: options.signal,
      onLog: (line) => emit({ type: 'log', source: 'chromium', line }),
      onWarning: (message) => emit({ type: 'warning', message }),
    });
    if (options.insecure) emit({ type: 'warning', message: INSECURE_WARNING });
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
      insecure: options.insecure,
      signal: options.signal,
      onLog: (line) => emit({ type: 'log', source: 'page', line }),
    });
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

    const captureFile = path.join(workDir, 'capture.mkv');
    const writer = new ChunkFileWriter(captureFile);
    await page.exposeBinding(SINK, async (_source, sequence: number, base64: string) => {
      await writer.write(sequence, Buffer.from(base64, 'base64'));
    });
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
      emit({ type: 'warning', message: `playback fell ${Math.round(alignment.maxLagMs)} ms behind during capture (buffering or CPU starvation): the video holds a frame there` });
    }

    emit({ type: 'stage', stage: 'mux', message: `writing ${options.format}` });
    const packets = await probeVideoPackets(captureFile, alignment.videoStart, alignment.videoStart + (to - from), options.tools, options.signal);
    const args = buildMuxArgs({
      input: captureFile,
      output: partial,
      format: options.format,
      videoStart: alignment.videoStart,
      audioStart: alignment.audioStart,
      duration: to - from,
      ...packets,
      fps: options.fps,
      copyVideo: options.format !== 'webm' || mimeType.startsWith('video/webm'),
      audioBitrate: options.audioBitrate,
      hasAudio: true,
      crf: 20,
    });
    await runProcess(options.tools.ffmpeg, args, { signal: options.signal, label: 'ffmpeg', failureCode: 'FFMPEG_FAILED', missingCode: 'FFMPEG_MISSING' });
    if (options.verify) {
      emit({ type: 'stage', stage: 'verify', message: 'checking the result' });
      await verifyOutput({ video: partial, expectedDuration: to - from, expectAudio: true, tools: options.tools, signal: options.signal });
    }
    await out.commit();
    emit({ type: 'stage', stage: 'done', message: `wrote ${options.output}` });
    return {
      output: options.output,
      recording,
      from,
      to,
      duration: to - from,
      alignment,
      capture: { width: started.width, height: started.height, mimeType: started.mimeType, bytes: writer.bytes },
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
