/**
 * One recording to one video file (or, with --split, a set), the one function `record`, `batch`
 * and the worker call. It checks the options once; opens the recording once (metadata, then its
 * documents and media downloaded into the job's work directory); finds the camera tiles where a
 * composed layout needs them; starts Chromium and opens the player; chooses the engine (auto:
 * render where the player keeps the clock contract and the recording allows it, capture
 * otherwise; see choose-engine.ts) and says which and why; runs it; composes the layout around its
 * output; verifies every file; and only then gives each its final name (flushed, and never over
 * another file unless asked). Whatever fails, no partial file is left under a final name and no
 * Chromium or ffmpeg is left running.
 */
import { statfs } from 'node:fs/promises';
import path from 'node:path';
import type { Browser } from 'playwright';
import { launchBrowser } from '../browser/launch-browser.js';
import { addCards } from '../cards/add-cards.js';
import type { CardJoinResult } from '../cards/join-cards.js';
import { renderCards, type CardPictures } from '../cards/render-cards.js';
import { captureRecording, type CaptureOutput } from '../engines/capture/capture-recording.js';
import type { EngineRun } from '../engines/engine-run.js';
import { renderRecording, type RenderOutput } from '../engines/render/render-recording.js';
import { abortError, CaptureError, toCaptureError } from '../errors.js';
import { composeLayout, planLayout, type ComposedFile, type ComposedLayoutResult } from '../layout/compose-layout.js';
import { writeOtioTimeline } from '../layout/write-otio-timeline.js';
import { openPlayer } from '../player/open-player.js';
import { readClockContract } from '../player/read-clock-contract.js';
import { defaultOutputBase } from './output-name.js';
import { INSECURE_WARNING } from '../options/record-options.js';
import type { RecordingInfo } from '../recording/fetch-recording-info.js';
import { openRecording, readRecordingHead } from '../recording/open-recording.js';
import { verifyOutput, type OutputCheck } from '../verify/verify-output.js';
import { addPublishingTracks } from '../mux/add-publishing-tracks.js';
import { isAudioFormat } from '../options/audio-format.js';
import { exportAudio, type AudioOutput } from '../engines/audio/export-audio.js';
import { runProcess } from '../process/run-process.js';
import { restreamRtmp, type RestreamResult } from '../publish/restream-rtmp.js';
import { startLiveStream, type LiveStream } from '../publish/stream-live-parts.js';
import { streamableCopyArgs } from '../publish/streamable-copy-args.js';
import { streamFileTo } from '../publish/stream-file-to.js';
import { chooseEngine } from './choose-engine.js';
import { checkMediaLength } from './check-media-length.js';
import { validateJobOptions, type JobOptions } from './job-options.js';
import { openOutputWorkDir } from '../staging/output-work-dir.js';
import { renderPages } from '../engines/render/render-pages.js';
import { jobTimeoutMs } from './job-timeout-ms.js';
import { startJobDeadline } from './start-job-deadline.js';

/** What a finished job reports: the engine's own report, the composition's, and why that engine. */
export type JobResult = (CaptureOutput | RenderOutput | AudioOutput) &
  Partial<ComposedLayoutResult> & {
    output: string;
    recording: RecordingInfo;
    engineReason: string;
    wallMs: number;
    cards?: CardJoinResult;
    /** --split: the editor timeline (NAME.otio) of the split files. */
    otio?: string;
    /** `--rtmp`: where the live stream had to resume after drops. */
    rtmp?: RestreamResult | undefined;
    /** What verify found in each written file (none with --no-verify): for reports and webhooks. */
    checks: OutputCheck[];
  };

/**
 * The least free space a job starts with once the recording's media are downloaded: its work files
 * (a sync clip, pictures or a capture, segments) and the output come next. Refused here, the job
 * says so before any browser starts rather than failing half-way with a truncated work file.
 */
export const MIN_FREE_BYTES = 32 * 2 ** 20;

async function checkFreeSpace(dir: string): Promise<void> {
  const fs = await statfs(dir);
  const free = fs.bavail * fs.bsize;
  if (free < MIN_FREE_BYTES)
    throw new CaptureError(
      'DISK_FULL',
      `the disk is full: ${dir} has ${Math.round(free / 1024)} KiB free, and a job needs at least ${MIN_FREE_BYTES / 2 ** 20} MiB for its work files and output`,
    );
}

/** Runs one export job. */
export async function runJob(options: JobOptions): Promise<JobResult> {
  const wallStart = Date.now();
  validateJobOptions(options);
  // From here every step runs on the job's signal, which also aborts at the job's deadline.
  const deadline = startJobDeadline(options.signal);
  options = { ...options, signal: deadline.signal };
  // A limit given outright holds from the start; a derived one once the recording's length is known.
  if (options.jobTimeoutSeconds !== null) deadline.limit(options.jobTimeoutSeconds * 1000);
  try {
    return await runJobWithin(options, wallStart, (seconds, engine) => deadline.limit(jobTimeoutMs(seconds, engine, options.jobTimeoutSeconds)));
  } catch (error) {
    // Whatever a step threw while the job was being stopped, the stop is what happened.
    if (deadline.signal.aborted) throw abortError(deadline.signal);
    throw error;
  } finally {
    deadline.clear();
  }
}

/** runJob on the job's signal; `limit` (re)sets the deadline once the length and then the engine are known. */
async function runJobWithin(options: JobOptions, wallStart: number, limit: (seconds: number, engine: 'capture' | 'render') => void): Promise<JobResult> {
  const emit = options.onEvent;
  if (options.insecure) emit({ type: 'warning', message: INSECURE_WARNING });
  const head = await readRecordingHead(options.url, options.signal, (message) => emit({ type: 'stage', stage: 'metadata', message }), options.credentials);
  const seconds = Math.min(options.to ?? head.info.duration, head.info.duration) - options.from;
  // Until the engine is chosen, the longer limit (render's) holds.
  limit(seconds, options.engine === 'capture' ? 'capture' : 'render');
  // `-o -`: the file is made in a work directory under workRoot and streamed, never committed.
  const output = options.pipe
    ? path.join(options.pipe.workRoot, `${defaultOutputBase(head.info)}.${options.format}`)
    : path.resolve(options.output ?? `${defaultOutputBase(head.info)}.${options.format}`);
  const out = await openOutputWorkDir(output);
  const format = options.format;
  // `--rtmp` with the render engine: streamed live as the parts are rendered (set once the engine is chosen).
  let live: LiveStream | undefined;
  /**
   * Verifies the files, then gives them their final names, or (`-o -`) streams the one file, in
   * its streamable form, exactly as verified; then re-streams it live (`--rtmp`). `added`: seconds
   * the cards added to the first file; `extra`: files written beside it (chapters, poster, OTIO),
   * committed with it but not checked as media.
   */
  const deliver = async (
    files: ComposedFile[],
    duration: number,
    expect: { audio: boolean; video: boolean },
    more: { added: number; extra: string[]; webcamFrameTimes?: readonly number[] | undefined } = { added: 0, extra: [] },
  ): Promise<{ rtmp?: RestreamResult; checks: OutputCheck[] }> => {
    let main = files.find((f) => f.file === output)?.partial ?? files[0]!.partial;
    if (options.pipe) {
      const streamable = path.join(out.workDir, `stream.${format}`);
      const copy = streamableCopyArgs(format, main, streamable);
      if (copy) {
        emit({ type: 'stage', stage: 'mux', message: 'remuxing into a streamable (fragmented) file' });
        await runProcess(options.tools.ffmpeg, copy, { signal: options.signal, label: 'ffmpeg (streamable remux)', failureCode: 'FFMPEG_FAILED', missingCode: 'FFMPEG_MISSING' });
        main = streamable;
      }
      files = [{ ...files[0]!, file: output, partial: main }];
    }
    const checks: OutputCheck[] = [];
    if (options.verify) {
      emit({ type: 'stage', stage: 'verify', message: 'checking the result' });
      for (const [i, file] of files.entries()) {
        checks.push(
          await verifyOutput({
            video: file.partial,
            expectedDuration: duration + (i === 0 ? more.added : 0),
            expectAudio: expect.audio,
            expectVideo: expect.video,
            tools: options.tools,
            signal: options.signal,
            maxLeadingBlack: file.maxLeadingBlack,
            webcamFrameTimes: i === 0 ? more.webcamFrameTimes : undefined,
          }),
        );
      }
    }
    if (options.pipe) {
      emit({ type: 'stage', stage: 'publish', message: 'writing the file to stdout' });
      await streamFileTo(main, options.pipe.stream, options.signal);
    } else {
      await out.commit([...files.map((f) => f.file), ...more.extra], options.replace);
      main = output;
    }
    if (live) return { checks, rtmp: await live.done };
    if (options.rtmpUrl !== undefined) {
      emit({ type: 'stage', stage: 'publish', message: `streaming to ${options.rtmpUrl.replace(/\/[^/]*$/, '/…')} in real time ${(duration + more.added).toFixed(1)} s)` });
      return {
        checks,
        rtmp: await restreamRtmp({ file: main, url: options.rtmpUrl, duration: duration + more.added, tools: options.tools, signal: options.signal, onEvent: emit }),
      };
    }
    return { checks };
  };
  let browser: Browser | undefined;
  // Stops the download when something else failed first.
  const stopOpening = new AbortController();
  try {
    emit({ type: 'stage', stage: 'metadata', message: "fetching the recording's timelines and media" });
    // The download runs while Chromium starts and the player loads (a composed layout needs the
    // webcams video first: its camera tiles decide how large the page is laid out).
    const opening = openRecording(head, out.workDir, {
      tools: options.tools,
      signal: AbortSignal.any([stopOpening.signal, ...(options.signal ? [options.signal] : [])]),
      credentials: options.credentials,
    }).then(async (r) => {
      await checkFreeSpace(out.workDir);
      await checkMediaLength(r, {
        to: options.to,
        allow: options.allowTruncatedMedia,
        tools: options.tools,
        signal: options.signal,
        onWarning: (message) => emit({ type: 'warning', message }),
      });
      return r;
    });
    opening.catch(() => undefined);
    // Audio only: the recording's own sound, cut by samples, with no browser started.
    if (isAudioFormat(format)) {
      const recording = await opening;
      const decision = chooseEngine(options.engine, { format, externalVideos: recording.externalVideos, clockContract: undefined })!;
      emit({ type: 'engine', engine: 'none', reason: decision.reason });
      const { audio, files: besides } = await exportAudio(recording, out.partialOf(output), {
        format,
        from: options.from,
        to: options.to,
        audioBitrate: options.audioBitrate,
        streamable: options.pipe !== undefined,
        chapters: options.chapters,
        chaptersFile: options.chaptersFile,
        workDir: out.workDir,
        partialOf: out.partialOf,
        tools: options.tools,
        signal: options.signal,
        onEvent: emit,
      });
      const delivered = await deliver([{ file: output, partial: out.partialOf(output) }], audio.duration, { audio: true, video: false }, { added: 0, extra: besides });
      emit({ type: 'stage', stage: 'done', message: options.pipe ? 'wrote the sound to stdout' : `wrote ${output}` });
      return { ...audio, output: options.pipe ? '-' : output, recording: head.info, engineReason: decision.reason, wallMs: Date.now() - wallStart, ...delivered };
    }
    const context = { tools: options.tools, signal: options.signal, onEvent: emit };
    const plan = options.compose ? await planLayout(await opening, options.compose, { width: options.width, height: options.height }, context) : null;
    // A composed layout has the page laid out as its content area, at exactly the size it is shown at.
    const page = plan ? { layout: 'content' as const, ...plan.content } : { layout: options.layout, width: options.width, height: options.height };

    emit({ type: 'stage', stage: 'browser', message: `starting ${options.chromiumPath}` });
    browser = await launchBrowser({
      executablePath: options.chromiumPath,
      runningAsRoot: options.runningAsRoot,
      signal: options.signal,
      onLog: (line) => emit({ type: 'log', source: 'chromium', line }),
      onWarning: (message) => emit({ type: 'warning', message }),
    });
    // Cards first: a template that cannot load stops the job before the long export.
    let cardPictures: CardPictures | null = null;
    if (options.cards) {
      emit({ type: 'stage', stage: 'browser', message: 'rendering the title and credits cards' });
      cardPictures = await renderCards(browser, options.cards, head.info, {
        width: plan?.spec.width ?? options.width,
        height: plan?.spec.height ?? options.height,
        workDir: out.workDir,
        signal: options.signal,
      });
    }
    const openPage = () =>
      openPlayer(browser!, {
        target: head.target,
        ...page,
        eventRate: options.eventRate,
        fontFile: options.fontFile,
        localResources: new Map(),
        readyTimeoutMs: options.readyTimeoutMs,
        insecure: options.insecure,
        credentials: options.credentials?.bind(head.target.origin),
        signal: options.signal,
        onLog: (line) => emit({ type: 'log', source: 'page', line }),
      });
    emit({ type: 'stage', stage: 'player', message: `opening ${head.target.playerUrl}` });
    const [player, recording] = await Promise.all([openPage(), opening]);
    const facts = { format: options.format, externalVideos: recording.externalVideos };
    const decision =
      chooseEngine(options.engine, { ...facts, clockContract: undefined }) ??
      chooseEngine(options.engine, {
        ...facts,
        clockContract: await readClockContract(player.page),
      })!;
    emit({ type: 'engine', engine: decision.engine, reason: decision.reason });
    limit(seconds, decision.engine === 'render' ? 'render' : 'capture');

    const composing = plan !== null && !plan.onlyContent;
    // Live only where the rendered segments are the final picture: a composed layout, cards or
    // burnt captions are made from the whole export, which is then streamed once cut.
    if (options.rtmpUrl !== undefined && decision.engine === 'render' && !composing && !cardPictures && options.captions !== 'burn' && !options.videoOnly)
      live = startLiveStream({
        url: options.rtmpUrl,
        audioSource: recording.files.media,
        audioBitrate: options.audioBitrate,
        workDir: out.workDir,
        tools: options.tools,
        signal: options.signal,
        onEvent: emit,
      });
    const engineFile = composing ? path.join(out.workDir, `content.${options.format}`) : out.partialOf(output);
    const run: EngineRun = {
      recording,
      session: { browser, player, openPage },
      options: { ...options, format, ...page, workers: renderPages(options.workers, seconds), hybrid: options.hybrid, videoOnly: options.videoOnly },
      workDir: out.workDir,
      output: engineFile,
      segments: live?.sink,
    };
    const engineOutput = decision.engine === 'render' ? await renderRecording(run) : await captureRecording(run);
    // Chromium exits while the layout, the tracks and verify run; `finally` waits for it.
    const closingBrowser = browser.close();
    closingBrowser.catch(() => undefined);

    let files: ComposedFile[] = [{ file: output, partial: engineFile }];
    let composed: Partial<ComposedLayoutResult> = {};
    if (plan && composing) {
      ({ files, result: composed } = await composeLayout(
        recording,
        plan,
        options.compose!,
        { contentFile: engineFile, from: engineOutput.from, duration: engineOutput.duration, output, partialOf: out.partialOf, format, fps: options.fps },
        context,
      ));
    } else if (plan) {
      composed = { layout: { spec: plan.spec, cameraIntervals: plan.cameras?.intervals ?? [] }, split: null };
    }
    const main = files.find((f) => f.file === output);
    let extraFiles: string[] = [];
    // A video-only farm part gets its tracks once joined; captions, chapters and tags go on the whole.
    if (main && !options.videoOnly) {
      const sources = {
        info: head.info,
        captions: recording.captions,
        presentationText: recording.presentationText,
        shapesSvg: recording.docs.xml[0] ?? '',
        shares: recording.shares,
      };
      const published = await addPublishingTracks({
        sources,
        choices: options,
        video: main.partial,
        format,
        from: engineOutput.from,
        duration: engineOutput.duration,
        workDir: out.workDir,
        partialOf: out.partialOf,
        tools: options.tools,
        signal: options.signal,
        onEvent: emit,
      });
      extraFiles = published.files;
    }
    // The cards go around the main output only (its subtitles and chapters shifted with it);
    // --split files keep the recording's timeline.
    const cards = cardPictures
      ? await addCards(files[0]!.partial, cardPictures, options.cards!, { ...options, format, workDir: out.workDir, signal: options.signal, onEvent: emit })
      : undefined;
    if (cards && cardPictures?.intro) files[0] = { ...files[0]!, maxLeadingBlack: options.cards!.length + (files[0]!.maxLeadingBlack ?? 0.1) };
    // --split: an editor timeline of the split files, given its name with them.
    const otio = composed.split ? path.join(path.dirname(output), `${path.basename(output, path.extname(output))}.otio`) : undefined;
    if (otio) await writeOtioTimeline(otio, out.partialOf(otio), composed.split!, recording, { from: engineOutput.from, duration: engineOutput.duration, fps: options.fps ?? 30 });
    // Where the webcams are drawn at their own frame times (the player's layouts, no --fps, no
    // cards moving the timeline), verify counts which of them have a frame in the file.
    const webcamsAtOwnTimes = recording.info.media === 'video' && options.layout !== 'content' && options.compose === null && options.fps === undefined && !cards;
    const webcamFrameTimes = webcamsAtOwnTimes
      ? recording.frameTimesMs.webcams.map((ms) => ms / 1000 - engineOutput.from).filter((t) => t >= 0 && t < engineOutput.duration)
      : undefined;
    const delivered = await deliver(
      files,
      engineOutput.duration,
      { audio: !options.videoOnly, video: true },
      { added: cards?.added ?? 0, extra: [...extraFiles, ...(otio ? [otio] : [])], webcamFrameTimes },
    );
    emit({ type: 'stage', stage: 'done', message: options.pipe ? 'wrote the video to stdout' : `wrote ${output}` });
    return {
      ...engineOutput,
      ...composed,
      output: options.pipe ? '-' : output,
      recording: head.info,
      engineReason: decision.reason,
      wallMs: Date.now() - wallStart,
      ...delivered,
      ...(cards ? { cards } : {}),
      ...(otio ? { otio } : {}),
    };
  } catch (error) {
    stopOpening.abort();
    // Whatever broke while stopping (a closed page, a killed ffmpeg) is the abort's doing.
    if (options.signal?.aborted) throw abortError(options.signal);
    throw toCaptureError(error);
  } finally {
    // The live stream reads its parts from the work directory: it stops before that goes.
    await live?.stop(new CaptureError('ABORTED', 'the job ended before the live stream did'));
    await browser?.close().catch(() => undefined);
    const kept = await out.cleanup(options.keepTemp);
    if (kept) emit({ type: 'log', source: 'ffmpeg', line: `kept work files in ${kept}` });
  }
}
