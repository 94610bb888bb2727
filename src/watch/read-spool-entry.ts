/**
 * Reads one spool file the post-publish hook wrote (`<spool>/<record id>.json`: the record id and
 * the recording's directory). The hook writes them atomically, so a file that does not parse is
 * broken, not half-written; it is reported and left for the administrator.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';

/** A spooled recording, or why the file is not one (null: it is gone). */
export type SpoolEntry = { recordId: string; dir: string } | { reason: string | null };

/** Reads and checks a spool file. */
export async function readSpoolEntry(file: string): Promise<SpoolEntry> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { reason: null };
    return { reason: `cannot read it: ${(error as Error).message}` };
  }
  let data: { recordId?: unknown; dir?: unknown };
  try {
    data = JSON.parse(text) as typeof data;
  } catch (error) {
    return { reason: `not JSON: ${(error as Error).message}` };
  }
  if (typeof data.recordId !== 'string' || !/^[A-Za-z0-9_-]+$/.test(data.recordId)) return { reason: `no valid "recordId" (got ${JSON.stringify(data.recordId)})` };
  if (typeof data.dir !== 'string' || !path.isAbsolute(data.dir)) return { reason: `no absolute "dir" (got ${JSON.stringify(data.dir)})` };
  // The directory is named after the recording, as BBB lays them out; the journal is keyed by that name.
  if (path.basename(data.dir) !== data.recordId) return { reason: `"dir" ${data.dir} is not the directory of recording ${data.recordId}` };
  return { recordId: data.recordId, dir: path.resolve(data.dir) };
}
