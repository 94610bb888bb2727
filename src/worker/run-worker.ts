/**
 * A capture worker: takes jobs from the queue and records them, `concurrency` at a time, until
 * stopped. Any number of workers on any number of hosts can share a queue (and an output
 * directory, e.g. over NFS).
 *
 * Crashes: the worker holds a lock on each job it runs (`lockDuration`, renewed every half of
 * it). A worker that dies — SIGKILL, OOM, power — stops renewing; another worker's stall check
 * (every `stalledInterval`) finds the job and puts it back in the queue, up to `maxStalledCount`
 * times, and it is captured again from the start. A job therefore completes once, and its file
 * appears once: each run of a job writes into its own staging directory
 * (`<out-dir>/.bbb-capture-jobs/<job id>--<lock token>/`; the next run of the same job clears what
 * earlier runs left), and the finished file is renamed to its final name — never a partial file
 * under that name. A worker that is alive but lost a job's lock (its renewal failed: frozen, cut
 * off from Redis) stops that capture at once, and checks the lock again before the final rename,
 * so two runs of one job never write over each other. A worker that dies after the final rename
 * but before BullMQ records the completion leaves the file in place: the job's next run knows it
 * by the record written beside the rename (output-commit-ledger.ts) and completes with it (and
 * delivers it, if that had not happened) instead of failing with OUTPUT_EXISTS.
 *
 * Stopping (SIGTERM, Ctrl-C): with `onStop: 'requeue'` (the default) running captures are
 * aborted and their jobs put back to wait without using up an attempt; with `'finish'` they run
 * to the end. Either way no new job is taken and the worker closes its connections.
 */
import { access, mkdir, readdir, rm, rmdir, statfs } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import path from 'node:path';
import { UnrecoverableError, WaitingError, Worker, type Job } from 'bullmq';
import { CaptureError, toCaptureError, type ErrorCode } from '../errors.js';
import { durableRename } from '../staging/durable-rename.js';
import type { RecordEvent } from '../progress/record-event.js';
import type { JobOptions } from '../job/job-options.js';
import { runJob, type JobResult } from '../job/run-job.js';
import type { ExportFormat } from '../options/record-options.js';
import { applyCaptureSettings, type BaseCaptureOptions } from '../batch/capture-settings.js';
import { joinRenderedParts } from '../engines/render/join-rendered-parts.js';
import {
  checkJobData,
  formatJobFailure,
  parseJobFailure,
  jobCaptureSettings,
  outputCommitsKey,
  PARTS_DIR,
  pausedWorkerKey,
  type CaptureJobData,
  type PausedWorker,
  type CaptureJobProgress,
  type CaptureJobResult,
} from './capture-queue.js';
import { openRedis, redactRedisUrl } from './open-redis.js';
import type { RedisTls } from './read-redis-tls.js';
import { deliverExport, exportFacts } from '../deliver/deliver-export.js';
import type { WebhookSender } from '../deliver/create-webhook-sender.js';
import type { UploadOptions } from '../deliver/upload-options.js';
import { webhookPayload } from '../deliver/webhook-payload.js';
import { describeCommittedFile } from '../job/describe-committed-file.js';
import { outputCommitLedger, type OutputCommit } from './output-commit-ledger.js';

/** Where runs of jobs are assembled. */
export const JOBS_STAGING_DIR = '.bbb-capture-jobs';

import { DEFAULT_DISK_WATCH, type DiskWatchSettings, type LockSettings } from './worker-defaults.js';

// Kept importable from here; they live apart so the CLI can show them without loading BullMQ.
export { DEFAULT_DISK_WATCH, DEFAULT_LOCK_SETTINGS, type DiskWatchSettings, type LockSettings } from './worker-defaults.js';

/** Free bytes for an unprivileged writer on the file system holding `dir`. */
async function statfsFreeBytes(dir: string): Promise<number> {
  const s = await statfs(dir);
  return s.bavail * s.bsize;
}

export type WorkerEvent =
  | { type: 'worker-ready'; worker: string; queue: string; redis: string; concurrency: number; outDir: string }
  | { type: 'job-start'; jobId: string; url: string; output: string; attempt: number }
  | { type: 'job-event'; jobId: string; output: string; event: RecordEvent }
  | {
      type: 'job-done';
      jobId: string;
      output: string;
      path: string;
      durationS: number;
      wallMs: number;
      videoFrames?: number | null;
      webcamFrames?: { delivered: number; expected: number } | null;
    }
  | { type: 'job-failed'; jobId: string; output: string; code: ErrorCode; message: string; attempt: number; willRetry: boolean }
  | { type: 'job-requeued'; jobId: string; output: string }
  | { type: 'job-stalled'; jobId: string }
  /** This worker lost a job's lock (another worker may run it now): its capture was stopped at once. */
  | { type: 'job-lock-lost'; jobId: string; output: string }
  | { type: 'worker-error'; message: string }
  /** The output disk is full (a capture failed with DISK_FULL, or too little is free to start one): no job is taken until it has `resumeAtBytes` free. */
  | { type: 'worker-paused'; reason: 'DISK_FULL'; outDir: string; freeBytes: number; resumeAtBytes: number }
  | { type: 'worker-resumed'; freeBytes: number }
  | { type: 'worker-stopping'; onStop: 'requeue' | 'finish' }
  | { type: 'worker-closed'; completed: number; failed: number; requeued: number };

export interface RunWorkerOptions extends LockSettings, Partial<DiskWatchSettings> {
  redisUrl: string;
  /** CA and client certificate for a rediss:// URL (read at the CLI edge). */
  redisTls?: RedisTls | undefined;
  queueName: string;
  outDir: string;
  concurrency: number;
  /** The worker's capture options; each job's settings (layout, size, part, format) apply on top. */
  base: BaseCaptureOptions;
  /** This worker's name in job records (default host:pid). */
  name: string;
  onStop: 'requeue' | 'finish';
  /** Stops the worker. */
  signal: AbortSignal;
  onEvent: (event: WorkerEvent) => void;
  /** The capture; a seam for tests. */
  record?: ((options: JobOptions) => Promise<Pick<JobResult, 'duration' | 'wallMs'>>) | undefined;
  /** Upload of each finished recording (--upload) and the webhook told of each (--webhook); parts are neither. */
  delivery?: { upload: UploadOptions | null; webhook: WebhookSender | null } | undefined;
  /** Free bytes on the file system of a directory (statfs); a seam for tests. */
  freeSpace?: ((dir: string) => Promise<number>) | undefined;
}

/** File name of a rendered part in its parts directory. */
const partName = (index: number) => `part-${String(index).padStart(4, '0')}.mp4`;

/** The render engine writes H.264 in MP4 or Matroska; a WebM job is refused for good. */
function renderFormat(format: ExportFormat): 'mp4' | 'mkv' {
  if (format !== 'mp4' && format !== 'mkv') throw new CaptureError('USAGE', 'the render engine writes H.264 + AAC: queue it as mp4 or mkv');
  return format;
}

/** Job ids are ours (record id + hash), but a directory name must never be a path. */
function stagingName(jobId: string): string {
  return jobId.replace(/[^A-Za-z0-9_-]/g, '_');
}

/**
 * One staging directory per run of a job: `<job id>--<lock token>`. A worker that lost its lock
 * (a long GC pause, a network partition) may still be running the job while another worker runs
 * it again; with one directory per job each would clear the other's files.
 */
function attemptStagingName(jobId: string, token: string): string {
  return `${stagingName(jobId)}--${stagingName(token)}`;
}

/** The lock went to someone else (or expired): this run of the job must stop. */
class LockLostError extends CaptureError {
  constructor(jobId: string) {
    super('ABORTED', `lost the lock on job ${jobId}: another worker may be running it now`);
  }
}

/** Runs a worker until `signal` fires, then stops as `onStop` says and closes. */
export async function runWorker(options: RunWorkerOptions): Promise<{ completed: number; failed: number; requeued: number }> {
  const emit = options.onEvent;
  const record = options.record ?? runJob;
  const outDir = path.resolve(options.outDir);
  try {
    await mkdir(path.join(outDir, JOBS_STAGING_DIR), { recursive: true });
  } catch (error) {
    throw new CaptureError('OUTPUT_NOT_WRITABLE', `cannot write to ${outDir}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, { cause: error });
  }
  const connection = await openRedis(options.redisUrl, { name: `bbb-capture-worker:${options.name}`, tls: options.redisTls });
  const ledger = outputCommitLedger(connection, outputCommitsKey(options.queueName));
  // Aborts running captures when the worker stops with onStop 'requeue'.
  const stopCaptures = new AbortController();
  let stopping = false;
  const counts = { completed: 0, failed: 0, requeued: 0 };
  // The runs of this worker by job id, to stop one whose lock renewal failed.
  const runs = new Map<string, AbortController>();
  const freeSpace = options.freeSpace ?? statfsFreeBytes;
  const minFreeBytes = options.minFreeBytes ?? DEFAULT_DISK_WATCH.minFreeBytes;
  const diskPollMs = options.diskPollMs ?? DEFAULT_DISK_WATCH.diskPollMs;
  /** Set while the worker waits for disk space; resolves when it takes jobs again. */
  let diskWait: Promise<void> | undefined;
  /** Free bytes, or Infinity when the file system cannot say (then nothing is held back). */
  const freeBytes = () => freeSpace(outDir).catch(() => Number.POSITIVE_INFINITY);
  // Filled in once the Worker exists (the processor below refers to it).
  let pauseForDisk: (free: number) => void = () => undefined;

  const processJob = async (job: Job<CaptureJobData, CaptureJobResult>, token?: string): Promise<CaptureJobResult> => {
    const jobId = job.id!;
    const lockToken = token ?? '';
    let data: CaptureJobData;
    try {
      data = checkJobData(job.data);
    } catch (error) {
      const failure = toCaptureError(error);
      throw new UnrecoverableError(formatJobFailure(failure.code, failure.message));
    }
    const stagingRoot = path.join(outDir, JOBS_STAGING_DIR);
    const staging = path.join(stagingRoot, attemptStagingName(jobId, lockToken));
    const finalPath = path.join(outDir, data.output);
    const attempt = job.attemptsMade + 1;
    /** Back to the queue as if never started: no attempt used, another worker may take it. */
    const requeue = async () => {
      await job.moveToWait(token);
      counts.requeued++;
      emit({ type: 'job-requeued', jobId, output: data.output });
      return new WaitingError();
    };
    // A job fetched while pausing, or one that would start on a nearly full disk, goes back.
    const free = diskWait ? 0 : await freeBytes();
    if (diskWait || free < minFreeBytes) {
      pauseForDisk(free);
      throw await requeue();
    }
    const run = new AbortController();
    runs.set(jobId, run);
    const signal = AbortSignal.any([stopCaptures.signal, run.signal]);
    /** Right before a finished file is moved into place: is the job still ours? */
    const checkLock = async () => {
      if (run.signal.aborted || (token && (await job.extendLock(token, options.lockDurationMs)) !== 1)) throw new LockLostError(jobId);
    };
    // This job as opposed to one queued again under its id later (after the first was removed).
    const instance = { jobId, jobTimestamp: job.timestamp };
    const lockKey = `${worker.toKey(jobId)}:lock`;
    /** What this run recorded for its file, once it is committing it. */
    let committed: OutputCommit | undefined;
    /**
     * The final rename of an export, recorded around: `committing` with the file's size and digest
     * before it (only while the lock is ours: one script checks it), `committed` after it. A worker
     * dying anywhere between leaves the next run of the job a way to know the file as its own.
     */
    const commitOutput = async (staged: string, durationS: number) => {
      await checkLock();
      const file = await describeCommittedFile(staged, signal);
      committed = { ...instance, token: lockToken, state: 'committing', ...file, durationS, at: new Date().toISOString() };
      if (!(await ledger.write(data.output, committed, lockKey))) throw new LockLostError(jobId);
      await durableRename(staged, finalPath, { replace: false });
      committed = { ...committed, state: 'committed', at: new Date().toISOString() };
      // Refused only if the lock was lost just now: `committing` with the same digest serves the next run as well.
      await ledger.write(data.output, committed, lockKey);
    };
    let lastPublished = 0;
    let stage = 'queued';
    /** The final file, once it has its name (a failure after it is the upload's). */
    let exported: string | undefined;
    const publish = (progress: Omit<CaptureJobProgress, 'worker'>, force: boolean) => {
      if (!force && Date.now() - lastPublished < 2000) return;
      lastPublished = Date.now();
      // A lost lock makes this fail; the stall handling deals with the job, not us.
      job.updateProgress({ ...progress, worker: options.name }).catch(() => undefined);
    };
    try {
      // What earlier runs of this job left: they died, or lost the lock and stop at their next
      // renewal (the lock is ours now). Never another job's directory, never our own run's.
      const earlier = (await readdir(stagingRoot).catch(() => [] as string[])).filter((name) => name.startsWith(`${stagingName(jobId)}--`) && name !== path.basename(staging));
      await Promise.all(earlier.map((name) => rm(path.join(stagingRoot, name), { recursive: true, force: true })));
      await mkdir(staging, { recursive: true });
      // Its name is taken already (an earlier export whose job was since removed, a file put
      // there by hand): fail now rather than after the capture. The final rename checks again.
      const fileThere =
        !data.part &&
        (await access(finalPath).then(
          () => true,
          () => false,
        ));
      // An earlier run of this very job committed it (and died before BullMQ heard): its file, verified then, byte for byte.
      const own = data.part ? { kind: 'none' as const } : await ledger.find(data.output, instance, finalPath, signal);
      if (own.kind === 'delivered') {
        // Exported and delivered: only the completion was lost. Nothing to write or send again.
        counts.completed++;
        emit({ type: 'job-done', jobId, output: data.output, path: finalPath, durationS: own.commit.durationS, wallMs: 0 });
        return { output: data.output, path: finalPath, durationS: own.commit.durationS, wallMs: 0, worker: options.name };
      }
      // The last attempt exported it and only the upload failed: upload it again, do not export it again.
      const uploadOnly = own.kind === 'committed' || (fileThere && !!options.delivery?.upload && parseJobFailure(job.failedReason).code === 'UPLOAD_FAILED');
      if (fileThere && !uploadOnly) {
        throw new CaptureError('OUTPUT_EXISTS', `${finalPath} already exists; it is left as it is (move it away and queue the recording again to export it anew)`);
      }
      emit({ type: 'job-start', jobId, url: data.url, output: data.output, attempt });
      publish({ stage: 'starting', position: 0, duration: 0 }, true);
      const onEvent = (event: RecordEvent) => {
        emit({ type: 'job-event', jobId, output: data.output, event });
        if (event.type === 'stage') {
          stage = event.stage;
          publish({ stage, position: 0, duration: 0 }, true);
        } else if (event.type === 'progress') publish({ stage, position: event.position, duration: event.duration }, false);
      };
      const settings = applyCaptureSettings(options.base, jobCaptureSettings(data.settings));
      const partsDir = path.join(outDir, PARTS_DIR, data.part?.dir ?? data.join?.dir ?? '_');
      const started = Date.now();
      let durationS: number;
      let written: string;
      let result: Partial<JobResult> = {};
      if (uploadOnly) {
        durationS = own.kind === 'committed' ? own.commit.durationS : ((job.progress as Partial<CaptureJobProgress> | undefined)?.duration ?? 0);
        written = finalPath;
        // A join whose worker died after its rename: the parts are no longer needed.
        if (data.join) await rm(partsDir, { recursive: true, force: true });
      } else if (data.join) {
        // Every part is done (BullMQ runs the join only then) and on the shared out dir.
        const parts = Array.from({ length: data.join.count }, (_, i) => path.join(partsDir, partName(i)));
        ({ duration: durationS } = await joinRenderedParts({
          url: data.url,
          parts,
          from: data.settings.from,
          output: path.join(staging, data.output),
          format: renderFormat(settings.format),
          audioBitrate: settings.audioBitrate,
          tools: settings.tools,
          verify: settings.verify,
          keepTemp: false,
          publishing: settings,
          credentials: settings.credentials,
          signal,
          onEvent,
        }));
        await commitOutput(path.join(staging, data.output), durationS);
        await rm(partsDir, { recursive: true, force: true });
        written = finalPath;
      } else if (data.part) {
        const name = partName(data.part.index);
        // A part is always rendered: it joins the others without re-encoding (enqueue plans parts only for render jobs).
        ({ duration: durationS } = await record({
          ...settings,
          engine: 'render',
          from: data.part.from,
          to: data.part.to ?? undefined,
          format: renderFormat(settings.format),
          url: data.url,
          output: path.join(staging, name),
          workers: 1,
          hybrid: true,
          videoOnly: true,
          compose: null,
          replace: true,
          signal,
          onEvent,
        }));
        await mkdir(partsDir, { recursive: true });
        await checkLock();
        written = path.join(partsDir, name);
        await durableRename(path.join(staging, name), written);
      } else {
        // The job chooses the engine (auto by default: per recording) and says which.
        result = await record({
          ...settings,
          engine: data.settings.engine ?? 'capture',
          url: data.url,
          output: path.join(staging, data.output),
          workers: 1,
          hybrid: true,
          videoOnly: false,
          compose: null,
          replace: true,
          signal,
          onEvent,
        });
        durationS = result.duration!;
        await commitOutput(path.join(staging, data.output), durationS);
        written = finalPath;
      }
      if (!data.part) {
        exported = written;
        await deliverExport(written, exportFacts(data.url, options.name, written, { duration: durationS, ...result }), {
          upload: options.delivery?.upload ?? null,
          webhook: options.delivery?.webhook ?? null,
          signal,
        });
        // A run after this one (the completion below lost) has nothing left to do. Refused when the
        // lock is gone: that run may be delivering it now.
        if (committed) await ledger.write(data.output, { ...committed, state: 'delivered', at: new Date().toISOString() }, lockKey);
        else if (own.kind === 'committed') await ledger.write(data.output, { ...own.commit, token: lockToken, state: 'delivered', at: new Date().toISOString() }, lockKey);
      }
      const wallMs = Date.now() - started;
      counts.completed++;
      // Video frames verify counted in the export (none for parts, joins and upload-only retries).
      emit({
        type: 'job-done',
        jobId,
        output: data.output,
        path: written,
        durationS,
        wallMs,
        videoFrames: result.checks?.[0]?.videoFrames ?? null,
        webcamFrames: result.checks?.[0]?.webcamFrames ?? null,
      });
      return { output: data.output, path: written, durationS, wallMs, worker: options.name };
    } catch (error) {
      const failure = toCaptureError(error);
      if (run.signal.aborted || error instanceof LockLostError) {
        // The job is someone else's now (or the stall check gives it to someone): nothing to
        // record; BullMQ refuses to finish a job with a lock that is not ours anyway.
        emit({ type: 'job-lock-lost', jobId, output: data.output });
        throw new LockLostError(jobId);
      }
      if (stopping && stopCaptures.signal.aborted) throw await requeue();
      // Every other capture would fail the same way: wait for space (this job retries).
      if (failure.code === 'DISK_FULL') pauseForDisk(await freeBytes());
      const willRetry = failure.transient && attempt < (job.opts.attempts ?? 1);
      counts.failed++;
      emit({ type: 'job-failed', jobId, output: data.output, code: failure.code, message: failure.message, attempt, willRetry });
      if (!willRetry && !data.part) options.delivery?.webhook?.send(webhookPayload({ source: data.url, sender: options.name, output: exported }, { error: failure }));
      const reason = formatJobFailure(failure.code, failure.message);
      // Permanent failures (404, broken recording, bad options) skip the remaining attempts.
      throw failure.transient ? new Error(reason) : new UnrecoverableError(reason);
    } finally {
      if (runs.get(jobId) === run) runs.delete(jobId);
      await rm(staging, { recursive: true, force: true }).catch(() => undefined);
    }
  };

  const worker = new Worker<CaptureJobData, CaptureJobResult>(options.queueName, processJob, {
    connection,
    name: options.name,
    concurrency: options.concurrency,
    lockDuration: options.lockDurationMs,
    stalledInterval: options.stalledIntervalMs,
    maxStalledCount: options.maxStalledCount,
    autorun: false,
  });
  worker.on('error', (error) => emit({ type: 'worker-error', message: error.message }));
  const pausedKey = pausedWorkerKey(options.queueName, options.name);
  pauseForDisk = (free) => {
    if (diskWait || stopping) return;
    diskWait = (async () => {
      // Running captures go on (they may well finish); only new jobs are held back.
      await worker.pause(true);
      const record: PausedWorker = { worker: options.name, reason: 'DISK_FULL', outDir, freeBytes: free, resumeAtBytes: minFreeBytes, since: new Date().toISOString() };
      emit({ type: 'worker-paused', reason: 'DISK_FULL', outDir, freeBytes: free, resumeAtBytes: minFreeBytes });
      // Shown by `status`; it expires by itself if this worker dies while paused.
      const publish = () => connection.set(pausedKey, JSON.stringify(record), 'PX', Math.max(30_000, 3 * diskPollMs)).catch(() => undefined);
      await publish();
      while (!stopping) {
        await sleep(diskPollMs, undefined, { signal: options.signal }).catch(() => undefined);
        if (stopping || options.signal.aborted) break;
        record.freeBytes = await freeBytes();
        if (record.freeBytes >= minFreeBytes) break;
        await publish();
      }
      await connection.del(pausedKey).catch(() => undefined);
      if (options.signal.aborted) return;
      diskWait = undefined;
      await worker.resume();
      emit({ type: 'worker-resumed', freeBytes: record.freeBytes });
    })().catch((error: unknown) => emit({ type: 'worker-error', message: (error as Error).message }));
  };
  worker.on('stalled', (jobId) => emit({ type: 'job-stalled', jobId }));
  // BullMQ could not extend a lock: the token is no longer valid, the job may already run
  // elsewhere. Stop this run at once rather than at its end (it would write beside the other).
  worker.on('lockRenewalFailed', (jobIds) => {
    for (const jobId of jobIds) runs.get(jobId)?.abort(new LockLostError(jobId));
  });

  const stopped = new Promise<void>((resolve) => {
    if (options.signal.aborted) resolve();
    options.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  const running = worker.run().catch((error: unknown) => emit({ type: 'worker-error', message: (error as Error).message }));
  try {
    await worker.waitUntilReady();
    emit({ type: 'worker-ready', worker: options.name, queue: options.queueName, redis: redactRedisUrl(options.redisUrl), concurrency: options.concurrency, outDir });
    await stopped;
    stopping = true;
    emit({ type: 'worker-stopping', onStop: options.onStop });
    if (options.onStop === 'requeue') stopCaptures.abort(new CaptureError('ABORTED', 'the worker is stopping'));
    await worker.close();
    await running;
    await diskWait;
  } finally {
    await worker.close().catch(() => undefined);
    await connection.quit().catch(() => connection.disconnect());
    // Only when empty: other workers sharing the directory may be assembling jobs in it.
    await rmdir(path.join(outDir, JOBS_STAGING_DIR)).catch(() => undefined);
    await rmdir(path.join(outDir, PARTS_DIR)).catch(() => undefined);
  }
  emit({ type: 'worker-closed', ...counts });
  return counts;
}
