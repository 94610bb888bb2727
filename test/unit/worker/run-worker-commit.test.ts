/**
 * A worker SIGKILLed after a job's final rename but before BullMQ recorded the job as completed
 * (real Redis; the worker a child process, its capture a fake): the stalled job's rerun on another
 * worker recognises the file its first run committed and completes, without exporting again;
 * a file the job did not write is still OUTPUT_EXISTS.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebhookPayload } from '../../../src/deliver/webhook-payload.js';
import type { JobOptions } from '../../../src/job/job-options.js';
import type { RecordingInfo } from '../../../src/recording/fetch-recording-info.js';
import { openCaptureQueue, outputCommitsKey, type CaptureQueue, type JobSettings } from '../../../src/worker/capture-queue.js';
import { enqueueRecordings } from '../../../src/worker/enqueue-recordings.js';
import { openRedis } from '../../../src/worker/open-redis.js';
import { outputCommitLedger } from '../../../src/worker/output-commit-ledger.js';
import { runWorker, type WorkerEvent } from '../../../src/worker/run-worker.js';
import { startTestRedis, type TestRedis } from '../../support/redis-server.js';
import { BASE_CAPTURE_OPTIONS } from '../../support/base-capture-options.js';
import { eventually } from '../../support/eventually.js';

const base = BASE_CAPTURE_OPTIONS;
const defaults: JobSettings = { from: 0, to: null, layout: 'player', resolution: '1280x720', format: 'mp4' };
const recordId = (n: number) => `${String(n).repeat(40)}-17000000000${n}0`;
const url = (n: number) => `http://127.0.0.1:1/playback/presentation/2.3/${recordId(n)}`;
const fetchInfo = async (u: string): Promise<RecordingInfo> => {
  const id = u.split('/').at(-1)!;
  return { recordId: id, meetingId: id, meetingName: 'Seminar', startTime: Date.UTC(2024, 4, 1, 8, 0), duration: 4, media: 'video', mediaUrl: '' };
};
const FIXTURE = path.join(import.meta.dirname, '../../support/worker-killed-after-commit.ts');
const VITE_NODE = createRequire(import.meta.url).resolve('vite-node/vite-node.mjs');

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

/** Runs the worker that dies right after its final rename; resolves with how it ended. */
function runKilledWorker(queue: CaptureQueue, outDir: string, content: string): Promise<NodeJS.Signals | number | null> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [VITE_NODE, FIXTURE], {
      env: { ...process.env, KILLED_WORKER_REDIS: redis.url, KILLED_WORKER_QUEUE: queue.name, KILLED_WORKER_OUT: outDir, KILLED_WORKER_CONTENT: content },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    // Bounded: a fixture that never dies would hang the test.
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the worker did not die within 60 s: ${stderr.slice(-2000)}`));
    }, 60_000);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (signal !== 'SIGKILL') reject(new Error(`the worker ended with ${signal ?? code} instead of dying: ${stderr.slice(-2000)}`));
      else resolve(signal);
    });
  });
}

function newQueue(): CaptureQueue {
  return openCaptureQueue(connection, `commit-${process.pid}-${++queueCount}`);
}

async function enqueue(queue: CaptureQueue, n: number): Promise<string> {
  const [result] = await enqueueRecordings({
    queue,
    items: [{ index: 0, source: 'arg 1', url: url(n), settings: {} }],
    defaults,
    nameTemplate: '{recordId}',
    retry: { attempts: 3, backoffMs: 1000 },
    fetchInfo,
  });
  expect(result!.outcome).toMatchObject({ status: 'queued', output: `${recordId(n)}.mp4` });
  return `${recordId(n)}.mp4`;
}

/** A live worker in this process, as the one that takes the stalled job. */
function startWorker(queue: CaptureQueue, outDir: string) {
  const recorded: string[] = [];
  const events: WorkerEvent[] = [];
  const sent: WebhookPayload[] = [];
  const stop = new AbortController();
  const running = runWorker({
    redisUrl: redis.url,
    queueName: queue.name,
    outDir,
    concurrency: 1,
    base,
    name: 'alive',
    lockDurationMs: 2000,
    stalledIntervalMs: 1000,
    maxStalledCount: 1,
    onStop: 'requeue',
    signal: stop.signal,
    onEvent: (e) => events.push(e),
    record: async (options: JobOptions) => {
      recorded.push(options.url);
      await writeFile(options.output!, 'a second export');
      return { duration: 4, wallMs: 10 };
    },
    delivery: { upload: null, webhook: { send: (p) => void sent.push(p), drain: async () => ({ abandoned: 0 }) } },
    freeSpace: async () => Number.POSITIVE_INFINITY,
  });
  const halt = async () => {
    stop.abort();
    return await running;
  };
  return { recorded, events, sent, stop: halt };
}

describe('runWorker after a worker died between the final rename and the completion', () => {
  it('the rerun of the same job finds its own file and completes: no OUTPUT_EXISTS, no second export, one completion', { timeout: 120_000 }, async () => {
    const queue = newQueue();
    const outDir = await mkdtemp(path.join(tmpdir(), 'worker-commit-'));
    try {
      const output = await enqueue(queue, 1);
      expect(await runKilledWorker(queue, outDir, 'the video')).toBe('SIGKILL');
      expect(await readFile(path.join(outDir, output), 'utf8')).toBe('the video');
      expect(await queue.getJobCounts('completed', 'failed')).toEqual({ completed: 0, failed: 0 });

      const alive = startWorker(queue, outDir);
      const counts = await eventually(async () => {
        const c = await queue.getJobCounts('completed', 'failed');
        expect((c.completed ?? 0) + (c.failed ?? 0)).toBe(1);
        return c;
      }, 30_000);
      const finished = await alive.stop();
      expect(alive.events.filter((e) => e.type === 'job-failed')).toEqual([]);
      expect(counts).toEqual({ completed: 1, failed: 0 });
      expect(finished.completed).toBe(1);
      expect(alive.recorded).toEqual([]);
      expect(await readFile(path.join(outDir, output), 'utf8')).toBe('the video');
      // Delivered now: yet another run of it would send nothing again.
      expect(JSON.parse((await connection.hget(outputCommitsKey(queue.name), output.toLowerCase()))!)).toMatchObject({ state: 'delivered', size: 9 });
      const [job] = await queue.getJobs(['completed']);
      expect(job!.returnvalue).toMatchObject({ output, path: path.join(outDir, output), durationS: 4, worker: 'alive' });
      // The first run's webhook died with it: the rerun tells of the export.
      expect(alive.sent).toEqual([expect.objectContaining({ event: 'export.done', sender: 'alive' })]);
    } finally {
      await queue.close();
    }
  });

  it('a file the job did not write is OUTPUT_EXISTS: one put there by hand, and one put over a killed run’s committed file', { timeout: 120_000 }, async () => {
    const queue = newQueue();
    const outDir = await mkdtemp(path.join(tmpdir(), 'worker-commit-'));
    try {
      const byHand = await enqueue(queue, 2);
      await writeFile(path.join(outDir, byHand), 'put here by hand');
      const replaced = await enqueue(queue, 3);
      expect(await runKilledWorker(queue, outDir, 'the video')).toBe('SIGKILL');
      // Same size, other bytes: only the digest tells them apart.
      await writeFile(path.join(outDir, replaced), 'the vidEO');

      const alive = startWorker(queue, outDir);
      await eventually(async () => expect(await queue.getJobCounts('failed')).toEqual({ failed: 2 }), 30_000);
      await alive.stop();
      expect(alive.recorded).toEqual([]);
      expect(alive.events.filter((e) => e.type === 'job-failed').map((e) => e.type === 'job-failed' && [e.output, e.code])).toEqual(
        expect.arrayContaining([
          [byHand, 'OUTPUT_EXISTS'],
          [replaced, 'OUTPUT_EXISTS'],
        ]),
      );
      expect(await readFile(path.join(outDir, byHand), 'utf8')).toBe('put here by hand');
      expect(await readFile(path.join(outDir, replaced), 'utf8')).toBe('the vidEO');
      expect(await queue.getJobCounts('completed')).toEqual({ completed: 0 });
    } finally {
      await queue.close();
    }
  });

  it('a job whose run was delivered (upload and webhook done, the file since removed) completes on its rerun with nothing sent again', async () => {
    const queue = newQueue();
    const outDir = await mkdtemp(path.join(tmpdir(), 'worker-commit-'));
    try {
      const output = await enqueue(queue, 4);
      const [job] = await queue.getJobs(['wait']);
      // What a run that died right after delivering leaves: the record, no file (--remove-local), no completion.
      const ledger = outputCommitLedger(connection, outputCommitsKey(queue.name));
      const commit = { jobId: job!.id!, jobTimestamp: job!.timestamp, token: '', state: 'delivered' as const, size: 9, sha256: 'x', durationS: 4, at: new Date().toISOString() };
      expect(await ledger.write(output, commit, `bull:${queue.name}:${job!.id}:lock`)).toBe(true);

      const alive = startWorker(queue, outDir);
      await eventually(async () => expect(await queue.getJobCounts('completed', 'failed')).toEqual({ completed: 1, failed: 0 }), 30_000);
      await alive.stop();
      expect(alive.recorded).toEqual([]);
      expect(alive.sent).toEqual([]);
      expect(alive.events.filter((e) => e.type === 'job-done')).toEqual([expect.objectContaining({ output, durationS: 4 })]);
    } finally {
      await queue.close();
    }
  });
});
