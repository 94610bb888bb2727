/**
 * The watch journal: one JSON file in the output directory (`.bbb-capture-watch.json`) that maps
 * each recording (record id) to its output file and says which version of its metadata.xml (a
 * SHA-256 of the file) was exported. It is rewritten atomically on every change of state, so a
 * watch killed at any instant leaves it whole and at most one change behind:
 *
 * - a recording whose metadata.xml hash is the exported one is never exported again (idempotent);
 * - one republished (another hash) is exported again under its journaled name, replacing only
 *   its own file;
 * - `running` found when the journal is opened means the watch that wrote it stopped mid-export:
 *   it is `pending` again and resumes;
 * - a transient failure leaves it `pending` with `retryAt` (the retry policy's backoff), so a watch
 *   started after a crash retries it then; `undelivered` says the export is in place and only its
 *   delivery is left, so that retry uploads the file again rather than exporting it again.
 */
import { coalescedJsonWriter } from '../batch/coalesced-json-writer.js';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { CaptureError, type ErrorCode } from '../errors.js';

export const WATCH_JOURNAL_FILE = '.bbb-capture-watch.json';
const FORMAT = 'bbb-capture-watch-journal';
const VERSION = 1;

/** pending: to export; running: being exported; done: exportedHash is on disk (or queued); failed: the last try failed; removed: unpublished before it was exported. */
export type WatchState = 'pending' | 'running' | 'done' | 'failed' | 'removed';

/** One recording's record. */
export interface WatchEntry {
  recordId: string;
  /** The recording's directory. */
  dir: string;
  /** Output file name in the output directory, once decided; kept across republishing. */
  output: string | null;
  /** Hash of the newest metadata.xml seen. */
  hash: string;
  /** Hash of the metadata.xml the output was made from; null before the first export. */
  exportedHash: string | null;
  state: WatchState;
  attempts: number;
  error: { code: ErrorCode; message: string } | null;
  /** Failed tries of this version of metadata.xml (the retry policy's count); 0 again when republished. */
  failures: number;
  /** When a transient failure is tried again (ISO time); null: at once, or not at all. */
  retryAt: string | null;
  /** Hash of the metadata.xml whose verified export is under `output` but not yet delivered (--upload). */
  undelivered: string | null;
  updatedAt: string;
}

/** Fields added after version 1 was first written: journals without them read as these. */
const LATER_FIELDS = { failures: 0, retryAt: null, undelivered: null } as const;

/** The file's content. */
export interface WatchJournalDocument {
  format: typeof FORMAT;
  version: typeof VERSION;
  updatedAt: string;
  recordings: WatchEntry[];
}

/** The journal of one output directory, kept in memory and saved on every change. */
export class WatchJournal {
  readonly file: string;
  readonly #entries = new Map<string, WatchEntry>();
  readonly #save: () => Promise<void>;

  private constructor(file: string, entries: readonly WatchEntry[]) {
    this.file = file;
    this.#save = coalescedJsonWriter(
      file,
      () => ({ format: FORMAT, version: VERSION, updatedAt: new Date().toISOString(), recordings: this.entries() }) satisfies WatchJournalDocument,
    );
    for (const entry of entries) this.#entries.set(entry.recordId, entry);
  }

  /** Opens (or starts) the journal in `dir`; exports left running by a watch that stopped are pending again. */
  static async open(dir: string): Promise<WatchJournal> {
    const file = path.join(dir, WATCH_JOURNAL_FILE);
    const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw new CaptureError('OUTPUT_NOT_WRITABLE', `cannot read the watch journal ${file}: ${error.message}`, { cause: error });
    });
    let entries: WatchEntry[] = [];
    if (text !== undefined) {
      let doc: Partial<WatchJournalDocument>;
      try {
        doc = JSON.parse(text) as Partial<WatchJournalDocument>;
      } catch (error) {
        throw new CaptureError('USAGE', `the watch journal ${file} is not valid JSON (${(error as Error).message}); move it away to start afresh`, { cause: error });
      }
      if (
        doc.format !== FORMAT ||
        doc.version !== VERSION ||
        !Array.isArray(doc.recordings) ||
        !doc.recordings.every((e) => typeof e?.recordId === 'string' && typeof e.hash === 'string' && typeof e.state === 'string')
      ) {
        throw new CaptureError('USAGE', `${file} is not a version ${VERSION} bbb-capture watch journal; move it away to start afresh`);
      }
      entries = doc.recordings.map((e) => ({ ...LATER_FIELDS, ...e }));
    }
    const journal = new WatchJournal(file, entries);
    let resumed = false;
    for (const entry of entries) {
      if (entry.state === 'running') {
        journal.#entries.set(entry.recordId, { ...entry, state: 'pending', updatedAt: new Date().toISOString() });
        resumed = true;
      }
    }
    if (resumed) await journal.save();
    return journal;
  }

  get(recordId: string): WatchEntry | undefined {
    return this.#entries.get(recordId);
  }

  /** Every entry, in the order they were first seen. */
  entries(): WatchEntry[] {
    return [...this.#entries.values()];
  }

  /** Creates or changes a recording's entry and saves the journal. */
  async set(recordId: string, changes: Partial<Omit<WatchEntry, 'recordId'>> & Pick<WatchEntry, 'dir' | 'hash'>): Promise<WatchEntry>;
  async set(recordId: string, changes: Partial<Omit<WatchEntry, 'recordId'>>): Promise<WatchEntry>;
  async set(recordId: string, changes: Partial<Omit<WatchEntry, 'recordId'>>): Promise<WatchEntry> {
    const existing = this.#entries.get(recordId);
    if (!existing && (changes.dir === undefined || changes.hash === undefined)) throw new CaptureError('INTERNAL', `watch journal: no recording ${recordId}`);
    const base: WatchEntry = existing ?? {
      recordId,
      dir: changes.dir!,
      output: null,
      hash: changes.hash!,
      exportedHash: null,
      state: 'pending',
      attempts: 0,
      error: null,
      ...LATER_FIELDS,
      updatedAt: '',
    };
    const next: WatchEntry = { ...base, ...changes, recordId, updatedAt: new Date().toISOString() };
    this.#entries.set(recordId, next);
    await this.save();
    return next;
  }

  /** Writes the journal; concurrent calls share writes, and each resolves once its state is on disk. */
  save(): Promise<void> {
    return this.#save();
  }
}
