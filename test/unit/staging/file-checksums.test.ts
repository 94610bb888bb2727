import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileChecksums } from '../../../src/staging/file-checksums.js';

let dir: string;
beforeAll(async () => (dir = await mkdtemp(path.join(tmpdir(), 'sums-'))));
afterAll(() => rm(dir, { recursive: true, force: true }));

const sha = (b: Buffer) => createHash('sha256').update(b).digest();
const md5 = (b: Buffer) => createHash('md5').update(b).digest();

describe('fileChecksums', () => {
  it("one part: the whole file's SHA-256 and MD5, no multipart ETag", async () => {
    const body = randomBytes(3000);
    await writeFile(path.join(dir, 'one'), body);
    expect(await fileChecksums(path.join(dir, 'one'), 3000)).toEqual({
      size: 3000,
      parts: 1,
      sha256: sha(body).toString('base64'),
      md5: md5(body).toString('hex'),
      multipartEtag: null,
    });
  });

  it('several parts (the last shorter): S3\'s composite rule over the part digests, "-N" appended', async () => {
    // Parts cut across the 1 MiB read chunks, so the splitting is exercised.
    const partSize = 700_000;
    const body = randomBytes(3 * partSize + 123_456);
    await writeFile(path.join(dir, 'many'), body);
    const parts = [0, 1, 2, 3].map((i) => body.subarray(i * partSize, (i + 1) * partSize));
    const sums = await fileChecksums(path.join(dir, 'many'), partSize);
    expect(sums.parts).toBe(4);
    expect(sums.sha256).toBe(`${sha(Buffer.concat(parts.map(sha))).toString('base64')}-4`);
    expect(sums.multipartEtag).toBe(`${md5(Buffer.concat(parts.map(md5))).toString('hex')}-4`);
    expect(sums.md5).toBe(md5(body).toString('hex'));
  });
});
