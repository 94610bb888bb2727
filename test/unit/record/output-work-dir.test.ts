import { existsSync } from 'node:fs';
import { mkdtemp, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openOutputWorkDir } from '../../../src/record/output-work-dir.js';
import { spyOnFsync } from './sync-spy.js';

let restore = () => {};
afterEach(() => restore());

describe('OutputWorkDir.commit', () => {
  it('flushes the finished file and its directory around the rename', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'commit-'));
    const output = path.join(dir, 'talk.mp4');
    const out = await openOutputWorkDir(output);
    await writeFile(out.partial, 'video');
    const fileIno = (await stat(out.partial)).ino;
    const spy = await spyOnFsync(() => existsSync(output));
    restore = spy.restore;
    await out.commit();
    expect(spy.synced).toEqual([
      { ino: fileIno, at: false },
      { ino: (await stat(dir)).ino, at: true },
    ]);
    await out.cleanup(false);
  });
});
