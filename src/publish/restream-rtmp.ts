/**
 * `--rtmp URL`: the finished export sent to a live-streaming server at real-time pace, after the
 * export and its checks: for the capture engine, and for a render whose final picture is made
 * from the whole export (a composed layout, cards, burnt captions; otherwise stream-live-parts.ts
 * streams the render's parts as they come). A dropped connection is retried from the last position ffmpeg
 * reported sending (`-progress` out_time), after a pause that grows with each attempt; a server
 * that keeps refusing is RTMP_FAILED once the retries are spent. Progress made since the last drop
 * earns the stream its retries back: a long talk may survive several short outages.
 */
import { createInterface } from 'node:readline';
import { setTimeout as delay } from 'node:timers/promises';
import { abortError, CaptureError } from '../errors.js';
import type { RecordEvent } from '../progress/record-event.js';
import type { FfmpegTools } from '../process/find-ffmpeg.js';
import { startProcess } from '../process/run-process.js';
import { parseOutTime } from './parse-out-time.js';
import { IN_FLIGHT_S } from './resume-part.js';
import { redactRtmpUrl } from './redact-rtmp-url.js';
import { rtmpArgs } from './rtmp-args.js';

/** Options of restreamRtmp. */
export interface RestreamOptions {
  file: string;
  url: string;
  /** Length of the file, seconds (for progress). */
  duration: number;
  tools: FfmpegTools;
  signal: AbortSignal | undefined;
  onEvent: (event: RecordEvent) => void;
  /** Attempts after a failure with no progress in between (default 3). */
  retries?: number | undefined;
  /** Pause before the first retry, doubled for each further one (default 1000 ms). */
  retryDelayMs?: number | undefined;
}

/** What the stream took. */
export interface RestreamResult {
  /** Positions (s) each resumed attempt started from. */
  resumedFrom: number[];
}

const redact = redactRtmpUrl;

/** `text` with every mention of `url` redacted. */
function hideKey(text: string, url: string): string {
  return text.split(url).join(redact(url));
}

/** Streams `file` to `url` in real time, resuming after drops; throws RTMP_FAILED when retries run out. */
export async function restreamRtmp(options: RestreamOptions): Promise<RestreamResult> {
  const retries = options.retries ?? 3;
  const retryDelayMs = options.retryDelayMs ?? 1000;
  const emit = options.onEvent;
  const started = Date.now();
  const resumedFrom: number[] = [];
  let position = 0;
  let furthest = 0;
  let failures = 0;
  for (;;) {
    const from = position;
    let sent = 0;
    const child = startProcess(options.tools.ffmpeg, rtmpArgs({ input: options.file, from, url: options.url }), {
      signal: options.signal,
      label: `ffmpeg (streaming to ${redact(options.url)})`,
      failureCode: 'RTMP_FAILED',
      missingCode: 'FFMPEG_MISSING',
      // An RTMP server may hold a closing connection; the stream is over either way.
      killGraceMs: 2000,
    });
    child.stdin.end();
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      const t = parseOutTime(line);
      if (t === undefined || !(t > sent)) return;
      sent = t;
      emit({ type: 'progress', position: Math.min(options.duration, from + sent), duration: options.duration, elapsedMs: Date.now() - started });
    });
    try {
      await child.done;
      return { resumedFrom };
    } catch (error) {
      if (options.signal?.aborted) throw abortError(options.signal);
      if (!(error instanceof CaptureError) || error.code !== 'RTMP_FAILED') throw error;
      // ffmpeg names the URL in its errors: keep the key out of logs and reports.
      const said = hideKey(error.message, options.url);
      const detail = error.detail === undefined ? undefined : hideKey(error.detail, options.url);
      const broke = Math.min(options.duration, from + Math.max(0, sent));
      // A drop past where the last one was is a new outage, with its retries; one at the same place
      // (the stream went back by IN_FLIGHT_S and sent that again) is the same one.
      if (broke > furthest + 1) failures = 0;
      furthest = Math.max(furthest, broke);
      failures++;
      // Back by what may have been in flight: sent is what left ffmpeg, not what the server got.
      position = Math.max(0, broke - IN_FLIGHT_S);
      if (failures > retries) {
        throw new CaptureError(
          'RTMP_FAILED',
          `streaming to ${redact(options.url)} failed ${failures} time${failures === 1 ? '' : 's'} in a row, furthest at ${furthest.toFixed(1)} s: ${said}`,
          { detail },
        );
      }
      const wait = retryDelayMs * 2 ** (failures - 1);
      emit({
        type: 'warning',
        message: `the stream to ${redact(options.url)} broke at ${broke.toFixed(1)} s (${said}); resuming from ${position.toFixed(1)} s in ${(wait / 1000).toFixed(1)} s (retry ${failures} of ${retries})`,
      });
      await delay(wait, undefined, { signal: options.signal }).catch(() => {
        throw abortError(options.signal!);
      });
      resumedFrom.push(position);
    } finally {
      lines.close();
    }
  }
}
