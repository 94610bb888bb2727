/**
 * A worker's /metrics scraped while it runs (real Redis, fake capture): active captures and queue
 * depth during a job, then done/failed counts by code, duration and realtime factor.
 */
import { mkdtemp } from 'node:fs/promises';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaptureError } from '../../../src/errors.js';
import type { JobOptions } from '../../../src/job/job-options.js';
import type { RecordingInfo } from '../../../src/recording/fetch-recording-info.js';
import type { OutputCheck } from '../../../src/verify/verify-output.js';
import { openCaptureQueue, type JobSettings } from '../../../src/worker/capture-queue.js';
import { enqueueRecordings } from '../../../src/worker/enqueue-recordings.js';
import { openRedis } from '../../../src/worker/open-redis.js';
import { runWorker } from '../../../src/worker/run-worker.js';
import { QUEUE_STATES, serveWorkerMetrics } from '../../../src/worker/serve-worker-metrics.js';
import { startTestRedis, type TestRedis } from '../../support/redis-server.js';
import { BASE_CAPTURE_OPTIONS } from '../../support/base-capture-options.js';
import { eventually } from '../../support/eventually.js';

const base = BASE_CAPTURE_OPTIONS;
const defaults: JobSettings = { from: 0, to: null, layout: 'player', resolution: '1280x720', format: 'mp4' };
const id = (n: number) => `${String(n).repeat(40).slice(0, 40)}-17000000000${String(n).padStart(2, '0')}`;
const url = (n: number) => `http://127.0.0.1:1/playback/presentation/2.3/${id(n)}`;
const fetchInfo = async (u: string): Promise<RecordingInfo> => {
  const recordId = u.split('/').at(-1)!;
  return { recordId, meetingId: recordId, meetingName: 'Seminar', startTime: Date.UTC(2024, 4, 1, 8, 0), duration: 4, media: 'video', mediaUrl: '' };
};

let redis: TestRedis;
let connection: Redis;
beforeAll(async () => {
  redis = await startTestRedis();
  connection = await openRedis(redis.url, { name: 'test' });
}, 30_000);
afterAll(async () => {
  await connection?.quit();
  await redis?.stop();
});

/** The value of one sample line (`name{labels} value`). */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const m = /^([^{\s]+)(?:\{([^}]*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries(
      (m[2] ?? '')
        .split(',')
        .filter(Boolean)
        .map((kv) => kv.split('=') as [string, string])
        .map(([k, v]) => [k, v.replace(/"/g, '')]),
    );
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(m[3]);
  }
  return undefined;
}

describe('serveWorkerMetrics', () => {
  it('reports active captures and queue depth during a run, then jobs by outcome and code, duration and realtime factor', async () => {
    const queue = openCaptureQueue(connection, `metrics-${process.pid}`);
    const outDir = await mkdtemp(path.join(tmpdir(), 'metrics-'));
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const record = async (options: JobOptions) => {
      if (options.url === url(2)) throw new CaptureError('NOT_A_BBB_RECORDING', 'fake');
      if (options.url === url(1)) await released;
      await writeFile(options.output!, 'video');
      // What verify counted in the file.
      return { duration: 120, wallMs: 60_000, checks: [{ videoFrames: 3597, webcamFrames: { delivered: 1799, expected: 1800 } }] as unknown as OutputCheck[] };
    };
    const metrics = await serveWorkerMetrics({ host: '127.0.0.1', port: 0, worker: 'w1', queueCounts: () => queue.getJobCounts(...QUEUE_STATES) });
    const controller = new AbortController();
    try {
      await enqueueRecordings({
        queue,
        items: [1, 2, 3].map((n, index) => ({ index, source: `arg ${index}`, url: url(n), settings: {} })),
        defaults,
        nameTemplate: '{recordId}',
        retry: { attempts: 1, backoffMs: 10 },
        fetchInfo,
      });
      const worker = runWorker({
        redisUrl: redis.url,
        queueName: queue.name,
        outDir,
        concurrency: 1,
        base,
        name: 'w1',
        lockDurationMs: 5000,
        stalledIntervalMs: 5000,
        maxStalledCount: 1,
        onStop: 'requeue',
        signal: controller.signal,
        onEvent: (e) => metrics.observe(e),
        record,
      });
      const during = await eventually(async () => {
        const text = await (await fetch(metrics.url)).text();
        expect(sample(text, 'bbb_capture_active_captures', { worker: 'w1' })).toBe(1);
        return text;
      });
      expect(sample(during, 'bbb_capture_queue_jobs', { state: 'active' })).toBe(1);
      expect(sample(during, 'bbb_capture_queue_jobs', { state: 'waiting' })).toBe(2);
      release();
      const after = await eventually(async () => {
        const text = await (await fetch(metrics.url)).text();
        expect(sample(text, 'bbb_capture_jobs_total', { outcome: 'done' })).toBe(2);
        expect(sample(text, 'bbb_capture_jobs_total', { outcome: 'failed', code: 'NOT_A_BBB_RECORDING' })).toBe(1);
        return text;
      });
      expect(sample(after, 'bbb_capture_active_captures')).toBe(0);
      expect(sample(after, 'bbb_capture_queue_jobs', { state: 'completed' })).toBe(2);
      expect(sample(after, 'bbb_capture_queue_jobs', { state: 'failed' })).toBe(1);
      expect(sample(after, 'bbb_capture_job_duration_seconds_count')).toBe(2);
      // 120 s of recording in well under a second of work (the worker times the job itself): every sample above 1.
      expect(sample(after, 'bbb_capture_job_realtime_factor_count')).toBe(2);
      expect(sample(after, 'bbb_capture_job_realtime_factor_bucket', { le: '1' })).toBe(0);
      expect(sample(after, 'bbb_capture_video_frames_total')).toBe(2 * 3597);
      expect(sample(after, 'bbb_capture_webcam_frames_expected_total')).toBe(2 * 1800);
      expect(sample(after, 'bbb_capture_webcam_frames_delivered_total')).toBe(2 * 1799);
      // One frame short of 1800: below 0.9999, within 0.999.
      expect(sample(after, 'bbb_capture_webcam_frames_delivered_ratio_bucket', { le: '0.999' })).toBe(0);
      expect(sample(after, 'bbb_capture_webcam_frames_delivered_ratio_bucket', { le: '0.9999' })).toBe(2);
      expect((await fetch(metrics.url.replace('/metrics', '/other'))).status).toBe(404);
      controller.abort();
      await worker;
    } finally {
      controller.abort();
      await metrics.close();
      await queue.close();
    }
  });

  it('a port in use is a USAGE error naming it', async () => {
    const first = await serveWorkerMetrics({ host: '127.0.0.1', port: 0, worker: 'a', queueCounts: async () => ({}) });
    try {
      const port = Number(new URL(first.url).port);
      await expect(serveWorkerMetrics({ host: '127.0.0.1', port, worker: 'b', queueCounts: async () => ({}) })).rejects.toMatchObject({
        code: 'USAGE',
        message: expect.stringContaining(`cannot listen on 127.0.0.1:${port} (EADDRINUSE)`),
      });
    } finally {
      await first.close();
    }
  });
});
