/**
 * One batch at a time per output directory: two batches sharing a journal and a staging directory
 * would clean up each other's work. The lock is a file holding the owner's host, pid and a random
 * token; a lock whose process is gone (a batch killed with SIGKILL) is taken over.
 *
 * The lock file never exists half-written: its content goes to a temporary file first (flushed),
 * which is then hard-linked to the lock name — link() fails with EEXIST when the name is taken,
 * atomically, on local file systems and NFS alike. (Creating the lock with O_EXCL and writing
 * after let a second batch read it empty in between, call it stale, delete it and take it too.)
 */
import { randomUUID } from 'node:crypto';
import { link, open, readFile, rename, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CaptureError } from '../errors.js';

export const LOCK_FILE = '.bbb-capture-batch.lock';

/**
 * An unreadable lock younger than this may be one an older bbb-capture is still writing: it is
 * left alone. Older, it is debris (a hand-made file, a disk error) and taken over.
 */
export const UNREADABLE_LOCK_GRACE_MS = 60_000;

/** A held lock; release() is idempotent. */
export interface BatchLock {
  release(): Promise<void>;
}

interface Owner {
  host?: string;
  pid?: number;
  token?: string;
  startedAt?: string;
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

/**
 * Tokens of the locks this process holds or is taking: a pid check cannot tell two batches of one
 * process apart, nor this process from a dead one that had the same pid (pid 1 in a container).
 */
const mine = new Set<string>();
/** Lock files held by this process. */
const held = new Set<string>();

let counter = 0;

function errnoOf(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException).code;
}

function notWritable(file: string, error: unknown): CaptureError {
  return new CaptureError('OUTPUT_NOT_WRITABLE', `cannot create ${file}: ${errnoOf(error) ?? (error as Error).message}`, { cause: error });
}

/** Writes `text` to a new file and flushes it, so a link to it is never seen empty, even after a power cut. */
async function writeFlushed(file: string, text: string): Promise<void> {
  const handle = await open(file, 'wx');
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Takes the lock of `dir`; throws USAGE when a live batch holds it. */
export async function acquireBatchLock(dir: string): Promise<BatchLock> {
  const file = path.join(dir, LOCK_FILE);
  if (held.has(file)) throw new CaptureError('USAGE', `another batch of this process is working in ${dir}`);
  const me = { host: os.hostname(), pid: process.pid, token: randomUUID(), startedAt: new Date().toISOString() };
  const text = `${JSON.stringify(me)}\n`;
  const temp = path.join(dir, `${LOCK_FILE}.${process.pid}.${++counter}.tmp`);
  mine.add(me.token);
  let won = false;
  try {
    try {
      await writeFlushed(temp, text);
    } catch (error) {
      throw notWritable(file, error);
    }
    for (let tries = 0; tries < 3; tries++) {
      try {
        await link(temp, file);
        won = true;
        held.add(file);
        return lockHandle(file, text, me.token);
      } catch (error) {
        if (errnoOf(error) !== 'EEXIST') throw notWritable(file, error);
        // Over NFS a retried link() whose first try succeeded answers EEXIST: the link count tells.
        if ((await stat(temp).catch(() => undefined))?.nlink === 2) {
          won = true;
          held.add(file);
          return lockHandle(file, text, me.token);
        }
      }
      const seen = await readFile(file, 'utf8').catch((error: unknown) => (errnoOf(error) === 'ENOENT' ? undefined : ''));
      if (seen === undefined) continue; // released meanwhile: try again
      let owner: Owner | undefined;
      try {
        owner = JSON.parse(seen) as Owner;
      } catch {
        // Unreadable: see UNREADABLE_LOCK_GRACE_MS.
      }
      if (!owner || typeof owner !== 'object') {
        const age = Date.now() - ((await stat(file).catch(() => undefined))?.mtimeMs ?? 0);
        if (age < UNREADABLE_LOCK_GRACE_MS) {
          throw new CaptureError(
            'USAGE',
            `${file} is empty or unreadable and was written ${Math.round(age / 1000)} s ago: another batch may be starting in ${dir}; if none is, delete it`,
          );
        }
      } else {
        if (owner.host && owner.host !== me.host) {
          throw new CaptureError('USAGE', `a batch on ${owner.host} (pid ${owner.pid}) is working in ${dir}; if it is gone, delete ${file}`);
        }
        if (owner.token !== undefined && mine.has(owner.token)) throw new CaptureError('USAGE', `another batch of this process is working in ${dir}`);
        if (typeof owner.pid === 'number' && owner.pid !== me.pid && alive(owner.pid)) {
          throw new CaptureError('USAGE', `another batch (pid ${owner.pid}) is working in ${dir}; wait for it or stop it first`);
        }
      }
      await takeOver(file, seen, dir);
    }
    throw new CaptureError('USAGE', `cannot take the batch lock ${file}: another batch keeps taking it`);
  } finally {
    if (!won) mine.delete(me.token);
    await rm(temp, { force: true }).catch(() => undefined);
  }
}

function lockHandle(file: string, text: string, token: string): BatchLock {
  let released = false;
  return {
    async release() {
      if (released) return;
      released = true;
      held.delete(file);
      mine.delete(token);
      // Only our own lock: after a takeover race another batch's may be under the name.
      const current = await readFile(file, 'utf8').catch(() => undefined);
      if (current === text) await rm(file, { force: true });
    },
  };
}

/**
 * Removes a stale lock whose content was `stale`. Two batches may judge the same lock stale: a
 * plain delete by the slower one could remove the lock the faster one has just made. So the lock
 * is first moved aside (atomic: only one batch gets a given file) and deleted only if it is still
 * the stale one; a live lock moved by mistake is put back.
 */
async function takeOver(file: string, stale: string, dir: string): Promise<void> {
  const aside = `${file}.${process.pid}.${++counter}.stale`;
  try {
    await rename(file, aside);
  } catch (error) {
    if (errnoOf(error) === 'ENOENT') return; // another batch moved it first
    throw notWritable(file, error);
  }
  try {
    if ((await readFile(aside, 'utf8')) === stale) return;
    await link(aside, file).catch(() => undefined);
    throw new CaptureError('USAGE', `another batch took the lock ${file} at the same moment; it is working in ${dir}`);
  } finally {
    await rm(aside, { force: true }).catch(() => undefined);
  }
}
