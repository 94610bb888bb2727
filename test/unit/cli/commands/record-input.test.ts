import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveInput } from '../../../../src/cli/commands/record.js';
import { rawRequest } from '../../server/http-helpers.js';

let tmp: string;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'bbb-capture-record-input-'));
  for (const id of ['mine', 'sibling']) {
    await mkdir(path.join(tmp, id), { recursive: true });
    await writeFile(path.join(tmp, id, 'metadata.xml'), `<recording><id>${id}</id></recording>`);
  }
});

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('resolveInput (record DIR)', () => {
  it('serves that recording and not the recordings beside it', async () => {
    const { url, server } = await resolveInput(path.join(tmp, 'mine'), undefined, new AbortController().signal);
    try {
      expect(url).toBe(server!.playbackUrl('mine'));
      expect((await rawRequest(server!.port, '/presentation/mine/metadata.xml')).status).toBe(200);
      expect((await rawRequest(server!.port, '/presentation/sibling/metadata.xml')).status).toBe(404);
    } finally {
      await server?.close();
    }
  });
});
