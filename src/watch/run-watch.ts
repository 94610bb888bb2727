/**
 * `watch`: exports every recording published into a directory (BBB's published/presentation), or
 * handed over by the post-publish hook through a spool directory, once. chokidar watches both
 * (awaitWriteFinish: a metadata.xml still being written is reported only once its size has stood
 * still); a scan at start-up finds what was published while no watch ran and resumes what the
 * journal says was not finished. A recording is exported when its metadata.xml is whole and
 * parses, and again only when it changes (republished); the journal (watch-journal.ts) maps each
 * record id to its one output name, so a republished recording replaces its own export, never
 * another's. Unpublished or deleted recordings are logged and their exports left alone.
 *
 * The export itself is the caller's (a local runJob, or a job put on the farm's queue), run
 * `concurrency` at a time by p-queue, then its delivery (upload, webhook) when the caller has one.
 * A transient failure (errors.ts) is tried again with batch's retry policy and backoff, the wait
 * journaled (`retryAt`) so a restarted watch keeps it; when only the delivery failed, the retry
 * delivers the verified file already in place instead of exporting it again. Permanent failures,
 * and transient ones past the retries, wait for the recording to be republished. Stopping (the
 * signal) aborts running exports, puts them back to pending in the journal and returns.
 */
import { readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import PQueue from 'p-queue';
import { OutputNameRegistry } from '../batch/output-name-registry.js';
import { retryDelayMs, shouldRetry, type RetryPolicy } from '../batch/retry-policy.js';
import { CaptureError, toCaptureError, type ErrorCode } from '../errors.js';
import { defaultOutputBase } from '../job/output-name.js';
import type { ExportFormat } from '../options/record-options.js';
import type { JobResult } from '../job/run-job.js';
import { readPublishedMetadata } from './read-published-metadata.js';
import { readSpoolEntry } from './read-spool-entry.js';
import { waitStableFile } from './wait-stable-file.js';
import { WatchJournal, type WatchEntry } from './watch-journal.js';

/** One export to make. */
export interface WatchExport {
  recordId: string;
  dir: string;
  /** Absolute output path: the journaled name for a republished recording, else a new free name. */
  output: string;
  /** Whether the file under `output` is this recording's earlier export, to be replaced. */
  replace: boolean;
}

/** What an export made: the file (or the farm job's output name) and what the job reported. */
export interface ExportedRecording {
  output: string;
  /** Handed to the farm: its workers deliver it. */
  queued: boolean;
  /** The job's report, for the webhook (absent on the farm). */
  result?: Partial<JobResult>;
}

/** Makes one export (or hands it to the farm); rejects with a CaptureError. */
export type ExportRecording = (job: WatchExport, signal: AbortSignal) => Promise<ExportedRecording>;

/** A finished, verified export to deliver; `result` is null when the watch that made it has stopped since. */
export interface WatchDelivery {
  recordId: string;
  dir: string;
  /** Absolute path of the export. */
  output: string;
  result: Partial<JobResult> | null;
}

/** Delivers one export (upload, done webhook); rejects with a CaptureError. */
export type DeliverRecording = (delivery: WatchDelivery, signal: AbortSignal) => Promise<{ uploadUrl: string | null }>;

/** What watch reports. */
export type WatchEvent =
  | { type: 'watching'; published: string; spool: string | null; once: boolean }
  | { type: 'found'; recordId: string; dir: string; source: 'published' | 'spool' | 'journal'; republished: boolean }
  | { type: 'unchanged'; recordId: string; output: string | null }
  | { type: 'waiting'; recordId: string; reason: string }
  | { type: 'started'; recordId: string; output: string; attempt: number; replace: boolean; uploadOnly: boolean }
  | { type: 'done'; recordId: string; output: string; replaced: boolean; queued: boolean; wallMs: number; uploadUrl: string | null }
  | { type: 'retry'; recordId: string; attempt: number; delayMs: number; uploadOnly: boolean; code: ErrorCode; message: string }
  | { type: 'failed'; recordId: string; code: ErrorCode; message: string }
  | { type: 'interrupted'; recordId: string }
  | { type: 'unpublished'; recordId: string; output: string | null }
  | { type: 'spool-skipped'; file: string; reason: string }
  | { type: 'stopped'; done: number; failed: number; pending: number };

export interface WatchOptions {
  publishedDir: string;
  /** Spool files (`<id>.json`) from the post-publish hook; null: none. */
  spoolDir: string | null;
  outDir: string;
  format: ExportFormat;
  concurrency: number;
  /** Process what is there (and the spool), then return. */
  once: boolean;
  /** How long metadata.xml must stand still before it is read. */
  stableMs: number;
  exportRecording: ExportRecording;
  /** Delivers each local export after it is made; null on the farm (its workers deliver). */
  deliver?: DeliverRecording | null;
  /** Told of each failure that is not retried (the failure webhook); `output` when the export was made. */
  onGiveUp?: (job: { recordId: string; dir: string; output: string | undefined }, error: CaptureError) => void;
  /** When transient failures are tried again (batch's policy and options). */
  retry: RetryPolicy;
  signal: AbortSignal;
  onEvent: (event: WatchEvent) => void;
}

/** Longest a scan waits for one metadata.xml to stop changing; a later change event catches it. */
const SCAN_STABLE_TIMEOUT_MS = 60_000;

/** Watches and exports until the signal fires (or, with `once`, until what is there is done). */
export async function runWatch(options: WatchOptions): Promise<{ done: number; failed: number; pending: number }> {
  const { onEvent: emit, outDir } = options;
  const publishedDir = path.resolve(options.publishedDir);
  for (const [dir, what] of [[publishedDir, 'published directory'], ...(options.spoolDir ? [[options.spoolDir, 'spool directory']] : [])] as const) {
    const info = await stat(dir).catch(() => undefined);
    if (!info?.isDirectory()) throw new CaptureError('USAGE', `the ${what} ${dir} does not exist`);
  }
  const journal = await WatchJournal.open(outDir);
  const stopping = new AbortController();
  const signal = AbortSignal.any([options.signal, stopping.signal]);
  const queue = new PQueue({ concurrency: options.concurrency });
  const scheduled = new Set<string>();
  // Retries waiting for their time: they hold no export slot. Dropped at a stop (the journal keeps them).
  const timers = new Map<string, NodeJS.Timeout>();
  // What each export's job reported, for the webhook of a delivery retried in this run.
  const results = new Map<string, Partial<JobResult>>();
  let wake: () => void = () => undefined;
  signal.addEventListener('abort', () => wake(), { once: true });
  let done = 0;
  let failed = 0;

  const names = async (): Promise<OutputNameRegistry> => {
    const inDir = await readdir(outDir).catch(() => [] as string[]);
    return new OutputNameRegistry([...inDir, ...journal.entries().flatMap((e) => (e.output ? [e.output] : []))]);
  };

  const enqueue = (recordId: string): void => {
    queue
      .add(() => exportOne(recordId), { signal })
      .catch(() => {
        // Cleared by a stop before it started: it stays pending in the journal.
        scheduled.delete(recordId);
      });
  };

  const schedule = (recordId: string): void => {
    if (scheduled.has(recordId) || signal.aborted) return;
    scheduled.add(recordId);
    const waitMs = Date.parse(journal.get(recordId)?.retryAt ?? '') - Date.now();
    if (!(waitMs > 0)) {
      enqueue(recordId);
      return;
    }
    timers.set(
      recordId,
      setTimeout(() => {
        timers.delete(recordId);
        enqueue(recordId);
        wake();
      }, waitMs),
    );
  };

  /** Drops a retry still waiting (the recording was republished: its new version goes at once). */
  const cancelRetry = (recordId: string): void => {
    const timer = timers.get(recordId);
    if (!timer) return;
    clearTimeout(timer);
    timers.delete(recordId);
    scheduled.delete(recordId);
    wake();
  };

  /** Journals a recording whose metadata.xml may be new or changed, and schedules its export. */
  const consider = async (dir: string, source: 'published' | 'spool' | 'journal'): Promise<'queued' | 'unchanged' | 'waiting' | 'missing'> => {
    const recordId = path.basename(dir);
    const meta = await readPublishedMetadata(dir);
    const entry = journal.get(recordId);
    if (meta.state === 'missing') return 'missing';
    if (meta.state === 'incomplete') {
      emit({ type: 'waiting', recordId, reason: meta.reason });
      return 'waiting';
    }
    if (entry && entry.hash === meta.hash && (entry.state === 'done' || entry.state === 'failed')) {
      // The same publication: done is done; a failure is tried again when it is republished.
      emit({ type: 'unchanged', recordId, output: entry.output });
      return 'unchanged';
    }
    if (entry && entry.hash === meta.hash && scheduled.has(recordId)) return 'queued';
    emit({ type: 'found', recordId, dir, source, republished: entry?.exportedHash !== undefined && entry.exportedHash !== null && entry.exportedHash !== meta.hash });
    // A new version starts with the full retries, at once.
    const fresh = entry !== undefined && entry.hash !== meta.hash;
    if (fresh) cancelRetry(recordId);
    // A running export of an older version finishes and is then redone (exportOne compares hashes).
    await journal.set(recordId, {
      dir,
      hash: meta.hash,
      ...(entry?.state === 'running' ? {} : { state: 'pending' as const }),
      ...(fresh ? { failures: 0, retryAt: null } : {}),
    });
    schedule(recordId);
    return 'queued';
  };

  const exportOne = async (recordId: string): Promise<void> => {
    let entry: WatchEntry = journal.get(recordId)!;
    let again = false;
    try {
      if (signal.aborted) return;
      const meta = await readPublishedMetadata(entry.dir);
      if (meta.state !== 'ready') {
        // Unpublished while it waited, or being republished (a change event brings it back).
        if (meta.state === 'missing') {
          await journal.set(recordId, { state: 'removed' });
          emit({ type: 'unpublished', recordId, output: entry.output });
        } else emit({ type: 'waiting', recordId, reason: meta.reason });
        return;
      }
      // The journal claimed its name for this recording before the first export (names() never
      // hands out one on disk or journaled), so a file under it is this recording's own: an earlier
      // export, or one whose delivery (--upload) failed after it had its final name.
      const replace =
        entry.output !== null &&
        (entry.exportedHash !== null ||
          (await stat(path.join(outDir, entry.output)).then(
            () => true,
            () => false,
          )));
      const output = entry.output ?? (await names()).claim(defaultOutputBase(meta.info), options.format);
      const target = path.join(outDir, output);
      // This version was exported (and verified) before, and only its delivery failed: deliver that file.
      const uploadOnly =
        !!options.deliver &&
        entry.undelivered === meta.hash &&
        (await stat(target).then(
          (s) => s.size > 0,
          () => false,
        ));
      entry = await journal.set(recordId, { hash: meta.hash, output, state: 'running', attempts: entry.attempts + 1, error: null, retryAt: null });
      emit({ type: 'started', recordId, output, attempt: entry.attempts, replace, uploadOnly });
      const started = Date.now();
      let result: ExportedRecording | undefined;
      let uploadUrl: string | null = null;
      try {
        result = uploadOnly
          ? { output: target, queued: false, result: results.get(recordId) }
          : await options.exportRecording({ recordId, dir: entry.dir, output: target, replace }, signal);
        if (options.deliver && !result.queued) {
          const exported = result;
          if (!uploadOnly) {
            if (exported.result) results.set(recordId, exported.result);
            // From here a crash or a failure leaves a verified export to deliver, not to make again.
            await journal.set(recordId, { undelivered: meta.hash });
          }
          ({ uploadUrl } = await options.deliver({ recordId, dir: entry.dir, output: exported.output, result: exported.result ?? null }, signal));
        }
      } catch (error) {
        const failure = toCaptureError(error);
        if (signal.aborted) {
          await journal.set(recordId, { state: 'pending' });
          emit({ type: 'interrupted', recordId });
          return;
        }
        const failures = journal.get(recordId)!.failures + 1;
        const error_ = { code: failure.code, message: failure.message };
        if (shouldRetry(failure, failures, options.retry)) {
          const delayMs = retryDelayMs(failures, options.retry);
          const next = await journal.set(recordId, { state: 'pending', error: error_, failures, retryAt: new Date(Date.now() + delayMs).toISOString() });
          emit({ type: 'retry', recordId, attempt: entry.attempts, delayMs, uploadOnly: next.undelivered === meta.hash, code: failure.code, message: failure.message });
          again = true;
          return;
        }
        failed++;
        await journal.set(recordId, { state: 'failed', error: error_, failures });
        emit({ type: 'failed', recordId, code: failure.code, message: failure.message });
        options.onGiveUp?.({ recordId, dir: entry.dir, output: result?.output }, failure);
        return;
      }
      results.delete(recordId);
      const now = journal.get(recordId)!;
      const republishedMeanwhile = now.hash !== meta.hash;
      await journal.set(recordId, {
        output: path.basename(result.output),
        exportedHash: meta.hash,
        state: republishedMeanwhile ? 'pending' : 'done',
        error: null,
        failures: 0,
        undelivered: null,
      });
      done++;
      emit({
        type: 'done',
        recordId,
        output: path.basename(result.output),
        replaced: replace,
        queued: result.queued,
        wallMs: Date.now() - started,
        uploadUrl,
      });
      again = republishedMeanwhile;
    } finally {
      scheduled.delete(recordId);
      if (again) schedule(recordId);
    }
  };

  const considerSpool = async (file: string): Promise<void> => {
    const spooled = await readSpoolEntry(file);
    if ('reason' in spooled) {
      if (spooled.reason !== null) emit({ type: 'spool-skipped', file, reason: spooled.reason });
      return;
    }
    const outcome = await consider(spooled.dir, 'spool');
    // Journaled (or gone): the journal holds it from here on. Incomplete: kept for the next look.
    if (outcome !== 'waiting') await rm(file, { force: true });
    if (outcome === 'missing') emit({ type: 'spool-skipped', file, reason: `${spooled.dir} has no metadata.xml (unpublished?)` });
  };

  /** Everything there now: the journal's unfinished exports, the published directory, the spool. */
  const scan = async (): Promise<void> => {
    for (const entry of journal.entries()) if (entry.state === 'pending') await consider(entry.dir, 'journal');
    const ids = (await readdir(publishedDir, { withFileTypes: true })).filter((d) => d.isDirectory() && !d.name.startsWith('.')).map((d) => d.name);
    for (const id of ids.sort()) {
      const dir = path.join(publishedDir, id);
      if (await waitStableFile(path.join(dir, 'metadata.xml'), { stableMs: options.stableMs, timeoutMs: SCAN_STABLE_TIMEOUT_MS, signal })) await consider(dir, 'published');
    }
    if (options.spoolDir) {
      const files = (await readdir(options.spoolDir)).filter((f) => f.endsWith('.json') && !f.startsWith('.'));
      for (const f of files.sort()) await considerSpool(path.join(options.spoolDir, f));
    }
  };

  // Events are handled one at a time, in order: a change never overtakes the add before it.
  let chain: Promise<unknown> = Promise.resolve();
  const serially = (work: () => Promise<unknown>): void => {
    chain = chain.then(work).catch((error: unknown) => {
      if (!signal.aborted) emit({ type: 'failed', recordId: '', code: toCaptureError(error).code, message: toCaptureError(error).message });
    });
  };

  const watchers: FSWatcher[] = [];
  const awaitWriteFinish = { stabilityThreshold: options.stableMs, pollInterval: Math.min(100, options.stableMs) };
  try {
    if (!options.once) {
      const published = watch(publishedDir, {
        depth: 1,
        ignoreInitial: true,
        awaitWriteFinish,
        // Hidden entries are work in progress (BBB's and the sample generator's temporary directories).
        ignored: (p) =>
          path
            .relative(publishedDir, p)
            .split(path.sep)
            .some((part) => part.startsWith('.')),
      });
      const recordDir = (p: string): string | undefined => {
        const rel = path.relative(publishedDir, p).split(path.sep);
        return rel.length === 2 && rel[1] === 'metadata.xml' ? path.join(publishedDir, rel[0]!) : undefined;
      };
      published.on('all', (event, p) => {
        const dir = event === 'unlinkDir' && path.dirname(p) === publishedDir ? p : recordDir(p);
        if (!dir) return;
        if (event === 'add' || event === 'change') serially(() => consider(dir, 'published'));
        else if (event === 'unlink' || event === 'unlinkDir') {
          const entry = journal.get(path.basename(dir));
          if (event === 'unlinkDir' && !entry) return;
          emit({ type: 'unpublished', recordId: path.basename(dir), output: entry?.output ?? null });
        }
      });
      watchers.push(published);
      if (options.spoolDir) {
        const spoolDir = options.spoolDir;
        const spool = watch(spoolDir, { depth: 0, ignoreInitial: true, awaitWriteFinish, ignored: (p) => p !== spoolDir && path.basename(p).startsWith('.') });
        spool.on('add', (p) => {
          if (p.endsWith('.json')) serially(() => considerSpool(p));
        });
        spool.on('change', (p) => {
          if (p.endsWith('.json')) serially(() => considerSpool(p));
        });
        watchers.push(spool);
      }
      for (const w of watchers) w.on('error', (error) => emit({ type: 'failed', recordId: '', code: 'INTERNAL', message: `watching: ${(error as Error).message}` }));
      await Promise.all(watchers.map((w) => new Promise<void>((resolve) => w.once('ready', () => resolve()))));
    }
    emit({ type: 'watching', published: publishedDir, spool: options.spoolDir, once: options.once });
    serially(scan);
    if (options.once) {
      await chain;
      // Retries waiting for their time are part of what is there.
      for (;;) {
        await queue.onIdle();
        if (timers.size === 0 || signal.aborted) break;
        await new Promise<void>((resolve) => (wake = resolve));
      }
    } else {
      await new Promise<void>((resolve) => {
        if (signal.aborted) resolve();
        else signal.addEventListener('abort', () => resolve(), { once: true });
      });
    }
  } finally {
    await Promise.all(watchers.map((w) => w.close()));
    stopping.abort(new CaptureError('ABORTED', 'watch stopped'));
    for (const timer of timers.values()) clearTimeout(timer);
    timers.clear();
    queue.clear();
    await chain;
    // Running exports see the signal, stop, and go back to pending before this returns.
    await queue.onIdle();
    await journal.save();
  }
  const pending = journal.entries().filter((e) => e.state === 'pending').length;
  emit({ type: 'stopped', done, failed, pending });
  return { done, failed, pending };
}
