import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { WATCH_JOURNAL_FILE, WatchJournal } from '../../../src/watch/watch-journal.js';

describe('WatchJournal', () => {
  it("keeps each recording's output name and hashes across runs, and puts a running export back to pending", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'watch-journal-'));
    const journal = await WatchJournal.open(dir);
    await journal.set('a', { dir: '/p/a', hash: 'h1' });
    await journal.set('a', { state: 'running', output: 'A.mp4', attempts: 1 });
    await journal.set('b', { dir: '/p/b', hash: 'h2' });
    await journal.set('b', { state: 'done', output: 'B.mp4', exportedHash: 'h2' });
    // Only the journal itself: the temporary file was renamed over it.
    expect(await readdir(dir)).toEqual([WATCH_JOURNAL_FILE]);

    const reopened = await WatchJournal.open(dir);
    expect(reopened.get('a')).toMatchObject({ state: 'pending', output: 'A.mp4', hash: 'h1', exportedHash: null, attempts: 1 });
    expect(reopened.get('b')).toMatchObject({ state: 'done', output: 'B.mp4', exportedHash: 'h2' });
    // The move back to pending is on disk at once, not only in memory.
    const doc = JSON.parse(await readFile(path.join(dir, WATCH_JOURNAL_FILE), 'utf8')) as { recordings: Array<{ recordId: string; state: string }> };
    expect(doc.recordings.map((r) => [r.recordId, r.state])).toEqual([
      ['a', 'pending'],
      ['b', 'done'],
    ]);
  });

  it('refuses a file that is not a watch journal rather than starting over silently', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'watch-journal-'));
    await writeFile(path.join(dir, WATCH_JOURNAL_FILE), '{"format":"bbb-capture-batch-journal","version":1,"items":[]}');
    await expect(WatchJournal.open(dir)).rejects.toMatchObject({ code: 'USAGE' });
    await writeFile(path.join(dir, WATCH_JOURNAL_FILE), '{not json');
    await expect(WatchJournal.open(dir)).rejects.toMatchObject({ code: 'USAGE' });
  });

  it('will not invent an entry without its directory and hash', async () => {
    const journal = await WatchJournal.open(await mkdtemp(path.join(tmpdir(), 'watch-journal-')));
    await expect(journal.set('x', { state: 'done' })).rejects.toMatchObject({ code: 'INTERNAL' });
  });
});
