/**
 * A worker with --upload and --webhook (real Redis, in-process S3 store, fake capture): a job
 * whose upload fails keeps its file and its retry uploads it without exporting again; the
 * webhook hears of the final failure and of the export.
 */
import { mkdtemp, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebhookPayload } from '../../../src/deliver/webhook-payload.js';
import { MIN_PART_SIZE, type UploadOptions } from '../../../src/deliver/upload-options.js';
import type { JobOptions } from '../../../src/job/job-options.js';
import type { RecordingInfo } from '../../../src/recording/fetch-recording-info.js';
import { openCaptureQueue, type JobSettings } from '../../../src/worker/capture-queue.js';
import { enqueueRecordings } from '../../../src/worker/enqueue-recordings.js';
import { openRedis } from '../../../src/worker/open-redis.js';
import { runWorker, type WorkerEvent } from '../../../src/worker/run-worker.js';
import { startTestRedis, type TestRedis } from '../../support/redis-server.js';
import { startTestS3, type TestS3 } from '../../support/s3-server.js';
import { BASE_CAPTURE_OPTIONS } from '../../support/base-capture-options.js';
import { eventually } from '../../support/eventually.js';

const base = BASE_CAPTURE_OPTIONS;
const defaults: JobSettings = { from: 0, to: null, layout: 'player', resolution: '1280x720', format: 'mp4' };
const recordId = `${'5'.repeat(40)}-1700000000005`;
const url = `http://127.0.0.1:1/playback/presentation/2.3/${recordId}`;
const fetchInfo = async (): Promise<RecordingInfo> => ({
  recordId,
  meetingId: recordId,
  meetingName: 'Seminar',
  startTime: Date.UTC(2024, 4, 1, 8, 0),
  duration: 4,
  media: 'video',
  mediaUrl: '',
});

let redis: TestRedis;
let s3: TestS3;
let connection: Redis;
beforeAll(async () => {
  [redis, s3] = await Promise.all([startTestRedis(), startTestS3()]);
  connection = await openRedis(redis.url, { name: 'test' });
}, 30_000);
afterAll(async () => {
  await connection?.quit();
  await Promise.all([redis?.stop(), s3?.stop()]);
});

function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

describe('runWorker with delivery', () => {
  it('an upload that fails leaves the file; the retried job uploads it without exporting again, and the webhook hears only of the export (not of a failure that is retried)', async () => {
    const queue = openCaptureQueue(connection, `deliver-${process.pid}`);
    const outDir = await mkdtemp(path.join(tmpdir(), 'worker-deliver-'));
    const recorded: string[] = [];
    const sent: WebhookPayload[] = [];
    const events: WorkerEvent[] = [];
    const record = async (options: JobOptions) => {
      recorded.push(options.url);
      await writeFile(options.output!, 'the video');
      return { duration: 4, wallMs: 10 };
    };
    const webhook = { send: (p: WebhookPayload) => void sent.push(p), drain: async () => ({ abandoned: 0 }) };
    const upload = (endpoint: string): UploadOptions => ({
      bucket: s3.bucket,
      prefix: 'farm/',
      endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: s3.credentials,
      partSize: MIN_PART_SIZE,
      queueSize: 1,
      maxAttempts: 1,
      removeLocal: true,
    });
    const common = {
      redisUrl: redis.url,
      queueName: queue.name,
      outDir,
      concurrency: 1,
      base,
      lockDurationMs: 5000,
      stalledIntervalMs: 5000,
      maxStalledCount: 1,
      onStop: 'requeue' as const,
      onEvent: (e: WorkerEvent) => events.push(e),
      record,
    };
    try {
      await enqueueRecordings({
        queue,
        items: [{ index: 0, source: 'arg 1', url, settings: {} }],
        defaults,
        nameTemplate: '{recordId}',
        retry: { attempts: 2, backoffMs: 1000 },
        fetchInfo,
      });
      // First a worker whose store is down: the job fails (transient), to be retried.
      const stopA = new AbortController();
      const a = runWorker({ ...common, name: 'a', signal: stopA.signal, delivery: { upload: upload(`http://127.0.0.1:${await closedPort()}`), webhook } });
      await eventually(async () => expect(events.filter((e) => e.type === 'job-failed')).toHaveLength(1));
      stopA.abort();
      await a;
      expect(events.find((e) => e.type === 'job-failed')).toMatchObject({ code: 'UPLOAD_FAILED', willRetry: true });
      const file = path.join(outDir, `${recordId}.mp4`);
      expect((await stat(file)).size).toBe(9);
      expect(sent).toEqual([]);

      // Then one whose store is up takes the retry.
      const stopB = new AbortController();
      const b = runWorker({ ...common, name: 'b', signal: stopB.signal, delivery: { upload: upload(s3.endpoint), webhook } });
      await eventually(async () => expect(await queue.getJobCounts('completed')).toEqual({ completed: 1 }));
      stopB.abort();
      await b;
      expect(recorded).toHaveLength(1);
      await expect(stat(file)).rejects.toMatchObject({ code: 'ENOENT' });
      const client = new S3Client({ endpoint: s3.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: s3.credentials });
      const got = await client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: `farm/${recordId}.mp4` }));
      expect(await got.Body!.transformToString()).toBe('the video');
      client.destroy();
      expect(sent).toEqual([
        expect.objectContaining({ event: 'export.done', sender: 'b', recordingId: recordId, uploadUrl: `s3://${s3.bucket}/farm/${recordId}.mp4`, output: null }),
      ]);
    } finally {
      await queue.close();
    }
  });
});
