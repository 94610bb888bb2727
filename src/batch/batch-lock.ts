/**
 * One batch at a time per output directory: two batches sharing a journal and a staging directory
 * would clean up each other's work. The lock is a file holding the owner's host and pid; a lock
 * whose process is gone (a batch killed with SIGKILL) is taken over.
 */
import { open, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CaptureError } from '../errors.js';

export const LOCK_FILE = '.bbb-capture-batch.lock';

/** A held lock; release() is idempotent. */
export interface BatchLock {
  release(): Promise<void>;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Lock files held by this process (a pid check cannot tell two batches of one process apart). */
const held = new Set<string>();

/** Takes the lock of `dir`; throws USAGE when a live batch holds it. */
export async function acquireBatchLock(dir: string): Promise<BatchLock> {
  const file = path.join(dir, LOCK_FILE);
  if (held.has(file)) throw new CaptureError('USAGE', `another batch of this process is working in ${dir}`);
  const me = { host: os.hostname(), pid: process.pid, startedAt: new Date().toISOString() };
  for (let tries = 0; tries < 3; tries++) {
    try {
      const handle = await open(file, 'wx');
      await handle.writeFile(`${JSON.stringify(me)}\n`);
      await handle.close();
      held.add(file);
      let released = false;
      return {
        async release() {
          if (released) return;
          released = true;
          held.delete(file);
          await rm(file, { force: true });
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new CaptureError('OUTPUT_NOT_WRITABLE', `cannot create ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, { cause: error });
      }
    }
    let owner: { host?: string; pid?: number } = {};
    try {
      owner = JSON.parse(await readFile(file, 'utf8')) as typeof owner;
    } catch {
      // unreadable or half-written: treat as stale
    }
    if (owner.host && owner.host !== me.host) {
      throw new CaptureError('USAGE', `a batch on ${owner.host} (pid ${owner.pid}) is working in ${dir}; if it is gone, delete ${file}`);
    }
    if (typeof owner.pid === 'number' && owner.pid !== me.pid && alive(owner.pid)) {
      throw new CaptureError('USAGE', `another batch (pid ${owner.pid}) is working in ${dir}; wait for it or stop it first`);
    }
    await rm(file, { force: true });
  }
  throw new CaptureError('USAGE', `cannot take the batch lock ${file}: another batch keeps taking it`);
}
