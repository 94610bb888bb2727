/**
 * Moves a finished file to its final name only if nothing is there: a file under that name (an
 * earlier export, a file a person put there, another worker's output) is never replaced.
 */
import { access, link, rename, unlink } from 'node:fs/promises';
import { CaptureError } from '../errors.js';

/** Errors of file systems that have no hard links (some SMB, FUSE and object-store mounts). */
const NO_HARD_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EMLINK', 'EXDEV']);

/**
 * Renames `from` to `to` unless `to` exists; throws OUTPUT_EXISTS then (and leaves `from`).
 * link() + unlink() is the atomic no-clobber rename POSIX offers (link fails with EEXIST; NFS
 * and CephFS have it too). Where hard links are not supported, it checks and then renames: the
 * window between is one the job's lock already closes (one run per job reaches this point).
 */
export async function renameNoClobber(from: string, to: string): Promise<void> {
  const exists = () => new CaptureError('OUTPUT_EXISTS', `${to} already exists; it is left as it is (move it away and queue the recording again to export it anew)`);
  try {
    await link(from, to);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    if (code === 'EEXIST') throw exists();
    if (!NO_HARD_LINKS.has(code)) throw error;
    const taken = await access(to).then(
      () => true,
      () => false,
    );
    if (taken) throw exists();
    await rename(from, to);
    return;
  }
  await unlink(from);
}
