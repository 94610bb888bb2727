import { mkdtemp, readdir, readFile, utimes, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BatchJournal, canMove, JOURNAL_FILE, moveEntry, newEntry, type ItemState } from '../../../src/batch/batch-journal.js';
import { acquireBatchLock, LOCK_FILE, UNREADABLE_LOCK_GRACE_MS, type BatchLock } from '../../../src/batch/batch-lock.js';
import type { CaptureError } from '../../../src/errors.js';

const STATES: ItemState[] = ['pending', 'running', 'done', 'failed', 'interrupted'];
const LEGAL = new Set([
  'pending>running',
  'pending>failed',
  'running>done',
  'running>failed',
  'running>pending',
  'running>interrupted',
  'done>running',
  'failed>running',
  'interrupted>running',
]);

describe('journal state transitions', () => {
  it.each(STATES.flatMap((from) => STATES.map((to) => [from, to] as const)))('%s → %s', (from, to) => {
    expect(canMove(from, to)).toBe(LEGAL.has(`${from}>${to}`));
    const entry = { ...newEntry('k', 'u', 's'), state: from };
    if (LEGAL.has(`${from}>${to}`)) expect(moveEntry(entry, to, {}).state).toBe(to);
    else expect(() => moveEntry(entry, to, {})).toThrow(/cannot go from/);
  });

  it('counts attempts and stamps times on start, clears the last error', () => {
    const t0 = new Date('2026-01-01T00:00:00Z');
    const t1 = new Date('2026-01-01T00:01:00Z');
    const failed = { ...newEntry('k', 'u', 's', t0), state: 'failed' as const, attempts: 1, error: { code: 'HOST_UNREACHABLE' as const, message: 'x' } };
    const running = moveEntry(failed, 'running', {}, t1);
    expect(running).toMatchObject({ state: 'running', attempts: 2, startedAt: t1.toISOString(), finishedAt: null, error: null });
    const retry = moveEntry(running, 'pending', { error: { code: 'PLAYBACK_STALLED', message: 'y' }, nextAttemptAt: 'later' }, t1);
    expect(retry).toMatchObject({ state: 'pending', attempts: 2, nextAttemptAt: 'later', error: { code: 'PLAYBACK_STALLED' } });
    const done = moveEntry(moveEntry(retry, 'running', {}, t1), 'done', { durationS: 4 }, t1);
    expect(done).toMatchObject({ state: 'done', attempts: 3, durationS: 4, error: null, finishedAt: t1.toISOString(), nextAttemptAt: null });
  });
});

describe('BatchJournal', () => {
  it('saves every move atomically and reads it back', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'journal-'));
    const { journal } = await BatchJournal.open(dir);
    journal.ensure('a', 'http://a', 'list line 1');
    journal.ensure('b', 'http://b', 'list line 2');
    journal.patch('a', { output: 'A.mp4' });
    await Promise.all([journal.move('a', 'running'), journal.move('b', 'running')]);
    await journal.move('a', 'done', { durationS: 5 });
    const doc = JSON.parse(await readFile(path.join(dir, JOURNAL_FILE), 'utf8'));
    expect(doc.format).toBe('bbb-capture-batch-journal');
    expect(doc.items.map((e: { key: string; state: string }) => `${e.key}:${e.state}`)).toEqual(['a:done', 'b:running']);
    const again = await BatchJournal.open(dir);
    // b was running when "the batch died": it is interrupted now, and saved so.
    expect(again.interrupted).toEqual(['b']);
    expect(again.journal.get('a')).toMatchObject({ state: 'done', output: 'A.mp4', attempts: 1 });
    expect(again.journal.get('b')).toMatchObject({ state: 'interrupted', error: { code: 'ABORTED' } });
    const third = await BatchJournal.open(dir);
    expect(third.interrupted).toEqual([]);
    expect(third.journal.get('b')?.state).toBe('interrupted');
  });

  it('refuses a journal that is not one, saying what to do', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'journal-'));
    await writeFile(path.join(dir, JOURNAL_FILE), '{"half": ');
    await expect(BatchJournal.open(dir)).rejects.toThrow(/not valid JSON.*move it away/);
    await writeFile(path.join(dir, JOURNAL_FILE), '{"format": "other", "items": []}');
    await expect(BatchJournal.open(dir)).rejects.toThrow(/not a version 1 bbb-capture batch journal/);
  });
});

describe('batch lock', () => {
  it('refuses a live holder (another process, or this one), takes over a dead one', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'lock-'));
    const file = path.join(dir, LOCK_FILE);
    await writeFile(file, JSON.stringify({ host: hostname(), pid: process.ppid }));
    await expect(acquireBatchLock(dir)).rejects.toThrow(new RegExp(`another batch \\(pid ${process.ppid}\\)`));
    await writeFile(file, JSON.stringify({ host: 'elsewhere', pid: 1 }));
    await expect(acquireBatchLock(dir)).rejects.toThrow(/a batch on elsewhere \(pid 1\).*delete/);
    await writeFile(file, JSON.stringify({ host: hostname(), pid: 2 ** 22 + 12345 }));
    const lock = await acquireBatchLock(dir);
    await expect(acquireBatchLock(dir)).rejects.toThrow(/another batch of this process/);
    await lock.release();
    await lock.release();
    const again = await acquireBatchLock(dir);
    await again.release();
  });
});

describe('batch lock under races', () => {
  it('of many batches starting at once, exactly one gets the lock', async () => {
    for (let round = 0; round < 5; round++) {
      const dir = await mkdtemp(path.join(tmpdir(), 'lock-race-'));
      const results = await Promise.allSettled(Array.from({ length: 16 }, () => acquireBatchLock(dir)));
      const winners = results.filter((r) => r.status === 'fulfilled');
      expect(winners).toHaveLength(1);
      for (const r of results) if (r.status === 'rejected') expect((r.reason as CaptureError).code).toBe('USAGE');
      // The lock is whole, and nothing else is left beside it.
      expect(JSON.parse(await readFile(path.join(dir, LOCK_FILE), 'utf8')).pid).toBe(process.pid);
      expect(await readdir(dir)).toEqual([LOCK_FILE]);
      await (winners[0] as PromiseFulfilledResult<BatchLock>).value.release();
      expect(await readdir(dir)).toEqual([]);
    }
  });

  it('leaves alone a lock file that is still empty (being written), takes over an old unreadable one', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'lock-empty-'));
    const file = path.join(dir, LOCK_FILE);
    await writeFile(file, '');
    await expect(acquireBatchLock(dir)).rejects.toMatchObject({ code: 'USAGE', message: expect.stringMatching(/empty or unreadable/) });
    expect(await readFile(file, 'utf8')).toBe('');
    const old = new Date(Date.now() - 2 * UNREADABLE_LOCK_GRACE_MS);
    await utimes(file, old, old);
    const lock = await acquireBatchLock(dir);
    expect(JSON.parse(await readFile(file, 'utf8')).pid).toBe(process.pid);
    await lock.release();
  });
});
