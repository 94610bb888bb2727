/**
 * Hands out output file names inside one directory without collisions: the first item asking for
 * "Talk 2024-03-05 09-30.mp4" gets it, the next one "Talk 2024-03-05 09-30-2.mp4", then "-3"…
 * Items claim in list order, so the same list always gives the same names. Names compare
 * case-insensitively (macOS, Windows and SMB shares fold case), and every name is a single
 * sanitised path segment: nothing can land outside the directory.
 */
import path from 'node:path';
import type { OutputFormat } from '../compose/output-format.js';
import type { ExportFormat } from '../options/record-options.js';
import { NAME_MAX_BYTES, PARTIAL_NAME_BYTES, sanitizeFileName } from '../job/output-name.js';
import { truncateUtf8 } from '../job/truncate-utf8.js';
import { FORMATS } from './capture-settings.js';

/** Splits a requested name into a sanitised base and the format its extension names, if any. */
export function splitRequestedName(requested: string): { base: string; format: OutputFormat | undefined } {
  // Only the last path segment counts; separators never reach the file system.
  const ext = path.extname(requested).slice(1).toLowerCase();
  const format = (FORMATS as readonly string[]).includes(ext) ? (ext as OutputFormat) : undefined;
  const stem = format ? requested.slice(0, -(ext.length + 1)) : requested;
  // Not cut here: a name too long is refused when the list is read (checkOutputName), and claim()
  // fits what is left together with its -N suffix.
  return { base: sanitizeFileName(stem, NAME_MAX_BYTES), format };
}

/** Collision-free names in one directory. */
export class OutputNameRegistry {
  readonly #taken = new Set<string>();

  /** `taken`: names already in use (earlier runs, other jobs). */
  constructor(taken: Iterable<string> = []) {
    for (const name of taken) this.#taken.add(name.toLowerCase());
  }

  /** Whether a file name is already handed out. */
  has(fileName: string): boolean {
    return this.#taken.has(fileName.toLowerCase());
  }

  /** Marks a name as used (one decided in an earlier run). */
  reserve(fileName: string): void {
    this.#taken.add(fileName.toLowerCase());
  }

  /** The first free name for `base` with `format`'s extension: base.ext, base-2.ext, base-3.ext… */
  claim(base: string, format: ExportFormat): string {
    const clean = sanitizeFileName(base, NAME_MAX_BYTES);
    for (let n = 1; ; n++) {
      const suffix = `${n === 1 ? '' : `-${n}`}.${format}`;
      // The name and its hidden partial name (`.NAME.partial`) must both be valid file names.
      const room = NAME_MAX_BYTES - PARTIAL_NAME_BYTES - suffix.length;
      const stem = truncateUtf8(clean, room).replace(/[. ]+$/, '') || 'recording';
      const name = `${stem}${suffix}`;
      if (!this.#taken.has(name.toLowerCase())) {
        this.#taken.add(name.toLowerCase());
        return name;
      }
    }
  }
}
