/**
 * The batch journal: one JSON file in the output directory (`.bbb-capture-batch.json`) that says,
 * for every item a batch has seen, where it stands. It is rewritten atomically (temp file, fsync,
 * rename) on every change of state, so a batch killed at any instant — SIGKILL, power loss —
 * leaves a journal that is whole and at most one change behind.
 *
 * States and the moves between them:
 *
 *     pending ──▶ running ──▶ done
 *        ▲  │        │ └────▶ failed ──▶ (next run) running
 *        │  ▼        ├──────▶ pending       (transient failure, retry scheduled)
 *      failed        └──────▶ interrupted ──▶ (next run) running
 *
 * `running` found when a journal is opened means the batch that wrote it died: those items become
 * `interrupted` and are started again. `done` goes back to `running` only when its file is not
 * what was written: gone, empty, or of another size than the journal recorded (a power cut after
 * the journal was saved but before the file's data reached the disk).
 * `pending → failed` is a failure before any capture started (the name could not be decided).
 */
import { coalescedJsonWriter } from './coalesced-json-writer.js';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { CaptureError, ERROR_CODES, type ErrorCode } from '../errors.js';
import type { CommittedFile } from '../job/describe-committed-file.js';

export const JOURNAL_FILE = '.bbb-capture-batch.json';
const FORMAT = 'bbb-capture-batch-journal';
const VERSION = 1;

export type ItemState = 'pending' | 'running' | 'done' | 'failed' | 'interrupted';

/** One item's record. Times are ISO 8601 strings. */
export interface JournalEntry {
  /** workKey(url, effective options, explicit name): identifies the item across runs. */
  key: string;
  url: string;
  /** Where the list gave it, the last time it was seen. */
  source: string;
  /** Output file name inside the directory, once decided; kept across runs. */
  output: string | null;
  state: ItemState;
  /** Captures started for this item, over all runs. */
  attempts: number;
  createdAt: string;
  updatedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  /** Length of the exported part, seconds (done items). */
  durationS: number | null;
  /** Size of the output file in bytes when it was done; absent in journals of older versions. */
  outputBytes?: number | null;
  /**
   * The file the last capture was giving its final name (size, digest, length), written just
   * before the rename: a batch killed after the rename but before `done` finds that file on its
   * next run and takes it as the export instead of capturing it again. Absent in older journals.
   */
  committing?: (CommittedFile & { durationS: number }) | null;
  /** `s3://bucket/key` once uploaded (--upload): a done item whose local file was removed is still done. */
  uploadUrl?: string | null;
  /** Wall time of the last attempt, ms. */
  wallMs: number | null;
  error: { code: ErrorCode; message: string } | null;
  /** When a scheduled retry starts (pending after a transient failure). */
  nextAttemptAt: string | null;
}

/** The file's content. */
export interface JournalDocument {
  format: typeof FORMAT;
  version: typeof VERSION;
  updatedAt: string;
  items: JournalEntry[];
}

const MOVES: Record<ItemState, readonly ItemState[]> = {
  pending: ['running', 'failed'],
  running: ['done', 'failed', 'pending', 'interrupted'],
  done: ['running'],
  failed: ['running'],
  interrupted: ['running'],
};

/** Whether `from → to` is a legal move. */
export function canMove(from: ItemState, to: ItemState): boolean {
  return MOVES[from].includes(to);
}

/** The entry after a move; throws INTERNAL on an illegal one (a bug, not a user error). */
export function moveEntry(entry: JournalEntry, to: ItemState, changes: Partial<Omit<JournalEntry, 'key' | 'state'>>, now: Date = new Date()): JournalEntry {
  if (!canMove(entry.state, to)) throw new CaptureError('INTERNAL', `journal: item ${entry.key} (${entry.url}) cannot go from ${entry.state} to ${to}`);
  const stamp = now.toISOString();
  const next: JournalEntry = { ...entry, ...changes, state: to, updatedAt: stamp };
  if (to === 'running') {
    next.attempts = entry.attempts + 1;
    next.startedAt = stamp;
    next.finishedAt = null;
    next.nextAttemptAt = null;
    next.error = null;
  }
  if (to === 'done' || to === 'failed' || to === 'interrupted') next.finishedAt = stamp;
  if (to === 'done') next.error = null;
  if (to !== 'pending') next.nextAttemptAt = changes.nextAttemptAt ?? null;
  return next;
}

/** A fresh pending entry. */
export function newEntry(key: string, url: string, source: string, now: Date = new Date()): JournalEntry {
  const stamp = now.toISOString();
  return {
    key,
    url,
    source,
    output: null,
    state: 'pending',
    attempts: 0,
    createdAt: stamp,
    updatedAt: stamp,
    startedAt: null,
    finishedAt: null,
    durationS: null,
    outputBytes: null,
    wallMs: null,
    error: null,
    nextAttemptAt: null,
  };
}

function validEntry(value: unknown): value is JournalEntry {
  const e = value as Partial<JournalEntry> | null;
  return (
    !!e &&
    typeof e.key === 'string' &&
    typeof e.url === 'string' &&
    typeof e.state === 'string' &&
    e.state in MOVES &&
    typeof e.attempts === 'number' &&
    (e.output === null || typeof e.output === 'string') &&
    (e.outputBytes === undefined || e.outputBytes === null || (typeof e.outputBytes === 'number' && Number.isSafeInteger(e.outputBytes) && e.outputBytes >= 0)) &&
    (e.committing === undefined ||
      e.committing === null ||
      (typeof e.committing === 'object' && typeof e.committing.size === 'number' && typeof e.committing.sha256 === 'string' && typeof e.committing.durationS === 'number')) &&
    (e.error === null || (typeof e.error === 'object' && e.error !== undefined && e.error.code in ERROR_CODES))
  );
}

/** The journal of one output directory, kept in memory and saved on every change. */
export class BatchJournal {
  readonly file: string;
  readonly #entries = new Map<string, JournalEntry>();
  readonly #save: () => Promise<void>;

  private constructor(file: string, entries: readonly JournalEntry[]) {
    this.file = file;
    this.#save = coalescedJsonWriter(file, () => ({ format: FORMAT, version: VERSION, updatedAt: new Date().toISOString(), items: this.entries() }) satisfies JournalDocument);
    for (const entry of entries) this.#entries.set(entry.key, entry);
  }

  /**
   * Opens (or starts) the journal in `dir`. Entries left `running` by a batch that died are
   * moved to `interrupted`; their keys are returned so the caller can clean up after them.
   */
  static async open(dir: string, now: Date = new Date()): Promise<{ journal: BatchJournal; interrupted: string[] }> {
    const file = path.join(dir, JOURNAL_FILE);
    let text: string | undefined;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
        throw new CaptureError('OUTPUT_NOT_WRITABLE', `cannot read the batch journal ${file}: ${(error as Error).message}`, { cause: error });
      }
    }
    let entries: JournalEntry[] = [];
    if (text !== undefined) {
      let doc: Partial<JournalDocument>;
      try {
        doc = JSON.parse(text) as Partial<JournalDocument>;
      } catch (error) {
        throw new CaptureError('USAGE', `the batch journal ${file} is not valid JSON (${(error as Error).message}); move it away to start the batch afresh`, { cause: error });
      }
      if (doc.format !== FORMAT || doc.version !== VERSION || !Array.isArray(doc.items) || !doc.items.every(validEntry)) {
        throw new CaptureError('USAGE', `${file} is not a version ${VERSION} bbb-capture batch journal; move it away to start the batch afresh`);
      }
      entries = doc.items;
    }
    const journal = new BatchJournal(file, entries);
    const interrupted: string[] = [];
    for (const entry of entries) {
      if (entry.state === 'running') {
        journal.#entries.set(entry.key, moveEntry(entry, 'interrupted', { error: { code: 'ABORTED', message: 'the batch stopped during this capture' } }, now));
        interrupted.push(entry.key);
      }
    }
    if (interrupted.length > 0) await journal.save();
    return { journal, interrupted };
  }

  get(key: string): JournalEntry | undefined {
    return this.#entries.get(key);
  }

  /** Every entry, in the order they were first seen. */
  entries(): JournalEntry[] {
    return [...this.#entries.values()];
  }

  /** Adds a pending entry unless the key is known; refreshes where the list gives it. */
  ensure(key: string, url: string, source: string): JournalEntry {
    const existing = this.#entries.get(key);
    if (existing) {
      if (existing.source !== source) this.#entries.set(key, { ...existing, source });
      return this.#entries.get(key)!;
    }
    const entry = newEntry(key, url, source);
    this.#entries.set(key, entry);
    return entry;
  }

  /** Sets fields that are not a move (the output name once decided, the file being committed). */
  patch(key: string, changes: Partial<Pick<JournalEntry, 'output' | 'committing'>>): JournalEntry {
    const entry = this.#require(key);
    const next = { ...entry, ...changes, updatedAt: new Date().toISOString() };
    this.#entries.set(key, next);
    return next;
  }

  /** Moves an entry to a new state and saves the journal. */
  async move(key: string, to: ItemState, changes: Partial<Omit<JournalEntry, 'key' | 'state'>> = {}): Promise<JournalEntry> {
    const next = moveEntry(this.#require(key), to, changes);
    this.#entries.set(key, next);
    await this.save();
    return next;
  }

  /** Writes the journal; concurrent calls share writes, and each resolves once its state is on disk. */
  save(): Promise<void> {
    return this.#save();
  }

  #require(key: string): JournalEntry {
    const entry = this.#entries.get(key);
    if (!entry) throw new CaptureError('INTERNAL', `journal: no item ${key}`);
    return entry;
  }
}
