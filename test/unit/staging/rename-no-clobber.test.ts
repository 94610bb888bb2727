import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { renameNoClobber } from '../../../src/staging/rename-no-clobber.js';

describe('renameNoClobber', () => {
  it('moves a file to a free name', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'no-clobber-'));
    await writeFile(path.join(dir, 'staged'), 'new');
    await renameNoClobber(path.join(dir, 'staged'), path.join(dir, 'final.mp4'));
    expect(await readdir(dir)).toEqual(['final.mp4']);
    expect(await readFile(path.join(dir, 'final.mp4'), 'utf8')).toBe('new');
  });

  it('never replaces a file already under the name: OUTPUT_EXISTS, both files kept', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'no-clobber-'));
    await writeFile(path.join(dir, 'staged'), 'new');
    await writeFile(path.join(dir, 'final.mp4'), 'old');
    await expect(renameNoClobber(path.join(dir, 'staged'), path.join(dir, 'final.mp4'))).rejects.toMatchObject({
      code: 'OUTPUT_EXISTS',
      message: expect.stringContaining('final.mp4 already exists'),
    });
    expect(await readFile(path.join(dir, 'final.mp4'), 'utf8')).toBe('old');
    expect(await readFile(path.join(dir, 'staged'), 'utf8')).toBe('new');
  });
});
