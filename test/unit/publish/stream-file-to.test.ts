import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { streamFileTo } from '../../../src/publish/stream-file-to.js';

let work: string;
let file: string;
beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'bbb-capture-stream-file-'));
  file = path.join(work, 'out.mp4');
  await writeFile(file, Buffer.alloc(1 << 20, 7));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('streamFileTo', () => {
  it('copies the whole file and leaves the stream open', async () => {
    const chunks: Buffer[] = [];
    const sink = new Writable({
      write: (chunk: Buffer, _enc, done) => {
        chunks.push(chunk);
        done();
      },
    });
    await streamFileTo(file, sink, undefined);
    expect(Buffer.concat(chunks).length).toBe(1 << 20);
    expect(sink.writableEnded).toBe(false);
  });

  it('a reader gone (EPIPE) is OUTPUT_CLOSED', async () => {
    let written = 0;
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        written += chunk.length;
        done(written > 100_000 ? Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }) : null);
      },
    });
    await expect(streamFileTo(file, sink, undefined)).rejects.toMatchObject({ code: 'OUTPUT_CLOSED', exitCode: 53 });
  });
});
