/**
 * enqueue, worker and status against a real Redis (started here), with the capture replaced by a
 * fake: job ids and names, duplicates, permanent and transient failures, requeue on stop.
 * The real captures, and a worker killed with SIGKILL, are in test/e2e/worker.spec.ts.
 */
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FlowProducer } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BaseCaptureOptions } from '../../../src/batch/capture-settings.js';
import type { BatchItem } from '../../../src/batch/parse-batch-list.js';
import { CaptureError, type ErrorCode } from '../../../src/errors.js';
import type { RecordOptions } from '../../../src/record/record-options.js';
import type { RecordingInfo } from '../../../src/recording/fetch-recording-info.js';
import { openCaptureQueue, type CaptureQueue, type JobSettings } from '../../../src/worker/capture-queue.js';
import { enqueueRecordings } from '../../../src/worker/enqueue-recordings.js';
import { openRedis } from '../../../src/worker/open-redis.js';
import { readQueueStatus } from '../../../src/worker/read-queue-status.js';
import { runWorker, type WorkerEvent } from '../../../src/worker/run-worker.js';
import { startTestRedis, type TestRedis } from '../../support/redis-server.js';

const base = {
  format: 'mp4',
  width: 1920,
  height: 1080,
  layout: 'player',
  from: 0,
  to: undefined,
  fps: undefined,
  videoBitrate: 6_000_000,
  audioBitrate: 192_000,
  maxCaptureFps: 60,
  eventRate: 30,
  chromiumPath: '/bin/false',
  insecure: false,
  runningAsRoot: false,
  tools: { ffmpeg: 'ffmpeg', ffprobe: 'ffprobe' },
  fontFile: '/dev/null',
  readyTimeoutMs: 1000,
  stallTimeoutMs: 1000,
  verify: false,
  keepTemp: false,
} satisfies BaseCaptureOptions;
const defaults: JobSettings = { from: 0, to: null, layout: 'player', resolution: '1280x720', format: 'mp4' };

const id = (n: number) => `${String(n).repeat(40).slice(0, 40)}-17000000000${String(n).padStart(2, '0')}`;
const url = (n: number) => `http://127.0.0.1:1/playback/presentation/2.3/${id(n)}`;
const item = (n: number, index: number, extra: Partial<BatchItem> = {}): BatchItem => ({ index, source: `argument ${index + 1}`, url: url(n), settings: {}, ...extra });

async function fetchInfo(u: string): Promise<RecordingInfo> {
  if (u === url(9)) throw new CaptureError('RECORDING_NOT_FOUND', 'fake 404');
  const recordId = u.split('/').at(-1)!;
  return { recordId, meetingId: recordId, meetingName: 'Seminar', startTime: Date.UTC(2024, 4, 1, 8, 0), duration: 4, media: 'video', mediaUrl: '' };
}

let redis: TestRedis;
let connection: Redis;
let queueCount = 0;

beforeAll(async () => {
  redis = await startTestRedis();
  connection = await openRedis(redis.url, { name: 'test' });
}, 30_000);

afterAll(async () => {
  await connection?.quit();
  await redis?.stop();
});

function newQueue(): CaptureQueue {
  return openCaptureQueue(connection, `test-${process.pid}-${++queueCount}`);
}

/** Waits until `check` passes (polling), for states that change in the background. */
async function eventually<T>(check: () => Promise<T>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

describe('enqueueRecordings', () => {
  it('queues each recording once with a queue-unique name, refuses 404s, retries failed ones', async () => {
    const queue = newQueue();
    try {
      const first = await enqueueRecordings({ queue, items: [item(1, 0), item(2, 1), item(9, 2), item(1, 3), item(3, 4, { output: 'Keynote.webm', settings: { layout: 'content' } })], defaults, nameTemplate: undefined, retry: { attempts: 3, backoffMs: 10 }, fetchInfo });
      expect(first.map((r) => r.outcome)).toEqual([
        { status: 'queued', jobId: expect.stringMatching(new RegExp(`^${id(1)}-`)), output: 'Seminar 2024-05-01 08-00.mp4' },
        { status: 'queued', jobId: expect.stringMatching(new RegExp(`^${id(2)}-`)), output: 'Seminar 2024-05-01 08-00-2.mp4' },
        { status: 'refused', code: 'RECORDING_NOT_FOUND', message: 'fake 404' },
        { status: 'exists', jobId: expect.stringMatching(new RegExp(`^${id(1)}-`)), output: 'Seminar 2024-05-01 08-00.mp4', state: 'waiting' },
        { status: 'queued', jobId: expect.stringMatching(new RegExp(`^${id(3)}-`)), output: 'Keynote.webm' },
      ]);
      const job = await queue.getJob((first[4]!.outcome as { jobId: string }).jobId);
      expect(job?.data.settings).toEqual({ ...defaults, layout: 'content', format: 'webm' });
      expect(job?.opts).toMatchObject({ attempts: 3, backoff: { type: 'exponential', delay: 10 } });

      // A later enqueue of another recording with the same name continues the numbering.
      const second = await enqueueRecordings({ queue, items: [item(4, 0), item(2, 1)], defaults, nameTemplate: '{meetingName} {date}', retry: { attempts: 3, backoffMs: 10 }, fetchInfo });
      expect(second.map((r) => [r.outcome.status, 'output' in r.outcome && r.outcome.output])).toEqual([
        ['queued', 'Seminar 2024-05-01.mp4'],
        ['exists', 'Seminar 2024-05-01 08-00-2.mp4'],
      ]);
      expect(await queue.getJobCounts('waiting')).toEqual({ waiting: 4 });
    } finally {
      await queue.close();
    }
  });
});

describe('enqueueRecordings in parts', () => {
  it('queues a long render as a join waiting for its parts, each failing the join if it fails for good', async () => {
    const queue = newQueue();
    const flows = new FlowProducer({ connection });
    try {
      const render: JobSettings = { ...defaults, engine: 'render' };
      const [result] = await enqueueRecordings({ queue, items: [item(5, 0)], defaults: render, nameTemplate: '{recordId}', retry: { attempts: 3, backoffMs: 10 }, fetchInfo, partLength: 1, flows });
      const jobId = (result!.outcome as { jobId: string }).jobId;
      const join = (await queue.getJob(jobId))!;
      expect(join.name).toBe('join');
      expect(await join.getState()).toBe('waiting-children');
      expect(join.data.join).toEqual({ count: 4, dir: jobId });
      const parts = await Promise.all([0, 1, 2, 3].map(async (k) => (await queue.getJob(`${jobId}-part-${k}`))!));
      expect(parts.map((p) => [p.name, p.data.part?.from, p.data.part?.to, p.data.output])).toEqual([
        ['render-part', 0, 1, `${id(5)}.mp4`],
        ['render-part', 1, 2, `${id(5)}.mp4`],
        ['render-part', 2, 3, `${id(5)}.mp4`],
        ['render-part', 3, null, `${id(5)}.mp4`],
      ]);
      expect(parts.every((p) => p.opts.failParentOnFailure === true && p.opts.attempts === 3)).toBe(true);
      expect((await readQueueStatus(queue, { limit: 10 })).counts).toMatchObject({ waiting: 4, waitingChildren: 1 });
      // Queued again: found, not doubled.
      const [again] = await enqueueRecordings({ queue, items: [item(5, 0)], defaults: render, nameTemplate: '{recordId}', retry: { attempts: 3, backoffMs: 10 }, fetchInfo, partLength: 1, flows });
      expect(again!.outcome).toMatchObject({ status: 'exists', state: 'waiting-children' });
      // A short recording is one job.
      const [short] = await enqueueRecordings({ queue, items: [item(6, 0)], defaults: render, nameTemplate: '{recordId}', retry: { attempts: 3, backoffMs: 10 }, fetchInfo, partLength: 60, flows });
      expect((await queue.getJob((short!.outcome as { jobId: string }).jobId))!.name).toBe('capture');
    } finally {
      await flows.close();
      await queue.close();
    }
  });
});

describe('runWorker', () => {
  /** A fake capture per URL: attempts in order ("ok" when the list runs out). */
  function fakeRecord(plan: Record<string, Array<'ok' | 'hang' | ErrorCode>>, started: string[]) {
    return async (options: RecordOptions) => {
      started.push(options.url);
      const step = plan[options.url]?.shift() ?? 'ok';
      options.onEvent({ type: 'progress', position: 1, duration: 4, elapsedMs: 1 });
      if (step === 'hang') {
        await new Promise((_, reject) => {
          const stop = () => reject(new CaptureError('ABORTED', 'stopped'));
          if (options.signal?.aborted) stop();
          options.signal?.addEventListener('abort', stop, { once: true });
        });
      }
      if (step !== 'ok' && step !== 'hang') throw new CaptureError(step, `fake ${step}`);
      await writeFile(options.output, `${options.url} ${options.width}x${options.height}`);
      return { duration: 4, wallMs: 5 };
    };
  }

  it('captures jobs, fails permanent errors at once, retries transient ones, and reports it all', async () => {
    const queue = newQueue();
    const outDir = await mkdtemp(path.join(tmpdir(), 'worker-'));
    const controller = new AbortController();
    const events: WorkerEvent[] = [];
    const started: string[] = [];
    try {
      await enqueueRecordings({ queue, items: [item(1, 0), item(2, 1), item(3, 2)], defaults, nameTemplate: '{recordId}', retry: { attempts: 3, backoffMs: 10 }, fetchInfo });
      const worker = runWorker({
        redisUrl: redis.url,
        queueName: queue.name,
        outDir,
        concurrency: 2,
        base,
        name: 'test-worker',
        lockDurationMs: 5000,
        stalledIntervalMs: 5000,
        maxStalledCount: 1,
        onStop: 'requeue',
        signal: controller.signal,
        onEvent: (e) => events.push(e),
        record: fakeRecord({ [url(2)]: ['NOT_A_BBB_RECORDING'], [url(3)]: ['CHROMIUM_CRASHED', 'ok'] }, started),
      });
      const status = await eventually(async () => {
        const s = await readQueueStatus(queue, { limit: 10 });
        expect(s.counts).toMatchObject({ completed: 2, failed: 1, active: 0, waiting: 0, delayed: 0 });
        return s;
      });
      controller.abort();
      expect(await worker).toEqual({ completed: 2, failed: 2, requeued: 0 });
      expect(status.failed).toEqual([expect.objectContaining({ output: `${id(2)}.mp4`, code: 'NOT_A_BBB_RECORDING', message: 'fake NOT_A_BBB_RECORDING', attemptsMade: 1 })]);
      expect(status.completed.map((c) => [c.output, c.path, c.worker]).sort()).toEqual([
        [`${id(1)}.mp4`, path.join(outDir, `${id(1)}.mp4`), 'test-worker'],
        [`${id(3)}.mp4`, path.join(outDir, `${id(3)}.mp4`), 'test-worker'],
      ]);
      expect(started.filter((u) => u === url(2))).toHaveLength(1);
      expect(started.filter((u) => u === url(3))).toHaveLength(2);
      expect(events.filter((e) => e.type === 'job-failed').map((e) => e.type === 'job-failed' && [e.code, e.willRetry])).toEqual(
        expect.arrayContaining([
          ['NOT_A_BBB_RECORDING', false],
          ['CHROMIUM_CRASHED', true],
        ]),
      );
      // The job's settings reached the capture; only finished files, no staging left.
      expect(await readFile(path.join(outDir, `${id(1)}.mp4`), 'utf8')).toBe(`${url(1)} 1280x720`);
      expect((await readdir(outDir)).sort()).toEqual([`${id(1)}.mp4`, `${id(3)}.mp4`]);
    } finally {
      controller.abort();
      await queue.close();
    }
  });

  it('on stop, aborts running captures and puts their jobs back without using an attempt', async () => {
    const queue = newQueue();
    const outDir = await mkdtemp(path.join(tmpdir(), 'worker-'));
    const controller = new AbortController();
    const started: string[] = [];
    try {
      await enqueueRecordings({ queue, items: [item(1, 0)], defaults, nameTemplate: undefined, retry: { attempts: 3, backoffMs: 10 }, fetchInfo });
      const worker = runWorker({
        redisUrl: redis.url,
        queueName: queue.name,
        outDir,
        concurrency: 1,
        base,
        name: 'stopping-worker',
        lockDurationMs: 5000,
        stalledIntervalMs: 5000,
        maxStalledCount: 1,
        onStop: 'requeue',
        signal: controller.signal,
        onEvent: () => undefined,
        record: fakeRecord({ [url(1)]: ['hang'] }, started),
      });
      await eventually(async () => {
        const s = await readQueueStatus(queue, { limit: 10 });
        expect(s.active).toEqual([expect.objectContaining({ worker: 'stopping-worker' })]);
      });
      controller.abort();
      expect(await worker).toEqual({ completed: 0, failed: 0, requeued: 1 });
      const s = await readQueueStatus(queue, { limit: 10 });
      expect(s.counts).toMatchObject({ waiting: 1, active: 0, failed: 0, completed: 0 });
      const [job] = await queue.getWaiting();
      expect(job?.attemptsMade).toBe(0);
      expect(await readdir(outDir)).toEqual([]);
    } finally {
      controller.abort();
      await queue.close();
    }
  });
});
