import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from '../../../src/batch/retry-policy.js';
import { CaptureError } from '../../../src/errors.js';
import { runWatch, type DeliverRecording, type ExportRecording, type WatchDelivery, type WatchEvent, type WatchExport } from '../../../src/watch/run-watch.js';
import { WATCH_JOURNAL_FILE } from '../../../src/watch/watch-journal.js';

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
        retry: DEFAULT_RETRY_POLICY,
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

  /** A published recording in a fresh directory, and a `runWatch --once` over it with the given callbacks. */
  async function setup() {
    const root = await mkdtemp(path.join(tmpdir(), 'run-watch-retry-'));
    const published = path.join(root, 'published');
    const outDir = path.join(root, 'out');
    await mkdir(path.join(published, ID), { recursive: true });
    await mkdir(outDir);
    await writeFile(path.join(published, ID, 'metadata.xml'), xml('Lecture'));
    const events: WatchEvent[] = [];
    const gaveUp: CaptureError[] = [];
    const run = (o: { exportRecording: ExportRecording; deliver?: DeliverRecording; retry: RetryPolicy; signal?: AbortSignal; onEvent?: (e: WatchEvent) => void }) =>
      runWatch({
        publishedDir: published,
        spoolDir: null,
        outDir,
        format: 'mp4',
        concurrency: 1,
        once: true,
        stableMs: 0,
        signal: o.signal ?? new AbortController().signal,
        onEvent: (e) => {
          events.push(e);
          o.onEvent?.(e);
        },
        exportRecording: o.exportRecording,
        deliver: o.deliver ?? null,
        onGiveUp: (_job, error) => gaveUp.push(error),
        retry: o.retry,
      });
    return { outDir, events, gaveUp, run };
  }
  const fast: RetryPolicy = { retries: 2, delayMs: 20, factor: 2, maxDelayMs: 1000 };
  const unreachable = () => new CaptureError('UPLOAD_FAILED', 'cannot reach the object store', { transient: true });

  it('retries a transient upload failure as an upload of the export already made, not a new export', async () => {
    const { events, gaveUp, run } = await setup();
    const exports: WatchExport[] = [];
    const deliveries: WatchDelivery[] = [];
    const result = await run({
      retry: fast,
      exportRecording: async (job) => {
        exports.push(job);
        await writeFile(job.output, 'the export');
        return { output: job.output, queued: false, result: { duration: 4 } };
      },
      deliver: async (delivery) => {
        deliveries.push(delivery);
        if (deliveries.length === 1) throw unreachable();
        return { uploadUrl: 's3://archive/x.mp4' };
      },
    });
    expect(result).toMatchObject({ done: 1, failed: 0, pending: 0 });
    expect(exports).toHaveLength(1);
    expect(deliveries.map((d) => [d.output, d.result?.duration])).toEqual([
      [exports[0]!.output, 4],
      [exports[0]!.output, 4],
    ]);
    expect(events.filter((e) => e.type === 'retry')).toMatchObject([{ code: 'UPLOAD_FAILED', uploadOnly: true, delayMs: 20 }]);
    expect(events.filter((e) => e.type === 'started').map((e) => e.type === 'started' && e.uploadOnly)).toEqual([false, true]);
    expect(events.find((e) => e.type === 'done')).toMatchObject({ uploadUrl: 's3://archive/x.mp4' });
    expect(gaveUp).toEqual([]);
  });

  it('retries a transient export failure with the backoff, up to the retries, and a permanent one not at all', async () => {
    const transient = await setup();
    let tries = 0;
    const stalled = await transient.run({
      retry: fast,
      exportRecording: async () => {
        tries++;
        throw new CaptureError('PLAYBACK_STALLED', 'the playback stalled');
      },
    });
    expect(stalled).toMatchObject({ done: 0, failed: 1, pending: 0 });
    expect(tries).toBe(3);
    expect(transient.events.filter((e) => e.type === 'retry').map((e) => e.type === 'retry' && [e.delayMs, e.uploadOnly])).toEqual([
      [20, false],
      [40, false],
    ]);
    expect(transient.gaveUp.map((e) => e.code)).toEqual(['PLAYBACK_STALLED']);

    const permanent = await setup();
    tries = 0;
    const missing = await permanent.run({
      retry: fast,
      exportRecording: async () => {
        tries++;
        throw new CaptureError('MEDIA_MISSING', 'no webcams.webm');
      },
      deliver: async () => ({ uploadUrl: null }),
    });
    expect(missing).toMatchObject({ done: 0, failed: 1 });
    expect(tries).toBe(1);
    expect(permanent.events.some((e) => e.type === 'retry')).toBe(false);
    expect(permanent.gaveUp.map((e) => e.code)).toEqual(['MEDIA_MISSING']);
  });

  it('a watch started after a stop picks up the pending retry from its journal and delivers the file it left', async () => {
    const { outDir, events, run } = await setup();
    const stop = new AbortController();
    let exports = 0;
    const first = await run({
      retry: { ...fast, delayMs: 400 },
      signal: stop.signal,
      onEvent: (e) => {
        if (e.type === 'retry') stop.abort();
      },
      exportRecording: async (job) => {
        exports++;
        await writeFile(job.output, 'the export');
        return { output: job.output, queued: false, result: { duration: 4 } };
      },
      deliver: async () => {
        throw unreachable();
      },
    });
    expect(first).toMatchObject({ done: 0, failed: 0, pending: 1 });
    const journal = JSON.parse(await readFile(path.join(outDir, WATCH_JOURNAL_FILE), 'utf8')) as { recordings: Array<Record<string, unknown>> };
    expect(journal.recordings[0]).toMatchObject({ state: 'pending', failures: 1, error: { code: 'UPLOAD_FAILED' } });
    expect(journal.recordings[0]!.undelivered).toBe(journal.recordings[0]!.hash);
    const retryAt = Date.parse(journal.recordings[0]!.retryAt as string);

    events.length = 0;
    const deliveries: Array<{ at: number; delivery: WatchDelivery }> = [];
    const second = await run({
      retry: { ...fast, delayMs: 400 },
      exportRecording: async (job) => {
        exports++;
        return { output: job.output, queued: false };
      },
      deliver: async (delivery) => {
        deliveries.push({ at: Date.now(), delivery });
        return { uploadUrl: 's3://archive/x.mp4' };
      },
    });
    expect(second).toMatchObject({ done: 1, failed: 0, pending: 0 });
    expect(exports).toBe(1);
    expect(deliveries).toHaveLength(1);
    // The backoff the first watch journaled is kept; the job's report went with it.
    expect(deliveries[0]!.at).toBeGreaterThanOrEqual(retryAt - 5);
    expect(deliveries[0]!.delivery.result).toBeNull();
    expect(events.find((e) => e.type === 'started')).toMatchObject({ uploadOnly: true });
  });
});
