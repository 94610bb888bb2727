/**
 * Finds the recordings in a directory laid out like BBB's published/presentation folder: one
 * sub-directory per recording, named by its record id, holding metadata.xml.
 */
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { RECORD_ID_PATTERN } from '../recording/parse-playback-url.js';

/** A recording directory and whether the real player would accept its name. */
export interface FoundRecording {
  recordId: string;
  dir: string;
  /** False when the name fails RECORD_ID_PATTERN: the player would show error 400. */
  validId: boolean;
}

/** Recording sub-directories of `recordingsDir` (those with a metadata.xml), sorted by name. */
export async function listRecordings(recordingsDir: string): Promise<FoundRecording[]> {
  const entries = await readdir(recordingsDir, { withFileTypes: true });
  const found: FoundRecording[] = [];
  for (const entry of entries) {
    if (!entry.isDirectory() && !entry.isSymbolicLink()) continue;
    const dir = path.join(recordingsDir, entry.name);
    try {
      if (!(await stat(path.join(dir, 'metadata.xml'))).isFile()) continue;
    } catch {
      continue;
    }
    found.push({ recordId: entry.name, dir, validId: RECORD_ID_PATTERN.test(entry.name) });
  }
  return found.sort((a, b) => a.recordId.localeCompare(b.recordId));
}
