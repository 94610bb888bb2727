/**
 * The partial name of a file written beside the export (chapters, poster), its directory made:
 * the job commits it under its final name with the export, or not at all.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { CaptureError } from '../errors.js';

/** Makes the partial file's directory, or throws OUTPUT_NOT_WRITABLE naming it; returns the partial name. */
export async function partialFileFor(file: string, partialOf: (file: string) => string): Promise<string> {
  const target = partialOf(file);
  try {
    await mkdir(path.dirname(target), { recursive: true });
  } catch (error) {
    throw new CaptureError('OUTPUT_NOT_WRITABLE', `cannot write to ${path.dirname(target)}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, {
      cause: error,
    });
  }
  return target;
}
