/**
 * Whether the file under a final name is exactly the one a run recorded before renaming it there
 * (the staged file, which verify had passed): so the next run of a job whose process died between
 * that rename and writing "done" takes it as its own export, and a file put there by someone else
 * (or other bytes after a power cut) is not.
 */
import { stat } from 'node:fs/promises';
import { describeCommittedFile, type CommittedFile } from './describe-committed-file.js';

/** True when `file` has `commit`'s size and digest; false when it is absent or differs. */
export async function matchesCommittedFile(file: string, commit: CommittedFile, signal?: AbortSignal): Promise<boolean> {
  const size = (await stat(file).catch(() => undefined))?.size;
  // Size first: another file is almost always told apart without reading it.
  if (size !== commit.size) return false;
  return (await describeCommittedFile(file, signal)).sha256 === commit.sha256;
}
