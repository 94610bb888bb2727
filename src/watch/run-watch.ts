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
 * `concurrency` at a time by p-queue. Stopping (the signal) aborts running exports, puts them
 * back to pending in the journal and returns.
 */
import { readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import PQueue from 'p-queue';
import { OutputNameRegistry } from '../batch/output-name-registry.js';
import { CaptureError, toCaptureError, type ErrorCode } from '../errors.js';
import { defaultOutputBase } from '../job/output-name.js';
import type { ExportFormat } from '../job/record-options.js';
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

/** Makes one export (or hands it to the farm); rejects with a CaptureError. */
export type ExportRecording = (job: WatchExport, signal: AbortSignal) => Promise<{ output: string; queued: boolean; uploadUrl?: string | null }>;

/** What watch reports. */
export type WatchEvent =
  | { type: 'watching'; published: string; spool: string | null; once: boolean }
  | { type: 'found'; recordId: string; dir: string; source: 'published' | 'spool' | 'journal'; republished: boolean }
  | { type: 'unchanged'; recordId: string; output: string | null }
  | { type: 'waiting'; recordId: string; reason: string }
  | { type: 'started'; recordId: string; output: string; attempt: number; replace: boolean }
  | { type: 'done'; recordId: string; output: string; replaced: boolean; queued: boolean; wallMs: number; uploadUrl: string | null }
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
  let done = 0;
  let failed = 0;

  const names = async (): Promise<OutputNameRegistry> => {
    const inDir = await readdir(outDir).catch(() => [] as string[]);
    return new OutputNameRegistry([...inDir, ...journal.entries().flatMap((e) => (e.output ? [e.output] : []))]);
  };

  const schedule = (recordId: string): void => {
    if (scheduled.has(recordId) || signal.aborted) return;
    scheduled.add(recordId);
    queue
      .add(() => exportOne(recordId), { signal })
      .catch(() => {
        // Cleared by a stop before it started: it stays pending in the journal.
        scheduled.delete(recordId);
      });
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
    // A running export of an older version finishes and is then redone (exportOne compares hashes).
    await journal.set(recordId, { dir, hash: meta.hash, ...(entry?.state === 'running' ? {} : { state: 'pending' as const }) });
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
      entry = await journal.set(recordId, { hash: meta.hash, output, state: 'running', attempts: entry.attempts + 1, error: null });
      emit({ type: 'started', recordId, output, attempt: entry.attempts, replace });
      const started = Date.now();
      let result: Awaited<ReturnType<ExportRecording>>;
      try {
        result = await options.exportRecording({ recordId, dir: entry.dir, output: path.join(outDir, output), replace }, signal);
      } catch (error) {
        const failure = toCaptureError(error);
        if (signal.aborted) {
          await journal.set(recordId, { state: 'pending' });
          emit({ type: 'interrupted', recordId });
          return;
        }
        failed++;
        await journal.set(recordId, { state: 'failed', error: { code: failure.code, message: failure.message } });
        emit({ type: 'failed', recordId, code: failure.code, message: failure.message });
        return;
      }
      const now = journal.get(recordId)!;
      const republishedMeanwhile = now.hash !== meta.hash;
      await journal.set(recordId, { output: path.basename(result.output), exportedHash: meta.hash, state: republishedMeanwhile ? 'pending' : 'done', error: null });
      done++;
      emit({
        type: 'done',
        recordId,
        output: path.basename(result.output),
        replaced: replace,
        queued: result.queued,
        wallMs: Date.now() - started,
        uploadUrl: result.uploadUrl ?? null,
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
      await queue.onIdle();
    } else {
      await new Promise<void>((resolve) => {
        if (signal.aborted) resolve();
        else signal.addEventListener('abort', () => resolve(), { once: true });
      });
    }
  } finally {
    await Promise.all(watchers.map((w) => w.close()));
    stopping.abort(new CaptureError('ABORTED', 'watch stopped'));
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
