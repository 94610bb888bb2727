import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JOURNAL_FILE } from '../../../src/batch/batch-journal.js';
import type { BaseCaptureOptions } from '../../../src/batch/capture-settings.js';
import { runBatch } from '../../../src/batch/run-batch.js';
import type { WebhookPayload } from '../../../src/deliver/webhook-payload.js';
import { MIN_PART_SIZE, type UploadOptions } from '../../../src/deliver/upload-options.js';
import type { JobOptions } from '../../../src/job/job-options.js';
import type { RecordingInfo } from '../../../src/recording/fetch-recording-info.js';
import { startTestS3, type TestS3 } from '../../support/s3-server.js';
import { BASE_CAPTURE_OPTIONS } from '../../support/base-capture-options.js';

const base = { ...BASE_CAPTURE_OPTIONS, width: 1280, height: 720, videoBitrate: 2_700_000 } satisfies BaseCaptureOptions;
const recordId = `${'7'.repeat(40)}-1700000000007`;
const url = `http://127.0.0.1:1/playback/presentation/2.3/${recordId}`;

let s3: TestS3;
let dir: string;
beforeAll(async () => {
  s3 = await startTestS3();
  dir = await mkdtemp(path.join(tmpdir(), 'batch-deliver-'));
});
afterAll(async () => {
  await s3?.stop();
  await rm(dir, { recursive: true, force: true });
});

function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

function harness(outDir: string) {
  const recorded: string[] = [];
  const sent: WebhookPayload[] = [];
  const record = async (options: JobOptions) => {
    recorded.push(options.url);
    await writeFile(options.output!, `video of ${options.url}`);
    return { duration: 4, wallMs: 10 };
  };
  const fetchInfo = async (): Promise<RecordingInfo> => ({
    recordId,
    meetingId: recordId,
    meetingName: 'Lecture',
    startTime: Date.UTC(2024, 0, 1, 10, 0),
    duration: 4,
    media: 'video',
    mediaUrl: '',
  });
  const webhook = { send: (p: WebhookPayload) => void sent.push(p), drain: async () => ({ abandoned: 0 }) };
  const run = (upload: UploadOptions) =>
    runBatch({
      items: [{ index: 0, source: 'line 1', url, settings: {} }],
      outDir,
      concurrency: 1,
      base,
      nameTemplate: '{recordId}',
      retry: { retries: 1, delayMs: 5, factor: 2, maxDelayMs: 10 },
      failFast: false,
      signal: undefined,
      onEvent: () => undefined,
      record,
      fetchInfo,
      delivery: { upload, webhook },
    });
  return { recorded, sent, run };
}

const upload = (over: Partial<UploadOptions> = {}): UploadOptions => ({
  bucket: s3.bucket,
  prefix: 'batch/',
  endpoint: s3.endpoint,
  region: 'us-east-1',
  forcePathStyle: true,
  credentials: s3.credentials,
  partSize: MIN_PART_SIZE,
  queueSize: 1,
  maxAttempts: 1,
  removeLocal: false,
  ...over,
});

describe('runBatch with --upload and --webhook', () => {
  it('a failed upload keeps the file and is retried without exporting again; the next run uploads it, removes it, and counts it done', async () => {
    const outDir = path.join(dir, 'a');
    const h = harness(outDir);
    const down = await h.run(upload({ endpoint: `http://127.0.0.1:${await closedPort()}`, removeLocal: true }));
    expect(down.items[0]).toMatchObject({ status: 'failed', error: { code: 'UPLOAD_FAILED' } });
    // The retry (UPLOAD_FAILED from an unreachable store is transient) did not export it again.
    expect(h.recorded).toHaveLength(1);
    const file = path.join(outDir, `${recordId}.mp4`);
    expect(await readFile(file, 'utf8')).toBe(`video of ${url}`);
    expect(h.sent.map((p) => [p.event, p.error?.code, p.output])).toEqual([['export.failed', 'UPLOAD_FAILED', file]]);

    const up = await h.run(upload({ removeLocal: true }));
    expect(up.items[0]).toMatchObject({ status: 'done' });
    expect(h.recorded).toHaveLength(1);
    await expect(stat(file)).rejects.toMatchObject({ code: 'ENOENT' });
    const client = new S3Client({ endpoint: s3.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: s3.credentials });
    const got = await client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: `batch/${recordId}.mp4` }));
    expect(await got.Body!.transformToString()).toBe(`video of ${url}`);
    client.destroy();
    expect(h.sent[1]).toMatchObject({ event: 'export.done', recordingId: recordId, uploadUrl: `s3://${s3.bucket}/batch/${recordId}.mp4`, output: null, duration: 4 });
    const journal = JSON.parse(await readFile(path.join(outDir, JOURNAL_FILE), 'utf8')) as { items: Array<{ uploadUrl: string }> };
    expect(journal.items[0]!.uploadUrl).toBe(`s3://${s3.bucket}/batch/${recordId}.mp4`);

    // Uploaded and removed locally: still done, not exported again.
    const again = await h.run(upload({ removeLocal: true }));
    expect(again.items[0]).toMatchObject({ status: 'done' });
    expect(h.recorded).toHaveLength(1);
  });
});
