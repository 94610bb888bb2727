/**
 * Many recordings, one machine: runs the captures of a list a few at a time (p-queue), each in its
 * own Chromium (recordRecording launches one per capture), keeping a journal so that the same
 * command run again finishes only what is left.
 *
 * Files: every capture writes into its own staging directory inside the output directory
 * (`.bbb-capture-staging/<item key>/`, where recordRecording also keeps its work files and its
 * `.partial`), and the finished file is renamed into the output directory — one atomic step on the
 * same file system. So a final name only ever holds a complete, verified file, and whatever a
 * killed batch left behind is in the staging directory, which the next run removes (the batch
 * lock guarantees nobody else is using it).
 */
import { mkdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import PQueue from 'p-queue';
import { CaptureError, toCaptureError, type ErrorCode } from '../errors.js';
import { durableRename } from '../staging/durable-rename.js';
import type { JobOptions } from '../job/job-options.js';
import { runJob, type JobResult } from '../job/run-job.js';
import { fetchRecordingInfo, type RecordingInfo } from '../recording/fetch-recording-info.js';
import { parsePlaybackUrl } from '../recording/parse-playback-url.js';
import type { BatchEvent, ItemOutcome } from './batch-events.js';
import { BatchJournal, type JournalEntry } from './batch-journal.js';
import { acquireBatchLock } from './batch-lock.js';
import { applyCaptureSettings, workKey, type BaseCaptureOptions } from './capture-settings.js';
import { outputBaseFor } from './name-template.js';
import { OutputNameRegistry, splitRequestedName } from './output-name-registry.js';
import type { BatchItem } from './parse-batch-list.js';
import { retryDelayMs, shouldRetry, type RetryPolicy } from './retry-policy.js';
import { deliverExport, exportFacts } from '../deliver/deliver-export.js';
import type { WebhookSender } from '../deliver/create-webhook-sender.js';
import type { UploadOptions } from '../deliver/upload-options.js';
import { webhookPayload } from '../deliver/webhook-payload.js';
import { describeCommittedFile } from '../job/describe-committed-file.js';
import { matchesCommittedFile } from '../job/matches-committed-file.js';

/** Where captures are assembled before they get their final name. */
export const STAGING_DIR = '.bbb-capture-staging';

/** How many metadata.xml requests run at once while names are decided. */
const METADATA_CONCURRENCY = 4;

/** Everything a batch needs, resolved by the CLI. */
export interface RunBatchOptions {
  items: readonly BatchItem[];
  outDir: string;
  concurrency: number;
  /** Capture options of the batch; each item's settings apply on top. */
  base: BaseCaptureOptions;
  /** `--name-template`; undefined: meeting name and date, as `record` names files. */
  nameTemplate: string | undefined;
  retry: RetryPolicy;
  /** Stop at the first item that fails for good: no new items, in-flight captures aborted. */
  failFast: boolean;
  signal: AbortSignal | undefined;
  onEvent: (event: BatchEvent) => void;
  /** The capture; a seam for tests. */
  record?: ((options: JobOptions) => Promise<Pick<JobResult, 'duration' | 'wallMs'>>) | undefined;
  /** Upload of each finished file (--upload) and the webhook told of each export (--webhook). */
  delivery?: { upload: UploadOptions | null; webhook: WebhookSender | null } | undefined;
  /** Reads a recording's metadata; a seam for tests. */
  fetchInfo?: ((url: string, signal: AbortSignal | undefined) => Promise<RecordingInfo>) | undefined;
}

/** One item in the final report. */
export interface BatchItemResult {
  index: number;
  source: string;
  url: string;
  key: string;
  /** File name inside outDir (null when it could not be decided). */
  output: string | null;
  status: ItemOutcome;
  /** Done by an earlier run; its file was there, nothing was captured. */
  alreadyDone: boolean;
  /** For duplicates: the index of the item it repeats. */
  duplicateOf: number | null;
  /** Captures started for this item, over all runs. */
  attempts: number;
  /** Captures started in this run. */
  attemptsThisRun: number;
  /** Length of the exported part, seconds. */
  durationS: number | null;
  /** Wall time of the last attempt, ms. */
  wallMs: number | null;
  error: { code: ErrorCode; message: string } | null;
}

/** What a batch did. */
export interface BatchResult {
  outDir: string;
  startedAt: string;
  finishedAt: string;
  wallMs: number;
  concurrency: number;
  /** Why it stopped before the end, if it did. */
  stopped: 'signal' | 'fail-fast' | null;
  counts: Record<ItemOutcome, number>;
  items: BatchItemResult[];
}

interface Plan {
  item: BatchItem;
  key: string;
  options: BaseCaptureOptions;
  duplicateOf: number | null;
}

/**
 * Whether a done item's file is the one the batch wrote: present, not empty, and of the size the
 * journal recorded (journals of older versions recorded none: then present and not empty). After
 * a power cut the journal can say done over a file whose data never reached the disk.
 */
async function doneFileIntact(file: string, entry: JournalEntry): Promise<boolean> {
  // Uploaded and verified there; the local copy may have been removed on purpose.
  if (entry.uploadUrl) return true;
  const size = (await stat(file).catch(() => undefined))?.size;
  if (!size) return false;
  return entry.outputBytes === undefined || entry.outputBytes === null || entry.outputBytes === size;
}

const defaultFetchInfo = (credentials: BaseCaptureOptions['credentials']) => (url: string, signal: AbortSignal | undefined) => {
  const target = parsePlaybackUrl(url);
  return fetchRecordingInfo(target, { signal, credentials: credentials?.bind(target.origin) });
};

/** Runs a batch to the end (or to a stop) and returns what happened to every item. */
export async function runBatch(options: RunBatchOptions): Promise<BatchResult> {
  const started = Date.now();
  const emit = options.onEvent;
  const record = options.record ?? runJob;
  const fetchInfo = options.fetchInfo ?? defaultFetchInfo(options.base.credentials);
  const outDir = path.resolve(options.outDir);
  try {
    await mkdir(outDir, { recursive: true });
  } catch (error) {
    throw new CaptureError('OUTPUT_NOT_WRITABLE', `cannot create the output directory ${outDir}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, {
      cause: error,
    });
  }
  const lock = await acquireBatchLock(outDir);
  try {
    const { journal } = await BatchJournal.open(outDir);
    const stagingRoot = path.join(outDir, STAGING_DIR);
    // Whatever is here was left by a batch that died (we hold the lock): partial files, work dirs.
    await rm(stagingRoot, { recursive: true, force: true });

    // --- Plan: effective options, identity, duplicates, what is already done.
    const seen = new Map<string, number>();
    const plans: Plan[] = options.items.map((item) => {
      const requested = item.output ? splitRequestedName(item.output) : undefined;
      const effective = applyCaptureSettings(options.base, { ...item.settings, format: item.settings.format ?? requested?.format });
      const key = workKey(item.url, effective, requested?.base ?? '');
      const duplicateOf = seen.get(key) ?? null;
      if (duplicateOf === null) seen.set(key, item.index);
      return { item, key, options: effective, duplicateOf };
    });
    const registry = new OutputNameRegistry(journal.entries().flatMap((e) => (e.output ? [e.output] : [])));
    const outcomes = new Map<string, ItemOutcome>();
    const alreadyDone = new Set<string>();
    const attemptsThisRun = new Map<string, number>();
    const toRun: Plan[] = [];
    for (const plan of plans) {
      if (plan.duplicateOf !== null) continue;
      const entry = journal.ensure(plan.key, plan.item.url, plan.item.source);
      if (entry.state === 'done' && entry.output && (await doneFileIntact(path.join(outDir, entry.output), entry))) {
        alreadyDone.add(plan.key);
        outcomes.set(plan.key, 'done');
      } else toRun.push(plan);
    }

    // --- Names, decided in list order so the same list gives the same names.
    const stop = new AbortController();
    let stopped: BatchResult['stopped'] = null;
    const onSignal = () => {
      stopped ??= 'signal';
      stop.abort(options.signal?.reason);
    };
    if (options.signal?.aborted) onSignal();
    options.signal?.addEventListener('abort', onSignal, { once: true });
    try {
      const needInfo = toRun.filter((p) => !journal.get(p.key)!.output && !p.item.output);
      const infos = new Map<string, RecordingInfo | CaptureError>();
      const metadataQueue = new PQueue({ concurrency: METADATA_CONCURRENCY });
      await Promise.all(
        needInfo.map((p) =>
          metadataQueue.add(async () => {
            if (stop.signal.aborted) return;
            infos.set(p.key, await fetchInfo(p.item.url, stop.signal).catch((error: unknown) => toCaptureError(error)));
          }),
        ),
      );
      const nameFor = (plan: Plan, info: RecordingInfo | undefined): string => {
        const base = plan.item.output ? splitRequestedName(plan.item.output).base : outputBaseFor(info!, options.nameTemplate);
        return registry.claim(base, plan.options.format);
      };
      const runnable: Plan[] = [];
      for (const plan of toRun) {
        const entry = journal.get(plan.key)!;
        const info = infos.get(plan.key);
        let refused = info instanceof CaptureError && !info.transient && info.code !== 'ABORTED' ? info : undefined;
        // Transient metadata failures leave the name to the item's first attempt.
        if (!refused && !entry.output && (plan.item.output || (info && !(info instanceof CaptureError)))) {
          try {
            journal.patch(plan.key, { output: nameFor(plan, info instanceof CaptureError ? undefined : info) });
          } catch (error) {
            // Whatever one recording's metadata holds, it fails that item, not the batch.
            refused = toCaptureError(error);
          }
        }
        if (refused) {
          // A 404 or a broken recording: no capture would change that. Reading the metadata was
          // this run's attempt at the item.
          await journal.move(plan.key, 'running');
          const failed = await journal.move(plan.key, 'failed', { error: { code: refused.code, message: refused.message } });
          attemptsThisRun.set(plan.key, 1);
          outcomes.set(plan.key, 'failed');
          emit({ type: 'item-failed', index: plan.item.index, url: plan.item.url, output: null, attempts: failed.attempts, code: refused.code, message: refused.message });
          continue;
        }
        runnable.push(plan);
      }
      await journal.save();
      if (options.failFast && [...outcomes.values()].includes('failed')) {
        stopped ??= 'fail-fast';
        stop.abort();
      }

      emit({ type: 'batch-start', total: options.items.length, toRun: runnable.length, alreadyDone: alreadyDone.size, concurrency: options.concurrency, outDir });
      for (const plan of plans) {
        if (plan.duplicateOf !== null) {
          emit({ type: 'item-skipped', index: plan.item.index, url: plan.item.url, output: null, reason: 'duplicate', duplicateOf: plan.duplicateOf });
        } else if (alreadyDone.has(plan.key)) {
          emit({ type: 'item-skipped', index: plan.item.index, url: plan.item.url, output: journal.get(plan.key)!.output, reason: 'done' });
        }
      }

      // --- Captures.
      const queue = new PQueue({ concurrency: options.concurrency });
      const timers = new Map<string, { timer: NodeJS.Timeout; plan: Plan }>();
      let remaining = runnable.length;
      let allSettled!: () => void;
      const settledPromise = new Promise<void>((resolve) => (allSettled = resolve));
      const settled = new Set<string>();
      const settle = (plan: Plan, outcome: ItemOutcome) => {
        if (settled.has(plan.key)) return;
        settled.add(plan.key);
        outcomes.set(plan.key, outcome);
        if (--remaining === 0) allSettled();
      };
      // A failure of the batch itself (the journal cannot be written): stop everything, report it.
      let fatal: CaptureError | undefined;
      const run = (plan: Plan) =>
        queue.add(() =>
          attempt(plan).catch((error: unknown) => {
            fatal ??= toCaptureError(error);
            stop.abort();
            settle(plan, 'interrupted');
          }),
        );
      if (remaining === 0) allSettled();
      // Retries waiting for their time are dropped at a stop; they stay pending in the journal.
      stop.signal.addEventListener(
        'abort',
        () => {
          for (const { timer, plan } of timers.values()) {
            clearTimeout(timer);
            settle(plan, 'pending');
          }
          timers.clear();
        },
        { once: true },
      );

      const attempt = async (plan: Plan): Promise<void> => {
        const { item, key } = plan;
        if (stop.signal.aborted) return settle(plan, 'pending');
        // What the last attempt left (moving to running clears its error).
        const before = journal.ensure(key, item.url, item.source);
        const uploadOnly = before.error?.code === 'UPLOAD_FAILED' && before.durationS !== null;
        let entry = await journal.move(key, 'running');
        attemptsThisRun.set(key, (attemptsThisRun.get(key) ?? 0) + 1);
        const staging = path.join(stagingRoot, key);
        // Length of the export once it is in the out dir (a failure after it is the upload's).
        let captured: number | undefined;
        try {
          if (!entry.output) {
            const info = await fetchInfo(item.url, stop.signal);
            entry = journal.patch(key, { output: nameFor(plan, info) });
            await journal.save();
          }
          const output = entry.output!;
          emit({ type: 'item-start', index: item.index, url: item.url, output, attempt: entry.attempts });
          const final = path.join(outDir, output);
          // The last attempt exported the file and only its upload failed: upload it again, do not re-export it.
          const exported =
            uploadOnly &&
            (await stat(final).then(
              (s) => s.size > 0,
              () => false,
            ));
          await rm(staging, { recursive: true, force: true });
          await mkdir(staging, { recursive: true });
          // The last run renamed its file into place and was killed before the journal said done:
          // that file, byte for byte (verified before it was committed), is this item's export.
          const committed = !exported && !!before.committing && (await matchesCommittedFile(final, before.committing, stop.signal));
          const result: Pick<JobResult, 'duration' | 'wallMs'> & Partial<JobResult> =
            exported || committed
              ? { duration: exported ? entry.durationS! : before.committing!.durationS, wallMs: 0 }
              : await record({
                  ...plan.options,
                  url: item.url,
                  output: path.join(staging, output),
                  // One recording at a time: its pages as `record` chooses them (two for a long one);
                  // several at once: one page each, the batch's concurrency already fills the cores.
                  workers: options.concurrency === 1 ? 'auto' : 1,
                  hybrid: true,
                  videoOnly: false,
                  compose: null,
                  // The staging directory is the job's own.
                  replace: true,
                  signal: stop.signal,
                  onEvent: (event) => emit({ type: 'item-event', index: item.index, output, event }),
                });
          if (!exported && !committed) {
            const staged = path.join(staging, output);
            journal.patch(key, { committing: { ...(await describeCommittedFile(staged, stop.signal)), durationS: result.duration } });
            await journal.save();
            await durableRename(staged, final);
          }
          const { size } = await stat(final);
          captured = result.duration;
          const delivered = await deliverExport(final, exportFacts(item.url, 'batch', final, result), {
            upload: options.delivery?.upload ?? null,
            webhook: options.delivery?.webhook ?? null,
            signal: stop.signal,
          });
          await journal.move(key, 'done', {
            durationS: result.duration,
            outputBytes: size,
            wallMs: result.wallMs,
            uploadUrl: delivered?.url ?? null,
            error: null,
            committing: null,
          });
          emit({ type: 'item-done', index: item.index, url: item.url, output, attempt: entry.attempts, durationS: result.duration, wallMs: result.wallMs });
          settle(plan, 'done');
        } catch (error) {
          const failure = toCaptureError(error);
          const wallMs = Date.now() - Date.parse(entry.startedAt ?? new Date().toISOString());
          if (stop.signal.aborted) {
            await journal.move(key, 'interrupted', { error: { code: 'ABORTED', message: stopped === 'fail-fast' ? 'stopped by --fail-fast' : 'stopped by a signal' }, wallMs });
            emit({ type: 'item-interrupted', index: item.index, url: item.url, output: entry.output });
            return settle(plan, 'interrupted');
          }
          const error_ = { code: failure.code, message: failure.message };
          const exportedPart = captured === undefined ? {} : { durationS: captured };
          const n = attemptsThisRun.get(key)!;
          if (shouldRetry(failure, n, options.retry)) {
            const delayMs = retryDelayMs(n, options.retry);
            await journal.move(key, 'pending', { error: error_, wallMs, ...exportedPart, nextAttemptAt: new Date(Date.now() + delayMs).toISOString() });
            emit({ type: 'item-retry', index: item.index, url: item.url, attempt: entry.attempts, delayMs, code: failure.code, message: failure.message });
            // The wait does not hold a capture slot: the item rejoins the queue when it is over.
            const timer = setTimeout(() => {
              timers.delete(key);
              void run(plan);
            }, delayMs);
            timers.set(key, { timer, plan });
            return;
          }
          await journal.move(key, 'failed', { error: error_, wallMs, ...exportedPart });
          options.delivery?.webhook?.send(
            webhookPayload({ source: item.url, sender: 'batch', output: captured === undefined ? undefined : path.join(outDir, entry.output!) }, { error: failure }),
          );
          emit({ type: 'item-failed', index: item.index, url: item.url, output: entry.output, attempts: entry.attempts, code: failure.code, message: failure.message });
          settle(plan, 'failed');
          if (options.failFast) {
            stopped ??= 'fail-fast';
            stop.abort();
          }
        } finally {
          await rm(staging, { recursive: true, force: true }).catch(() => undefined);
        }
      };

      for (const plan of runnable) void run(plan);
      await settledPromise;
      await queue.onIdle();
      if (fatal) throw fatal;
    } finally {
      options.signal?.removeEventListener('abort', onSignal);
    }
    await journal.save();
    await rm(stagingRoot, { recursive: true, force: true }).catch(() => undefined);

    // --- Report.
    const items: BatchItemResult[] = plans.map((plan) => {
      const entry = journal.get(plan.key)!;
      const duplicate = plan.duplicateOf !== null;
      return {
        index: plan.item.index,
        source: plan.item.source,
        url: plan.item.url,
        key: plan.key,
        output: entry.output,
        status: duplicate ? 'duplicate' : (outcomes.get(plan.key) ?? 'pending'),
        alreadyDone: !duplicate && alreadyDone.has(plan.key),
        duplicateOf: plan.duplicateOf,
        attempts: duplicate ? 0 : entry.attempts,
        attemptsThisRun: duplicate ? 0 : (attemptsThisRun.get(plan.key) ?? 0),
        durationS: duplicate ? null : entry.durationS,
        wallMs: duplicate ? null : entry.wallMs,
        error: duplicate || entry.state === 'done' ? null : entry.error,
      };
    });
    const counts: Record<ItemOutcome, number> = { done: 0, failed: 0, interrupted: 0, pending: 0, duplicate: 0 };
    for (const item of items) counts[item.status]++;
    const wallMs = Date.now() - started;
    emit({ type: 'batch-end', counts, stopped, wallMs });
    return { outDir, startedAt: new Date(started).toISOString(), finishedAt: new Date().toISOString(), wallMs, concurrency: options.concurrency, stopped, counts, items };
  } finally {
    await lock.release();
  }
}
