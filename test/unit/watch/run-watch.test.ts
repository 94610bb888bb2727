import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CaptureError } from '../../../src/errors.js';
import { runWatch, type WatchExport } from '../../../src/watch/run-watch.js';

const ID = `${'a'.repeat(40)}-1735766832000`;
const xml = (name: string) => `<?xml version="1.0" encoding="UTF-8"?>
<recording>
  <id>${ID}</id>
  <start_time>1735766832000</start_time>
  <meeting id="${ID}" name="${name}"/>
  <meta><meetingName>${name}</meetingName></meta>
  <playback><format>presentation</format><duration>4000</duration></playback>
</recording>
`;

describe('runWatch', () => {
  // With --upload an export can fail after its file has its final name (the store refused it).
  it('replaces the file a failed delivery left under the journaled name when the recording is republished', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'run-watch-'));
    const published = path.join(root, 'published');
    const outDir = path.join(root, 'out');
    await mkdir(path.join(published, ID), { recursive: true });
    await mkdir(outDir);
    const calls: WatchExport[] = [];
    const once = (exportRecording: (job: WatchExport) => Promise<{ output: string; queued: boolean }>) =>
      runWatch({
        publishedDir: published,
        spoolDir: null,
        outDir,
        format: 'mp4',
        concurrency: 1,
        once: true,
        stableMs: 0,
        signal: new AbortController().signal,
        onEvent: () => undefined,
        exportRecording: (job) => {
          calls.push(job);
          return exportRecording(job);
        },
      });

    await writeFile(path.join(published, ID, 'metadata.xml'), xml('Lecture'));
    const first = await once(async (job) => {
      await writeFile(job.output, 'the export');
      throw new CaptureError('UPLOAD_FAILED', 'the store refused it');
    });
    expect(first).toMatchObject({ done: 0, failed: 1 });

    await writeFile(path.join(published, ID, 'metadata.xml'), xml('Lecture, republished'));
    const second = await once(async (job) => ({ output: job.output, queued: false }));
    expect(second).toMatchObject({ done: 1, failed: 0 });
    expect(calls.map((c) => [path.basename(c.output), c.replace])).toEqual([
      [path.basename(calls[0]!.output), false],
      [path.basename(calls[0]!.output), true],
    ]);
  });
});
