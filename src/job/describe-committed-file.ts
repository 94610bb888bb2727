/**
 * What a run records of a finished file just before it takes its final name: its size and
 * SHA-256. The next run of a job whose process died between that rename and writing "done"
 * knows the file by it (matchesCommittedFile).
 */
import { fileChecksums } from '../staging/file-checksums.js';

/** Size and digest of a file about to take (or holding) a final name. */
export interface CommittedFile {
  size: number;
  /** Base64 SHA-256 of the whole file (fileChecksums' single-part form). */
  sha256: string;
}

/** Size and SHA-256 of `file`, in one read of it. */
export async function describeCommittedFile(file: string, signal?: AbortSignal): Promise<CommittedFile> {
  // One part as large as any file: the whole file's SHA-256.
  const sums = await fileChecksums(file, Number.MAX_SAFE_INTEGER, signal);
  return { size: sums.size, sha256: sums.sha256 };
}
