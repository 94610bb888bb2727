/**
 * Where a job writes while it works: the output directory is checked up front (a clear
 * OUTPUT_NOT_WRITABLE before any browser starts), work files go to a hidden directory beside the
 * output (same filesystem, so the final rename is atomic), each finished file is written under a
 * hidden partial name and given its final name only when complete and verified, flushed to disk,
 * and, unless told to replace, never over a file that is already there.
 */
import { access, constants, mkdir, mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { CaptureError } from '../errors.js';
import { durableRename } from './durable-rename.js';

export interface OutputWorkDir {
  /** Hidden work directory beside the output. */
  workDir: string;
  /** Hidden name `file` (beside the output) is written under until it is complete. */
  partialOf(file: string): string;
  /**
   * Gives each written partial its final name, flushed to disk (durableRename); without
   * `replace`, an existing file under a final name stops the job with OUTPUT_EXISTS
   * (renameNoClobber, then flushed likewise).
   */
  commit(files: readonly string[], replace: boolean): Promise<void>;
  /** Removes the partial files and (unless kept) the work directory; returns the kept directory. */
  cleanup(keep: boolean): Promise<string | undefined>;
}

/** Checks that the output's directory is writable, then makes the work directory. */
export async function openOutputWorkDir(output: string): Promise<OutputWorkDir> {
  const dir = path.dirname(path.resolve(output));
  try {
    await mkdir(dir, { recursive: true });
    await access(dir, constants.W_OK);
  } catch (error) {
    throw new CaptureError('OUTPUT_NOT_WRITABLE', `cannot write to ${dir}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, { cause: error });
  }
  const workDir = await mkdtemp(path.join(dir, '.bbb-capture-'));
  const partials = new Set<string>();
  const partialOf = (file: string) => {
    const partial = path.join(path.dirname(path.resolve(file)), `.${path.basename(file)}.partial`);
    partials.add(partial);
    return partial;
  };
  return {
    workDir,
    partialOf,
    async commit(files, replace) {
      for (const file of files) {
        await durableRename(partialOf(file), file, { replace });
      }
    },
    async cleanup(keep) {
      await Promise.all(Array.from(partials, (p) => rm(p, { force: true }).catch(() => undefined)));
      if (keep) return workDir;
      await rm(workDir, { recursive: true, force: true }).catch(() => undefined);
      return undefined;
    },
  };
}
