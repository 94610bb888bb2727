/**
 * Writes the post-publish hook into BBB's post_publish directory: whole or not at all (temp file
 * beside it, then rename), so BBB never runs half a script. A file of the same name that bbb-capture
 * did not write (no marker line) is left alone and refused.
 */
import { chmod, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CaptureError, toCaptureError } from '../errors.js';
import { HOOK_FILE, HOOK_MARKER } from './hook-script.js';

/** Installs `script` as `<dir>/bbb-capture.rb`; returns the file written. */
export async function installHook(dir: string, script: string): Promise<string> {
  const file = path.join(dir, HOOK_FILE);
  const existing = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    if (error.code === 'ENOTDIR') throw new CaptureError('USAGE', `${dir} is not a directory (BBB's post_publish scripts directory expected)`);
    throw toCaptureError(error);
  });
  if (existing !== undefined && !existing.includes(HOOK_MARKER)) {
    throw new CaptureError('OUTPUT_EXISTS', `${file} exists and was not written by bbb-capture; move it away first`);
  }
  // Hidden and without .rb: BBB does not run it while it is being written.
  const temp = path.join(dir, `.${HOOK_FILE}.${process.pid}.tmp`);
  try {
    await writeFile(temp, script, { mode: 0o755 });
    // The umask may have taken bits away; BBB's user must be able to read and run it.
    await chmod(temp, 0o755);
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new CaptureError('USAGE', `${dir} does not exist (is BBB installed? pass --dir)`, { cause: error });
    throw toCaptureError(error);
  }
  return file;
}
