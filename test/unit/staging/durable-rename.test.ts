import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { durableRename } from '../../../src/staging/durable-rename.js';
import { spyOnFsync } from './sync-spy.js';

let restore = () => {};
afterEach(() => restore());

describe('durableRename', () => {
  it('fsyncs the file before the rename and the target directory after it', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'durable-'));
    await mkdir(path.join(dir, 'staging'));
    const from = path.join(dir, 'staging', '.talk.mp4.partial');
    const to = path.join(dir, 'talk.mp4');
    await writeFile(from, 'video');
    const fileIno = (await stat(from)).ino;
    const dirIno = (await stat(dir)).ino;
    const spy = await spyOnFsync(() => ({ from: existsSync(from), to: existsSync(to) }));
    restore = spy.restore;
    await durableRename(from, to);
    expect(spy.synced).toEqual([
      { ino: fileIno, at: { from: true, to: false } },
      { ino: dirIno, at: { from: false, to: true } },
    ]);
    expect(await readFile(to, 'utf8')).toBe('video');
  });

  it('replaces an existing file, as rename does (record -o over an old file, a batch redoing an item)', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'durable-'));
    await writeFile(path.join(dir, 'new'), 'new');
    await writeFile(path.join(dir, 'old'), 'old');
    await durableRename(path.join(dir, 'new'), path.join(dir, 'old'));
    expect(await readdir(dir)).toEqual(['old']);
    expect(await readFile(path.join(dir, 'old'), 'utf8')).toBe('new');
  });

  it('fails like rename when the source is missing, leaving the target alone', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'durable-'));
    await writeFile(path.join(dir, 'old'), 'old');
    await expect(durableRename(path.join(dir, 'gone'), path.join(dir, 'old'))).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await readFile(path.join(dir, 'old'), 'utf8')).toBe('old');
  });
});
