/**
 * The capture queue shared by `enqueue`, `worker` and `status`: its name, what a job carries, how
 * a job is identified and retried. One job is one recording exported one way; its output name is
 * decided when it is queued, so every worker writes the same file for it.
 */
import { createHash } from 'node:crypto';
import { Queue, type JobsOptions } from 'bullmq';
import { Redis } from 'ioredis';
import { CaptureError, ERROR_CODES, type ErrorCode } from '../errors.js';
import type { OutputFormat } from '../compose/output-format.js';
import type { PageLayout } from '../player/layout-css.js';
import { RESOLUTIONS, type Resolution } from '../options/record-options.js';
import { FORMATS, LAYOUTS, type CaptureSettings } from '../batch/capture-settings.js';
import { ENGINE_CHOICES, type EngineChoice } from '../options/record-options.js';
import { DEFAULT_JOB_RETENTION, type JobRetention, type JobRetry } from './queue-defaults.js';

// Kept importable from here; they live apart so the CLI can show them without loading BullMQ.
export { DEFAULT_JOB_RETENTION, DEFAULT_JOB_RETRY, DEFAULT_QUEUE, type JobRetention, type JobRetry } from './queue-defaults.js';

/** Every per-recording choice, fully resolved at enqueue time. */
export interface JobSettings {
  from: number;
  to: number | null;
  layout: PageLayout;
  resolution: Resolution;
  format: OutputFormat;
  /** Which engine records it (jobs queued before engines existed are `capture`). */
  engine?: EngineChoice | undefined;
}

/**
 * Job names. A recording is one `capture` job, or, rendered in parts, one `join` job whose
 * children are its `render-part` jobs (a BullMQ flow: the join waits until every part is done).
 */
export type CaptureJobName = 'capture' | 'render-part' | 'join';

/** Where the parts of a recording rendered in parts are kept until joined, under the out dir. */
export const PARTS_DIR = '.bbb-capture-parts';

/** What a job carries. */
export interface CaptureJobData {
  version: 1;
  url: string;
  recordId: string;
  /** File name inside the worker's --out-dir (sanitised, unique in the queue). */
  output: string;
  settings: JobSettings;
  /** Where the URL came from (a list line), for messages. */
  source: string;
  enqueuedAt: string;
  /** A `render-part` job: this part of [settings.from, settings.to), written as PARTS_DIR/dir/part-<index>.mp4. */
  part?: { index: number; count: number; from: number; to: number | null; dir: string } | undefined;
  /** A `join` job: joins its `count` parts from PARTS_DIR/dir into `output`. */
  join?: { count: number; dir: string } | undefined;
}

/** What a completed job returns (visible in `status`). */
export interface CaptureJobResult {
  output: string;
  /** Absolute path on the worker that wrote it. */
  path: string;
  durationS: number;
  wallMs: number;
  worker: string;
}

/** Progress a worker publishes on the job while it runs. */
export interface CaptureJobProgress {
  stage: string;
  position: number;
  duration: number;
  worker: string;
}

export type CaptureQueue = Queue<CaptureJobData, CaptureJobResult>;

/**
 * Most parts one recording is cut into. Each part is a queue job that loads the player once; past
 * a thousand the start-ups cost more than spreading gains, and a wrong duration must not flood
 * Redis with jobs. Longer recordings get longer parts instead.
 */
export const MAX_PARTS = 1000;

/**
 * The parts of [from, to) for a recording of `duration` seconds rendered in parts of about
 * `partLength` seconds (the last up to 1.5 parts long, so no sliver is a job of its own); one part
 * when it is short. The last part ends where the whole does (`to`, null = the media's end). Parts
 * are made longer (whole seconds) when there would be more than MAX_PARTS.
 */
export function planParts(from: number, to: number | null, duration: number, partLength: number): Array<{ from: number; to: number | null }> {
  if (!(partLength > 0)) throw new RangeError(`part length must be positive, got ${partLength}`);
  const end = to ?? duration;
  const length = Math.max(partLength, Math.ceil((end - from) / MAX_PARTS));
  const parts: Array<{ from: number; to: number | null }> = [];
  let start = from;
  while (end - start > length * 1.5) {
    parts.push({ from: start, to: start + length });
    start += length;
  }
  parts.push({ from: start, to });
  return parts;
}

/** The options every capture job is added with. */
export function captureJobOptions(jobId: string, retry: JobRetry, retention: JobRetention = DEFAULT_JOB_RETENTION): JobsOptions {
  const age = Math.round(retention.maxAgeDays * 86_400);
  return {
    jobId,
    attempts: retry.attempts,
    backoff: { type: 'exponential', delay: retry.backoffMs },
    // BullMQ removes finished jobs beyond these as later ones finish (age in seconds).
    removeOnComplete: { count: retention.keepDone, age },
    removeOnFail: { count: retention.keepFailed, age },
  };
}

/**
 * The job id: the recording id and a hash of the settings, so queueing the same recording the
 * same way twice finds the first job instead of adding another (BullMQ ignores an add whose id
 * exists). The host is left out on purpose: a record id names one recording on any mirror.
 */
export function captureJobId(recordId: string, settings: JobSettings): string {
  const hash = createHash('sha256')
    .update(
      JSON.stringify([
        settings.from,
        settings.to,
        settings.layout,
        settings.resolution,
        settings.format,
        ...(settings.engine && settings.engine !== 'capture' ? [settings.engine] : []),
      ]),
    )
    .digest('hex')
    .slice(0, 12);
  return `${recordId}-${hash}`;
}

/** Job settings as capture settings (applied over the worker's own options). */
export function jobCaptureSettings(settings: JobSettings): CaptureSettings {
  return { from: settings.from, to: settings.to ?? undefined, layout: settings.layout, resolution: settings.resolution, format: settings.format };
}

/** Checks a job's data (it crossed a network and may come from another version); throws INTERNAL. */
export function checkJobData(data: unknown): CaptureJobData {
  const d = data as Partial<CaptureJobData> | null;
  const s = d?.settings as Partial<JobSettings> | undefined;
  const ok =
    !!d &&
    d.version === 1 &&
    typeof d.url === 'string' &&
    typeof d.output === 'string' &&
    d.output !== '' &&
    !/[/\\]/.test(d.output) &&
    !d.output.startsWith('.') &&
    !!s &&
    typeof s.from === 'number' &&
    (s.to === null || typeof s.to === 'number') &&
    LAYOUTS.includes(s.layout as PageLayout) &&
    (s.resolution as string) in RESOLUTIONS &&
    FORMATS.includes(s.format as OutputFormat) &&
    (s.engine === undefined || ENGINE_CHOICES.includes(s.engine)) &&
    (d.part === undefined ||
      (Number.isInteger(d.part.index) &&
        Number.isInteger(d.part.count) &&
        typeof d.part.from === 'number' &&
        (d.part.to === null || typeof d.part.to === 'number') &&
        /^[A-Za-z0-9_-]+$/.test(d.part.dir))) &&
    (d.join === undefined || (Number.isInteger(d.join.count) && d.join.count > 0 && /^[A-Za-z0-9_-]+$/.test(d.join.dir)));
  if (!ok) throw new CaptureError('INTERNAL', `job data not understood (queued by another bbb-capture version?): ${JSON.stringify(data).slice(0, 300)}`);
  return d as CaptureJobData;
}

/** A job's failure as the worker recorded it: `CODE: message`. */
export function formatJobFailure(code: ErrorCode, message: string): string {
  return `${code}: ${message}`;
}

/** Reads back `CODE: message`; other text (BullMQ's own failures, e.g. a stalled job) has no code. */
export function parseJobFailure(reason: string | undefined): { code: ErrorCode | null; message: string } {
  const m = /^([A-Z_]+): ([\s\S]*)$/.exec(reason ?? '');
  if (m && m[1]! in ERROR_CODES) return { code: m[1] as ErrorCode, message: m[2]! };
  return { code: null, message: reason ?? '' };
}

/**
 * The Redis hash of every output name handed out in a queue: lower-cased name → the id of the job
 * it is for. Names are claimed in it one at a time (HSETNX-like, in a script), so two `enqueue`
 * runs at once never hand out the same name. It outlives the jobs (they are removed after a
 * while; their files are not), so a name once given stays given.
 */
export function outputNamesKey(queueName: string): string {
  return `bull:${queueName}:bbb-capture:names`;
}

/**
 * The Redis hash of what each output name's job did with its file (lower-cased name → JSON
 * OutputCommit, see output-commit-ledger.ts): a job run again after its worker died between the
 * final rename and BullMQ's completion recognises its own file by it. Kept like the names.
 */
export function outputCommitsKey(queueName: string): string {
  return `bull:${queueName}:bbb-capture:commits`;
}

/** What a worker that stopped taking jobs publishes while it waits (read by `status`). */
export interface PausedWorker {
  worker: string;
  reason: 'DISK_FULL';
  outDir: string;
  freeBytes: number;
  resumeAtBytes: number;
  since: string;
}

/**
 * The Redis key a paused worker keeps alive (with an expiry, so a worker that dies while paused
 * drops out of `status` by itself); beside BullMQ's keys of the queue (default prefix `bull`).
 */
export function pausedWorkerKey(queueName: string, worker: string): string {
  return `bull:${queueName}:bbb-capture:paused-worker:${worker}`;
}

/** The queue on an open connection (the caller closes both). */
export function openCaptureQueue(connection: Redis, name: string): CaptureQueue {
  return new Queue<CaptureJobData, CaptureJobResult>(name, { connection });
}

/** The ioredis client a queue was opened on (openCaptureQueue passes one), for our own keys. */
export function queueRedis(queue: CaptureQueue): Redis {
  const client = queue.opts.connection;
  if (!(client instanceof Redis)) throw new CaptureError('INTERNAL', `queue ${queue.name} was not opened by openCaptureQueue`);
  return client;
}
