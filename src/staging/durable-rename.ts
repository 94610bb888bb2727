/**
 * The last step of every capture: the finished file takes its final name. A rename alone is
 * atomic but not durable: after a power cut the file system may show the new name over a file
 * whose data never reached the disk (zero-length or truncated — ext4 with delalloc, XFS), or
 * still the old name. So the file is flushed before the rename and its directory after it.
 */
import { type FileHandle, open, rename } from 'node:fs/promises';
import path from 'node:path';
import { renameNoClobber } from './rename-no-clobber.js';

/**
 * Renames `from` to `to` (replacing `to`, as rename(2) does, unless `replace` is false: then an
 * existing `to` stops it with OUTPUT_EXISTS, see renameNoClobber) so that after a crash `to` is
 * either absent/old or the complete new file: fsync the file, rename, fsync the directory of `to`.
 */
export async function durableRename(from: string, to: string, options: { replace?: boolean } = {}): Promise<void> {
  // r+: Windows flushes only handles opened for writing.
  const file = await open(from, 'r+');
  try {
    await file.sync();
  } finally {
    await file.close();
  }
  if (options.replace === false) await renameNoClobber(from, to);
  else await rename(from, to);
  await syncDirectory(path.dirname(path.resolve(to)));
}

/** Flushes a directory's entries; where directories cannot be opened (Windows) there is nothing to do. */
async function syncDirectory(dir: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(dir, 'r');
  } catch (error) {
    if (['EISDIR', 'EPERM', 'EACCES'].includes((error as NodeJS.ErrnoException).code ?? '')) return;
    throw error;
  }
  try {
    await handle.sync();
  } catch (error) {
    // Some file systems (and Windows) refuse fsync on a directory: they do not need it.
    if (!['EINVAL', 'EBADF', 'EPERM', 'ENOTSUP'].includes((error as NodeJS.ErrnoException).code ?? '')) throw error;
  } finally {
    await handle.close();
  }
}
