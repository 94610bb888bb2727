/**
 * Removes the post-publish hook `hook install` wrote, recognised by its marker line: a file of the
 * same name without it is somebody else's and stays.
 */
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { CaptureError, toCaptureError } from '../errors.js';
import { HOOK_FILE, HOOK_MARKER } from './hook-script.js';

/** Removes `<dir>/bbb-capture.rb` if bbb-capture wrote it; returns the file removed, or null when there was none. */
export async function uninstallHook(dir: string): Promise<string | null> {
  const file = path.join(dir, HOOK_FILE);
  const existing = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return undefined;
    throw toCaptureError(error);
  });
  if (existing === undefined) return null;
  if (!existing.includes(HOOK_MARKER)) throw new CaptureError('USAGE', `${file} was not written by bbb-capture (no marker line); not removing it`);
  await rm(file).catch((error: unknown) => {
    throw toCaptureError(error);
  });
  return file;
}
