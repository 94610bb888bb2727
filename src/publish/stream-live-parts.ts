/**
 * `--rtmp URL` with the render engine: the talk streamed live while it is rendered. The engine
 * hands over each segment as it is encoded (a SegmentSink); each becomes a part of the stream
 * (live-part-args.ts: its picture and its slice of one AAC encode of the whole export, remuxed
 * into MPEG-TS on one clock), and one ffmpeg reads the parts in order from its stdin at real-time
 * pace and copies them into FLV at the URL. The stream starts once the first part is ready; a part
 * not ready in time makes it wait, never skip. A dropped connection is retried from the start of
 * the part it broke in (resume-part.ts), after a pause that grows with each attempt; a server that
 * keeps refusing is RTMP_FAILED once the retries are spent (progress since the last drop earns the
 * retries back, as restreamRtmp does).
 */
import { once } from 'node:events';
import { createReadStream } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as delay } from 'node:timers/promises';
import type { SegmentSink } from '../engines/engine-run.js';
import { abortError, CaptureError } from '../errors.js';
import type { RecordEvent } from '../progress/record-event.js';
import type { FfmpegTools } from '../process/find-ffmpeg.js';
import { runProcess, startProcess } from '../process/run-process.js';
import { adtsFrames } from './adts-frames.js';
import { audioSlices } from './audio-slices.js';
import { LIVE_SAMPLE_RATE, liveAudioArgs } from './live-audio-args.js';
import { livePartArgs } from './live-part-args.js';
import { liveStreamArgs } from './live-stream-args.js';
import { createPartQueue } from './part-queue.js';
import { parseOutTime } from './parse-out-time.js';
import { redactRtmpUrl } from './redact-rtmp-url.js';
import type { RestreamResult } from './restream-rtmp.js';
import { resumePart } from './resume-part.js';

/**
 * Longest part of a live stream, ms: the stream starts about one part's render after the
 * rendering does, and a broken stream resumes at most this much before where it broke. Shorter
 * means one more encoder start per part.
 */
export const LIVE_PART_MS = 4000;

/** Options of startLiveStream. */
export interface LiveStreamOptions {
  url: string;
  /** The recording's media holding the sound. */
  audioSource: string;
  audioBitrate: number;
  /** The job's work directory: the parts are written there. */
  workDir: string;
  tools: FfmpegTools;
  signal: AbortSignal | undefined;
  onEvent: (event: RecordEvent) => void;
  /** Attempts after a failure with no progress in between (default 3). */
  retries?: number | undefined;
  /** Pause before the first retry, doubled for each further one (default 1000 ms). */
  retryDelayMs?: number | undefined;
}

/** What a live stream took. */
export interface LiveStreamResult extends RestreamResult {
  /** Streamed while rendering (not after the export). */
  live: true;
  parts: number;
  /** Where each part starts on the output's timeline, in seconds: a resume starts at one of them. */
  partStarts: number[];
}

/** A live stream being fed by the render. */
export interface LiveStream {
  /** Give this to the render engine (EngineRun.segments). */
  sink: SegmentSink;
  /** Settles when the whole export has been streamed, or with RTMP_FAILED, or when stopped. */
  done: Promise<LiveStreamResult>;
  /** Stops the stream (the render failed, or the job is over) and waits for its ffmpeg to exit. */
  stop(reason: unknown): Promise<void>;
}

/** Starts a live stream to options.url that streams the render's segments as they come. */
export function startLiveStream(options: LiveStreamOptions): LiveStream {
  const retries = options.retries ?? 3;
  const retryDelayMs = options.retryDelayMs ?? 1000;
  const emit = options.onEvent;
  const shown = redactRtmpUrl(options.url);
  const stopper = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, stopper.signal]) : stopper.signal;
  const run = (args: string[], label: string) => runProcess(options.tools.ffmpeg, args, { signal, label, failureCode: 'FFMPEG_FAILED', missingCode: 'FFMPEG_MISSING' });
  const parts = createPartQueue<string>();
  let planned: (startsMs: number[]) => void = () => undefined;
  let notPlanned: (error: unknown) => void = () => undefined;
  const plan = new Promise<number[]>((resolve, reject) => {
    planned = resolve;
    notPlanned = reject;
  });
  plan.catch(() => undefined);
  let sound: Promise<{ data: Buffer; ends: number[]; slices: ReturnType<typeof audioSlices> }> | undefined;
  let remuxing: Promise<void> = Promise.resolve();

  const sink: SegmentSink = {
    maxSegmentMs: LIVE_PART_MS,
    planned(span, segments) {
      const startsMs = segments.map((s) => s.startMs - span.fromMs);
      const adts = path.join(options.workDir, 'live.aac');
      // The sound of the whole export, encoded while the first part renders.
      sound = (async () => {
        await run(
          liveAudioArgs({ source: options.audioSource, from: span.fromMs / 1000, duration: (span.toMs - span.fromMs) / 1000, audioBitrate: options.audioBitrate, output: adts }),
          'ffmpeg (live sound)',
        );
        const data = await readFile(adts);
        const frames = adtsFrames(data);
        return { data, ends: [...frames.map((f) => f.offset), data.length], slices: audioSlices(startsMs, frames.length, LIVE_SAMPLE_RATE) };
      })();
      sound.catch((error: unknown) => parts.fail(error));
      planned(startsMs);
    },
    encoded(index, file) {
      // One remux at a time, in the order the segments come (cheap: nothing is re-encoded).
      remuxing = remuxing.then(async () => {
        const starts = await plan;
        const { data, ends, slices } = await sound!;
        const slice = slices[index]!;
        const audio = path.join(options.workDir, `live-${index}.aac`);
        await writeFile(audio, data.subarray(ends[slice.first], ends[slice.end]));
        const output = path.join(options.workDir, `live-${index}.ts`);
        await run(livePartArgs({ video: file, audio, start: starts[index]! / 1000, audioOffset: slice.offset, output }), 'ffmpeg (live part)');
        parts.put(index, output);
      });
      remuxing.catch((error: unknown) => parts.fail(error));
    },
  };

  const stream = async (startsMs: number[]): Promise<LiveStreamResult> => {
    const resumedFrom: number[] = [];
    let first = 0;
    let failures = 0;
    let furthest = 0;
    let announced = false;
    for (;;) {
      const attempt = new AbortController();
      const attemptSignal = AbortSignal.any([signal, attempt.signal]);
      const child = startProcess(options.tools.ffmpeg, liveStreamArgs(options.url), {
        signal: attemptSignal,
        label: `ffmpeg (streaming to ${shown})`,
        failureCode: 'RTMP_FAILED',
        missingCode: 'FFMPEG_MISSING',
        // An RTMP server may hold a closing connection; the stream is over either way.
        killGraceMs: 2000,
      });
      // Writes after the child went away fail; its exit says why.
      child.stdin.on('error', () => undefined);
      let sent = 0;
      const lines = createInterface({ input: child.stdout });
      lines.on('line', (line) => {
        const t = parseOutTime(line);
        if (t !== undefined && t > sent) sent = t;
      });
      // A part that cannot come (the render failed): the stream stops with that failure.
      let broken: { error: unknown } | undefined;
      const feeding = (async () => {
        for (let i = first; i < startsMs.length; i++) {
          let file: string;
          try {
            file = await parts.get(i, attemptSignal);
          } catch (error) {
            if (!attempt.signal.aborted) broken = { error };
            attempt.abort();
            return;
          }
          if (!announced) {
            announced = true;
            emit({ type: 'stage', stage: 'publish', message: `streaming live to ${shown} as the render's ${startsMs.length} parts are ready` });
          }
          try {
            // By hand, not pipeline(): stdin stays open across parts, and pipeline({ end: false })
            // leaves its listeners on it, one set per part.
            for await (const chunk of createReadStream(file, { signal: attemptSignal })) {
              if (!child.stdin.write(chunk as Buffer)) await once(child.stdin, 'drain', { signal: attemptSignal });
            }
          } catch {
            return;
          }
        }
        child.stdin.end();
      })();
      try {
        await child.done;
        await feeding;
        return { live: true, parts: startsMs.length, partStarts: startsMs.map((ms) => ms / 1000), resumedFrom };
      } catch (error) {
        attempt.abort();
        await feeding;
        if (broken) throw broken.error;
        if (signal.aborted) throw abortError(signal);
        if (!(error instanceof CaptureError) || error.code !== 'RTMP_FAILED') throw error;
        // ffmpeg names the URL in its errors: keep the key out of logs and reports.
        const said = error.message.split(options.url).join(shown);
        const detail = error.detail?.split(options.url).join(shown);
        const position = startsMs[first]! / 1000 + sent;
        // A drop past where the last one was is a new outage, with its retries; one at the same place
        // (the stream went back to a part's start and sent that again) is the same one.
        if (position > furthest + 1) failures = 0;
        furthest = Math.max(furthest, position);
        failures++;
        if (failures > retries)
          throw new CaptureError(
            'RTMP_FAILED',
            `streaming to ${shown} failed ${failures} time${failures === 1 ? '' : 's'} in a row, furthest at ${furthest.toFixed(1)} s: ${said}`,
            {
              detail,
            },
          );
        first = resumePart(startsMs, position);
        const wait = retryDelayMs * 2 ** (failures - 1);
        emit({
          type: 'warning',
          message: `the stream to ${shown} broke at ${position.toFixed(1)} s (${said}); resuming from the part at ${(startsMs[first]! / 1000).toFixed(1)} s in ${(wait / 1000).toFixed(1)} s (retry ${failures} of ${retries})`,
        });
        await delay(wait, undefined, { signal }).catch(() => {
          throw abortError(signal);
        });
        resumedFrom.push(startsMs[first]! / 1000);
      } finally {
        lines.close();
      }
    }
  };

  const done = plan.then(stream);
  done.catch(() => undefined);
  return {
    sink,
    done,
    async stop(reason) {
      stopper.abort(reason);
      parts.fail(reason);
      notPlanned(reason);
      await done.catch(() => undefined);
      await remuxing.catch(() => undefined);
      await sound?.catch(() => undefined);
    },
  };
}
