/**
 * Writes a JSON file so that a reader (or a run after a crash or SIGKILL) sees either the old
 * content or the new one, never half of it: write a temporary file beside it, flush it to disk,
 * rename it over the target (atomic on POSIX file systems, NFS included).
 */
import { open, rename, rm } from 'node:fs/promises';
import path from 'node:path';

let counter = 0;

/** Replaces `file` with `data` as pretty JSON, atomically. */
export async function writeJsonAtomic(file: string, data: unknown): Promise<void> {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${++counter}.tmp`);
  const handle = await open(temp, 'w');
  try {
    await handle.writeFile(`${JSON.stringify(data, null, 2)}\n`);
    await handle.sync();
  } catch (error) {
    await handle.close().catch(() => undefined);
    await rm(temp, { force: true });
    throw error;
  }
  await handle.close();
  try {
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}
