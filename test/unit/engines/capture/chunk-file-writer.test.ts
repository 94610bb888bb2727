import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ChunkFileWriter, MAX_CHUNKS_AHEAD } from '../../../../src/engines/capture/chunk-file-writer.js';
import { CaptureError } from '../../../../src/errors.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'chunks-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The error a write is refused with; fails the test when it is accepted. */
async function refusal(write: Promise<void>): Promise<CaptureError> {
  const error = await write.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CaptureError);
  expect((error as CaptureError).code).toBe('CAPTURE_FAILED');
  return error as CaptureError;
}

/** After a refusal the capture as a whole has failed: check() and close() say so too. */
async function expectCaptureFailed(writer: ChunkFileWriter) {
  expect(() => writer.check()).toThrowError(expect.objectContaining({ code: 'CAPTURE_FAILED' }) as Error);
  await expect(writer.close()).rejects.toMatchObject({ code: 'CAPTURE_FAILED' });
}

describe('ChunkFileWriter', () => {
  it('writes chunks in sequence order whatever order they arrive in', async () => {
    const writer = new ChunkFileWriter(path.join(dir, 'out'));
    await Promise.all([writer.write(2, Buffer.from('c')), writer.write(0, Buffer.from('a')), writer.write(1, Buffer.from('b'))]);
    await writer.close();
    expect(await readFile(path.join(dir, 'out'), 'utf8')).toBe('abc');
    expect(writer.bytes).toBe(3);
  });

  it(`accepts a chunk ${MAX_CHUNKS_AHEAD} ahead of the next one due, and refuses one further`, async () => {
    const writer = new ChunkFileWriter(path.join(dir, 'out'));
    void writer.write(MAX_CHUNKS_AHEAD, Buffer.from('x'));
    const error = await refusal(writer.write(MAX_CHUNKS_AHEAD + 1, Buffer.from('y')));
    expect(error.message).toMatch(/chunk 65 while chunk 0 is due \(at most 64 ahead\)/);
    await expectCaptureFailed(writer);
  });

  it('refuses a sequence far in the future instead of keeping it (the map would grow without bound)', async () => {
    const writer = new ChunkFileWriter(path.join(dir, 'out'));
    await refusal(writer.write(1e9, Buffer.from('x')));
    // Nothing the page sends afterwards is kept either.
    await refusal(writer.write(0, Buffer.from('a')));
    await expectCaptureFailed(writer);
  });

  it.each([
    ['negative', -1],
    ['fractional', 1.5],
    ['NaN', Number.NaN],
    ['a string', '3'],
    ['an object', { valueOf: (): number => 0 }],
  ])('refuses a sequence number that is %s', async (_what, sequence) => {
    const writer = new ChunkFileWriter(path.join(dir, 'out'));
    const error = await refusal(writer.write(sequence, Buffer.from('x')));
    expect(error.message).toMatch(/not a whole number from 0/);
    await expectCaptureFailed(writer);
  });

  it('refuses a chunk sent twice, whether written already or still waiting', async () => {
    const written = new ChunkFileWriter(path.join(dir, 'a'));
    await written.write(0, Buffer.from('a'));
    expect((await refusal(written.write(0, Buffer.from('again')))).message).toMatch(/chunk 0 twice/);
    const waiting = new ChunkFileWriter(path.join(dir, 'b'));
    void waiting.write(3, Buffer.from('d'));
    expect((await refusal(waiting.write(3, Buffer.from('again')))).message).toMatch(/chunk 3 twice/);
  });

  it('refuses data that is not base64 text', async () => {
    const writer = new ChunkFileWriter(path.join(dir, 'out'));
    expect((await refusal(writer.writeBase64(0, { length: 1 }))).message).toMatch(/as object, not base64 text/);
  });

  it('caps the bytes waiting for an earlier chunk', async () => {
    const writer = new ChunkFileWriter(path.join(dir, 'out'), { maxWaitingBytes: 1000 });
    void writer.write(1, Buffer.alloc(600));
    const error = await refusal(writer.write(2, Buffer.alloc(600)));
    expect(error.message).toMatch(/chunk 2 \(600 bytes\) while 600 bytes wait for chunk 0 \(at most 1000\)/);
    // A single chunk larger than the whole budget is refused before it is decoded.
    const big = new ChunkFileWriter(path.join(dir, 'big'), { maxWaitingBytes: 1000 });
    expect((await refusal(big.writeBase64(0, 'A'.repeat(4000)))).message).toMatch(/4000 base64 characters/);
  });

  it('keeps memory to the window: chunks written in order never wait', async () => {
    const writer = new ChunkFileWriter(path.join(dir, 'out'), { maxWaitingBytes: 1000 });
    for (let i = 0; i < 50; i++) await writer.write(i, Buffer.alloc(900));
    await writer.close();
    expect(writer.bytes).toBe(45_000);
  });
});
