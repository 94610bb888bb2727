import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, ListMultipartUploadsCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliverOutput } from '../../../src/deliver/deliver-output.js';
import { MIN_PART_SIZE, parseUploadTarget, type UploadOptions } from '../../../src/deliver/upload-options.js';
import { CaptureError } from '../../../src/errors.js';
import { startTestS3, type TestS3 } from '../../support/s3-server.js';

let s3: TestS3;
let dir: string;
let client: S3Client;

beforeAll(async () => {
  s3 = await startTestS3();
  dir = await mkdtemp(path.join(tmpdir(), 'deliver-'));
  client = new S3Client({ endpoint: s3.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: s3.credentials });
});
afterAll(async () => {
  client?.destroy();
  await s3?.stop();
  await rm(dir, { recursive: true, force: true });
});

function options(over: Partial<UploadOptions> = {}): UploadOptions {
  return {
    bucket: s3.bucket,
    prefix: 'talks/',
    endpoint: s3.endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: s3.credentials,
    partSize: MIN_PART_SIZE,
    queueSize: 2,
    maxAttempts: 2,
    removeLocal: false,
    ...over,
  };
}

async function objectExists(key: string): Promise<boolean> {
  return client.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: key })).then(
    () => true,
    () => false,
  );
}

async function download(key: string): Promise<Buffer> {
  const got = await client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: key }));
  return Buffer.from(await got.Body!.transformToByteArray());
}

/** A port nothing listens on (taken, then released). */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function failure(promise: Promise<unknown>): Promise<CaptureError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CaptureError);
  return error as CaptureError;
}

describe('parseUploadTarget', () => {
  it('splits bucket and prefix, always a folder', () => {
    expect(parseUploadTarget('s3://archive/talks/2026/')).toEqual({ bucket: 'archive', prefix: 'talks/2026/' });
    expect(parseUploadTarget('s3://archive/talks')).toEqual({ bucket: 'archive', prefix: 'talks/' });
    expect(parseUploadTarget('s3://archive')).toEqual({ bucket: 'archive', prefix: '' });
    expect(() => parseUploadTarget('https://archive/x/')).toThrow(/s3:\/\/BUCKET/);
    expect(() => parseUploadTarget('s3://Bad_Bucket/')).toThrow(CaptureError);
  });
});

describe('deliverOutput', () => {
  it('puts a small file in one request and verifies it by its SHA-256 or MD5', async () => {
    const file = path.join(dir, 'small talk.mp4');
    const body = randomBytes(100_000);
    await writeFile(file, body);
    const delivery = await deliverOutput(file, { upload: options() });
    expect(delivery).toMatchObject({ url: `s3://${s3.bucket}/talks/small talk.mp4`, key: 'talks/small talk.mp4', bytes: body.length, removedLocal: false });
    expect(['sha256', 'md5-etag']).toContain(delivery.verifiedBy);
    expect((await download('talks/small talk.mp4')).equals(body)).toBe(true);
    expect((await stat(file)).size).toBe(body.length);
  });

  it('sends a 21 MiB file as a multipart upload in 5 MiB parts, verifies it, and removes the local copy when asked', async () => {
    const file = path.join(dir, 'long talk.mp4');
    const body = randomBytes(21 * 2 ** 20 + 12345);
    await writeFile(file, body);
    const parts: number[] = [];
    const delivery = await deliverOutput(file, { upload: options({ removeLocal: true }), onProgress: (sent) => parts.push(sent) });
    expect(delivery.bytes).toBe(body.length);
    expect(delivery.removedLocal).toBe(true);
    // Five parts: progress is reported once per part sent.
    expect(parts.length).toBeGreaterThanOrEqual(5);
    expect((await download('talks/long talk.mp4')).equals(body)).toBe(true);
    await expect(stat(file)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('an unreachable endpoint is UPLOAD_FAILED (transient), names the endpoint, keeps the file', async () => {
    const file = path.join(dir, 'unreachable.mp4');
    await writeFile(file, randomBytes(1000));
    const endpoint = `http://127.0.0.1:${await closedPort()}`;
    const error = await failure(deliverOutput(file, { upload: options({ endpoint, removeLocal: true }) }));
    expect(error.code).toBe('UPLOAD_FAILED');
    expect(error.transient).toBe(true);
    expect(error.exitCode).toBe(56);
    expect(error.message).toContain(`cannot reach the object store at ${endpoint} (ECONNREFUSED)`);
    expect((await stat(file)).size).toBe(1000);
  });

  it("bad credentials are UPLOAD_FAILED (not transient) with the store's reason, and no object appears", async () => {
    const file = path.join(dir, 'refused.mp4');
    await writeFile(file, randomBytes(1000));
    const error = await failure(deliverOutput(file, { upload: options({ credentials: { accessKeyId: 'WRONG', secretAccessKey: 'nope' } }) }));
    expect(error.code).toBe('UPLOAD_FAILED');
    expect(error.transient).toBe(false);
    expect(error.message).toMatch(/refused the credentials .*InvalidAccessKeyId.*AWS_ACCESS_KEY_ID/);
    expect(await objectExists('talks/refused.mp4')).toBe(false);
  });

  it('a missing bucket says so', async () => {
    const file = path.join(dir, 'nobucket.mp4');
    await writeFile(file, randomBytes(1000));
    const error = await failure(deliverOutput(file, { upload: options({ bucket: 'no-such-bucket' }) }));
    expect(error.code).toBe('UPLOAD_FAILED');
    expect(error.message).toContain('no bucket for s3://no-such-bucket/talks/nobucket.mp4');
  });

  it('a multipart upload stopped half-way leaves no object under the final key and no parts', async () => {
    const file = path.join(dir, 'stopped.mp4');
    await writeFile(file, randomBytes(21 * 2 ** 20));
    const stop = new AbortController();
    const error = await failure(
      deliverOutput(file, {
        upload: options({ queueSize: 1 }),
        signal: stop.signal,
        onProgress: (sent) => {
          if (sent > 0) stop.abort();
        },
      }),
    );
    expect(error.code).toBe('ABORTED');
    expect(await objectExists('talks/stopped.mp4')).toBe(false);
    const listed = await client.send(new ListObjectsV2Command({ Bucket: s3.bucket, Prefix: 'talks/stopped' }));
    expect(listed.KeyCount ?? 0).toBe(0);
    const uploads = await client.send(new ListMultipartUploadsCommand({ Bucket: s3.bucket })).catch(() => ({ Uploads: [] }));
    expect(uploads.Uploads ?? []).toEqual([]);
    expect((await readFile(file)).length).toBe(21 * 2 ** 20);
  });
});
