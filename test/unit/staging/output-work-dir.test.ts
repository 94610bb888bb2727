import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openOutputWorkDir } from '../../../src/staging/output-work-dir.js';
import { spyOnFsync } from './sync-spy.js';

let restore = () => {};
afterEach(() => restore());

describe('OutputWorkDir.commit', () => {
  it('flushes the finished file and its directory around the rename', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'commit-'));
    const output = path.join(dir, 'talk.mp4');
    const out = await openOutputWorkDir(output);
    await writeFile(out.partialOf(output), 'video');
    const fileIno = (await stat(out.partialOf(output))).ino;
    const spy = await spyOnFsync(() => existsSync(output));
    restore = spy.restore;
    await out.commit([output], true);
    expect(spy.synced).toEqual([
      { ino: fileIno, at: false },
      { ino: (await stat(dir)).ino, at: true },
    ]);
    await out.cleanup(false);
  });

  it('never replaces a file unless told to, and leaves no partial behind', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'commit-'));
    const output = path.join(dir, 'talk.mp4');
    await writeFile(output, "somebody else's");
    const out = await openOutputWorkDir(output);
    await writeFile(out.partialOf(output), 'video');
    await expect(out.commit([output], false)).rejects.toMatchObject({ code: 'OUTPUT_EXISTS' });
    expect(await readFile(output, 'utf8')).toBe("somebody else's");
    await out.commit([output], true);
    expect(await readFile(output, 'utf8')).toBe('video');
    await out.cleanup(false);
    expect(await readdir(dir)).toEqual(['talk.mp4']);
  });
});
