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
import type { BatchItem } from '../../../src/batch/parse-batch-list.js';
import { CaptureError, type ErrorCode } from '../../../src/errors.js';
import type { JobOptions } from '../../../src/job/job-options.js';
import type { RecordingInfo } from '../../../src/recording/fetch-recording-info.js';
import { openCaptureQueue, type CaptureQueue, type JobSettings } from '../../../src/worker/capture-queue.js';
import { enqueueRecordings } from '../../../src/worker/enqueue-recordings.js';
import { openRedis } from '../../../src/worker/open-redis.js';
import { readQueueStatus } from '../../../src/worker/read-queue-status.js';
import { runWorker, type WorkerEvent } from '../../../src/worker/run-worker.js';
import { startTestRedis, type TestRedis } from '../../support/redis-server.js';
import { BASE_CAPTURE_OPTIONS } from '../../support/base-capture-options.js';
import { eventually } from '../../support/eventually.js';

const base = BASE_CAPTURE_OPTIONS;
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
describe('enqueueRecordings', () => {
  it('queues each recording once with a queue-unique name, refuses 404s, retries failed ones', async () => {
    const queue = newQueue();
    try {
      const first = await enqueueRecordings({
        queue,
        items: [item(1, 0), item(2, 1), item(9, 2), item(1, 3), item(3, 4, { output: 'Keynote.webm', settings: { layout: 'content' } })],
        defaults,
        nameTemplate: undefined,
        retry: { attempts: 3, backoffMs: 10 },
        fetchInfo,
      });
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
      const second = await enqueueRecordings({
        queue,
        items: [item(4, 0), item(2, 1)],
        defaults,
        nameTemplate: '{meetingName} {date}',
        retry: { attempts: 3, backoffMs: 10 },
        fetchInfo,
      });
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

describe('enqueueRecordings at the same time', () => {
  it('never hands out one name twice: two enqueues racing for the same name get distinct ones', async () => {
    const name = `race-${process.pid}`;
    const other = await openRedis(redis.url, { name: 'test-2' });
    const queueA = openCaptureQueue(connection, name);
    const queueB = openCaptureQueue(other, name);
    try {
      // Both have looked at the queue (no jobs yet) before either decides a name.
      let arrived = 0;
      let release!: () => void;
      const bothThere = new Promise<void>((resolve) => (release = resolve));
      const slowInfo = async (u: string) => {
        if (++arrived === 2) release();
        await bothThere;
        return fetchInfo(u);
      };
      const run = (q: CaptureQueue, items: BatchItem[]) =>
        enqueueRecordings({ queue: q, items, defaults, nameTemplate: '{meetingName}', retry: { attempts: 3, backoffMs: 10 }, fetchInfo: slowInfo });
      // Two recordings with the same meeting name, and the same recording from both sides.
      const [a, b] = await Promise.all([run(queueA, [item(1, 0), item(3, 1)]), run(queueB, [item(2, 0), item(3, 1)])]);
      const outputs = [...a, ...b].map((r) => (r.outcome as { output: string }).output);
      expect(outputs.slice(0, 1).concat(outputs.slice(2, 3)).sort()).toEqual(['Seminar-2.mp4', 'Seminar.mp4']);
      // The same recording (same job id) got one name, whichever enqueue claimed it.
      expect(outputs[1]).toBe(outputs[3]);
      expect(new Set(outputs).size).toBe(3);
      const jobs = await queueA.getJobs(['wait'], 0, -1);
      expect(jobs).toHaveLength(3);
      expect(new Set(jobs.map((j) => j.data.output.toLowerCase())).size).toBe(3);
    } finally {
      await queueA.close();
      await queueB.close();
      await other.quit();
    }
  });
});

describe('enqueueRecordings in parts', () => {
  it('queues a long render as a join waiting for its parts, each failing the join if it fails for good', async () => {
    const queue = newQueue();
    const flows = new FlowProducer({ connection });
    try {
      const render: JobSettings = { ...defaults, engine: 'render' };
      const [result] = await enqueueRecordings({
        queue,
        items: [item(5, 0)],
        defaults: render,
        nameTemplate: '{recordId}',
        retry: { attempts: 3, backoffMs: 10 },
        fetchInfo,
        partLength: 1,
        flows,
      });
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
      const [again] = await enqueueRecordings({
        queue,
        items: [item(5, 0)],
        defaults: render,
        nameTemplate: '{recordId}',
        retry: { attempts: 3, backoffMs: 10 },
        fetchInfo,
        partLength: 1,
        flows,
      });
      expect(again!.outcome).toMatchObject({ status: 'exists', state: 'waiting-children' });
      // A short recording is one job.
      const [short] = await enqueueRecordings({
        queue,
        items: [item(6, 0)],
        defaults: render,
        nameTemplate: '{recordId}',
        retry: { attempts: 3, backoffMs: 10 },
        fetchInfo,
        partLength: 60,
        flows,
      });
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
    return async (options: JobOptions) => {
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
      await writeFile(options.output!, `${options.url} ${options.width}x${options.height}`);
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

  it('stops a run at once when its lock is lost, and a second run of the job keeps its own files', async () => {
    const queue = newQueue();
    const outDir = await mkdtemp(path.join(tmpdir(), 'worker-'));
    const stopA = new AbortController();
    const stopB = new AbortController();
    const eventsA: WorkerEvent[] = [];
    const runsStaging: string[] = [];
    let aborted: unknown;
    let bStarted!: () => void;
    const bRunning = new Promise<void>((resolve) => (bStarted = resolve));
    try {
      const [queued] = await enqueueRecordings({ queue, items: [item(1, 0)], defaults, nameTemplate: '{recordId}', retry: { attempts: 3, backoffMs: 10 }, fetchInfo });
      const jobId = (queued!.outcome as { jobId: string }).jobId;
      const common = { redisUrl: redis.url, queueName: queue.name, outDir, concurrency: 1, base, maxStalledCount: 2, onStop: 'requeue' as const };
      // A renews its lock every 0.5 s; its one slot stays busy while its zombie run lasts.
      const workerA = runWorker({
        ...common,
        name: 'worker-a',
        lockDurationMs: 1000,
        stalledIntervalMs: 300,
        signal: stopA.signal,
        onEvent: (e) => eventsA.push(e),
        record: async (options) => {
          runsStaging.push(path.dirname(options.output!));
          await writeFile(path.join(path.dirname(options.output!), 'raw-capture'), 'A');
          await new Promise((resolve) => options.signal?.addEventListener('abort', resolve, { once: true }));
          aborted = options.signal?.reason;
          // A slow zombie: it gets to its cleanup only while the second run is at work.
          await bRunning;
          throw new CaptureError('ABORTED', 'stopped');
        },
      });
      await eventually(async () => expect(runsStaging).toHaveLength(1));
      // The lock disappears (expired while the worker was frozen, say): its renewal fails.
      expect(await connection.del(`bull:${queue.name}:${jobId}:lock`)).toBe(1);
      await eventually(async () => expect(aborted).toBeDefined(), 5000);
      expect(aborted).toMatchObject({ code: 'ABORTED', message: expect.stringMatching(/lost the lock/) });
      // B finds the job stalled and runs it again, in a directory of its own.
      const workerB = runWorker({
        ...common,
        name: 'worker-b',
        lockDurationMs: 5000,
        stalledIntervalMs: 300,
        signal: stopB.signal,
        onEvent: () => undefined,
        record: async (options) => {
          const staging = path.dirname(options.output!);
          runsStaging.push(staging);
          await writeFile(path.join(staging, 'raw-capture'), 'B');
          bStarted();
          // A's run ends and cleans up while B is capturing.
          await eventually(async () => expect(eventsA.some((e) => e.type === 'job-lock-lost')).toBe(true));
          await eventually(async () => expect(await readdir(runsStaging[0]!).catch(() => 'gone')).toBe('gone'));
          await writeFile(options.output!, await readFile(path.join(staging, 'raw-capture'), 'utf8'));
          return { duration: 4, wallMs: 5 };
        },
      });
      const status = await eventually(async () => {
        const s = await readQueueStatus(queue, { limit: 10 });
        expect(s.counts).toMatchObject({ completed: 1, active: 0, failed: 0 });
        return s;
      }, 20_000);
      expect(runsStaging[0]).not.toBe(runsStaging[1]);
      expect(status.completed).toEqual([expect.objectContaining({ worker: 'worker-b' })]);
      expect(await readFile(path.join(outDir, `${id(1)}.mp4`), 'utf8')).toBe('B');
      stopA.abort();
      stopB.abort();
      expect(await workerA).toEqual({ completed: 0, failed: 0, requeued: 0 });
      expect(await workerB).toEqual({ completed: 1, failed: 0, requeued: 0 });
      expect(await readdir(outDir)).toEqual([`${id(1)}.mp4`]);
    } finally {
      stopA.abort();
      stopB.abort();
      bStarted();
      await queue.close();
    }
  }, 40_000);

  it('on a full disk, retries the job, pauses taking jobs and says so, and resumes when space returns', async () => {
    const queue = newQueue();
    const outDir = await mkdtemp(path.join(tmpdir(), 'worker-'));
    const controller = new AbortController();
    const events: WorkerEvent[] = [];
    const started: string[] = [];
    const GiB = 1024 ** 3;
    let free = 10 * GiB;
    const statfsDirs = new Set<string>();
    const fill = fakeRecord({}, started);
    try {
      await enqueueRecordings({ queue, items: [item(1, 0), item(2, 1), item(3, 2)], defaults, nameTemplate: '{recordId}', retry: { attempts: 2, backoffMs: 10 }, fetchInfo });
      const worker = runWorker({
        redisUrl: redis.url,
        queueName: queue.name,
        outDir,
        concurrency: 1,
        base,
        name: 'disk-worker',
        lockDurationMs: 5000,
        stalledIntervalMs: 5000,
        maxStalledCount: 1,
        onStop: 'requeue',
        signal: controller.signal,
        onEvent: (e) => events.push(e),
        minFreeBytes: GiB,
        diskPollMs: 50,
        freeSpace: async (dir) => {
          statfsDirs.add(dir);
          return free;
        },
        record: async (options) => {
          if (started.length === 0) {
            started.push(options.url);
            // The shared disk fills up under the first capture.
            free = 0;
            throw new CaptureError('DISK_FULL', 'the disk is full');
          }
          return fill(options);
        },
      });
      const paused = await eventually(async () => {
        const s = await readQueueStatus(queue, { limit: 10 });
        expect(s.paused).toEqual([expect.objectContaining({ worker: 'disk-worker', reason: 'DISK_FULL', freeBytes: 0, resumeAtBytes: GiB })]);
        return s;
      });
      // Nothing failed for good and nothing else was started while the disk is full.
      expect(paused.counts).toMatchObject({ failed: 0, completed: 0 });
      await new Promise((r) => setTimeout(r, 500));
      expect(started).toHaveLength(1);
      expect(events.filter((e) => e.type === 'worker-paused')).toEqual([expect.objectContaining({ reason: 'DISK_FULL', freeBytes: 0, resumeAtBytes: GiB, outDir })]);
      expect(events.filter((e) => e.type === 'job-failed')).toEqual([expect.objectContaining({ code: 'DISK_FULL', willRetry: true })]);

      free = 2 * GiB;
      const done = await eventually(async () => {
        const s = await readQueueStatus(queue, { limit: 10 });
        expect(s.counts).toMatchObject({ completed: 3, failed: 0, active: 0, waiting: 0, delayed: 0 });
        return s;
      });
      expect(done.paused).toEqual([]);
      expect(events.filter((e) => e.type === 'worker-resumed')).toEqual([expect.objectContaining({ freeBytes: 2 * GiB })]);
      expect(started).toHaveLength(4);
      expect([...statfsDirs]).toEqual([outDir]);
      controller.abort();
      // (A job fetched in the instant of pausing is put back unstarted: requeued, not counted here.)
      expect(await worker).toMatchObject({ completed: 3, failed: 1 });
    } finally {
      controller.abort();
      await queue.close();
    }
  }, 30_000);

  it("never overwrites a file under a job's name: one there before fails the job at once, one that appears during the capture is kept", async () => {
    const queue = newQueue();
    const outDir = await mkdtemp(path.join(tmpdir(), 'worker-'));
    const controller = new AbortController();
    const events: WorkerEvent[] = [];
    const started: string[] = [];
    try {
      await writeFile(path.join(outDir, `${id(1)}.mp4`), 'exported before');
      await enqueueRecordings({ queue, items: [item(1, 0), item(2, 1)], defaults, nameTemplate: '{recordId}', retry: { attempts: 3, backoffMs: 10 }, fetchInfo });
      const capture = fakeRecord({}, started);
      const worker = runWorker({
        redisUrl: redis.url,
        queueName: queue.name,
        outDir,
        concurrency: 1,
        base,
        name: 'careful-worker',
        lockDurationMs: 5000,
        stalledIntervalMs: 5000,
        maxStalledCount: 1,
        onStop: 'requeue',
        signal: controller.signal,
        onEvent: (e) => events.push(e),
        record: async (options) => {
          const result = await capture(options);
          // Someone writes the same name while the capture runs.
          await writeFile(path.join(outDir, `${id(2)}.mp4`), 'written meanwhile');
          return result;
        },
      });
      const status = await eventually(async () => {
        const s = await readQueueStatus(queue, { limit: 10 });
        expect(s.counts).toMatchObject({ failed: 2, active: 0, waiting: 0, delayed: 0 });
        return s;
      });
      controller.abort();
      await worker;
      expect(status.failed.map((f) => [f.output, f.code, f.attemptsMade]).sort()).toEqual([
        [`${id(1)}.mp4`, 'OUTPUT_EXISTS', 1],
        [`${id(2)}.mp4`, 'OUTPUT_EXISTS', 1],
      ]);
      // The first never started a capture; both files are as they were; no staging left.
      expect(started).toEqual([url(2)]);
      expect(await readFile(path.join(outDir, `${id(1)}.mp4`), 'utf8')).toBe('exported before');
      expect(await readFile(path.join(outDir, `${id(2)}.mp4`), 'utf8')).toBe('written meanwhile');
      expect((await readdir(outDir)).sort()).toEqual([`${id(1)}.mp4`, `${id(2)}.mp4`]);
    } finally {
      controller.abort();
      await queue.close();
    }
  });

  it('keeps only as many finished jobs as the retention says', async () => {
    const queue = newQueue();
    const outDir = await mkdtemp(path.join(tmpdir(), 'worker-'));
    const controller = new AbortController();
    const events: WorkerEvent[] = [];
    try {
      const retention = { keepDone: 1, keepFailed: 1, maxAgeDays: 2 };
      await enqueueRecordings({
        queue,
        items: [1, 2, 3, 4].map((n, i) => item(n, i)),
        defaults,
        nameTemplate: '{recordId}',
        retry: { attempts: 1, backoffMs: 10 },
        retention,
        fetchInfo,
      });
      expect((await queue.getWaiting())[0]?.opts).toMatchObject({ removeOnComplete: { count: 1, age: 2 * 86_400 }, removeOnFail: { count: 1, age: 2 * 86_400 } });
      const worker = runWorker({
        redisUrl: redis.url,
        queueName: queue.name,
        outDir,
        concurrency: 1,
        base,
        name: 'tidy-worker',
        lockDurationMs: 5000,
        stalledIntervalMs: 5000,
        maxStalledCount: 1,
        onStop: 'requeue',
        signal: controller.signal,
        onEvent: (e) => events.push(e),
        record: fakeRecord({ [url(2)]: ['NOT_A_BBB_RECORDING'], [url(4)]: ['MEDIA_MISSING'] }, []),
      });
      await eventually(async () => expect(events.filter((e) => e.type === 'job-done' || e.type === 'job-failed')).toHaveLength(4));
      controller.abort();
      await worker;
      const status = await readQueueStatus(queue, { limit: 10 });
      expect(status.counts).toMatchObject({ completed: 1, failed: 1, waiting: 0, active: 0 });
      // The newest of each stay; the files all stay.
      expect(status.completed.map((j) => j.output)).toEqual([`${id(3)}.mp4`]);
      expect(status.failed.map((j) => j.code)).toEqual(['MEDIA_MISSING']);
      expect((await readdir(outDir)).sort()).toEqual([`${id(1)}.mp4`, `${id(3)}.mp4`]);
    } finally {
      controller.abort();
      await queue.close();
    }
  });
});
