/**
 * record --upload to an S3-compatible store on loopback (s3rver, in this process) and --webhook
 * to a local receiver: the object decodes back to the video; an unreachable endpoint and refused
 * credentials fail with UPLOAD_FAILED (exit 56) and a message saying which, leaving no object under
 * the final key and the local file in place; the webhook hears of each, signed.
 */
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { findFfmpeg } from '../../src/process/find-ffmpeg.js';
import { probeMedia } from '../../src/recording/probe-media.js';
import { startTestS3, type TestS3 } from '../support/s3-server.js';
import { runCli } from './support/cli.js';
import { expect, test } from './support/samples-fixture.js';
import { type SignedWebhookReceiver, startSignedWebhookReceiver } from './support/signed-webhook-receiver.js';

const tools = findFfmpeg(process.env.BBB_CAPTURE_FFMPEG);
const SECRET = 'webhook-secret-for-tests';
let s3: TestS3;
let client: S3Client;
let outDir: string;
let hooks: SignedWebhookReceiver;

test.beforeAll(async () => {
  s3 = await startTestS3();
  client = new S3Client({ endpoint: s3.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: s3.credentials });
  outDir = await mkdtemp(path.join(tmpdir(), 'bbb-capture-upload-'));
  hooks = await startSignedWebhookReceiver(SECRET);
});
test.afterAll(async () => {
  client?.destroy();
  await s3?.stop();
  await hooks?.close();
  await rm(outDir, { recursive: true, force: true });
});

const env = (endpoint: string, key = s3.credentials.accessKeyId) => ({
  AWS_ENDPOINT_URL: endpoint,
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: key,
  AWS_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey,
  BBB_CAPTURE_WEBHOOK_SECRET: SECRET,
});

async function keysUnder(prefix: string): Promise<string[]> {
  const listed = await client.send(new ListObjectsV2Command({ Bucket: s3.bucket, Prefix: prefix }));
  return (listed.Contents ?? []).map((c) => c.Key!);
}

function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createNetServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

test('record --upload puts the verified video in the store, removes the local copy, and the signed webhook says where', async ({ sample }) => {
  const rec = await sample('full', 5);
  const file = path.join(outDir, 'lecture.mp4');
  hooks.received.length = 0;
  const run = await runCli(
    ['record', rec.url, '-o', file, '--json', '--upload', `s3://${s3.bucket}/talks/2026/`, '--s3-path-style', '--upload-remove-local', '--webhook', hooks.url],
    { env: env(s3.endpoint) },
  );
  expect(run.exitCode, run.stderr).toBe(0);
  const result = run.events.find((e) => e.type === 'result') as { upload: { url: string; verifiedBy: string; removedLocal: boolean }; duration: number };
  expect(result.upload).toMatchObject({ url: `s3://${s3.bucket}/talks/2026/lecture.mp4`, removedLocal: true });
  await expect(stat(file)).rejects.toMatchObject({ code: 'ENOENT' });

  // Decode it back from the store: the same video.
  const got = await client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: 'talks/2026/lecture.mp4' }));
  const copy = path.join(outDir, 'from-store.mp4');
  await writeFile(copy, Buffer.from(await got.Body!.transformToByteArray()));
  const probe = await probeMedia(copy, { tools });
  expect(probe.video?.codec).toBe('h264');
  expect(probe.audio?.codec).toBe('aac');
  expect(Math.abs(probe.duration - 5)).toBeLessThan(0.2);

  expect(hooks.received).toHaveLength(1);
  expect(hooks.received[0]!.signed).toBe(true);
  expect(hooks.received[0]!.body).toMatchObject({
    event: 'export.done',
    status: 'done',
    recordingId: rec.recordId,
    uploadUrl: `s3://${s3.bucket}/talks/2026/lecture.mp4`,
    output: null,
    error: null,
    sender: 'record',
  });
  expect(Math.abs((hooks.received[0]!.body.duration as number) - 5)).toBeLessThan(0.2);
  expect((hooks.received[0]!.body.checks as unknown[]).length).toBe(1);
});

test('an unreachable endpoint: UPLOAD_FAILED (exit 56) naming it, the file kept, nothing in the store, the webhook told', async ({ sample }) => {
  const rec = await sample('full', 5);
  const file = path.join(outDir, 'unreachable.mp4');
  const endpoint = `http://127.0.0.1:${await closedPort()}`;
  hooks.received.length = 0;
  const run = await runCli(['record', rec.url, '-o', file, '--upload', `s3://${s3.bucket}/down/`, '--s3-path-style', '--upload-remove-local', '--webhook', hooks.url], {
    env: env(endpoint),
  });
  expect(run.exitCode).toBe(56);
  expect(run.stderr).toContain(`error UPLOAD_FAILED: cannot reach the object store at ${endpoint} (ECONNREFUSED)`);
  expect((await stat(file)).size).toBeGreaterThan(0);
  expect(await keysUnder('down/')).toEqual([]);
  expect(hooks.received.map((r) => [r.signed, r.body.event, (r.body.error as { code: string }).code, r.body.output])).toEqual([[true, 'export.failed', 'UPLOAD_FAILED', file]]);
});

test('bad credentials: UPLOAD_FAILED (exit 56) saying the store refused them, no object under the final key', async ({ sample }) => {
  const rec = await sample('full', 5);
  const file = path.join(outDir, 'refused.mp4');
  const run = await runCli(['record', rec.url, '-o', file, '--upload', `s3://${s3.bucket}/refused/`, '--s3-path-style'], { env: env(s3.endpoint, 'NOT-A-KEY') });
  expect(run.exitCode).toBe(56);
  expect(run.stderr).toMatch(
    /error UPLOAD_FAILED: the object store at http:\/\/127\.0\.0\.1:\d+ refused the credentials for s3:\/\/archive\/refused\/refused\.mp4 \(InvalidAccessKeyId/,
  );
  expect(run.stderr).toContain('AWS_ACCESS_KEY_ID');
  expect(await keysUnder('refused/')).toEqual([]);
  expect((await stat(file)).size).toBeGreaterThan(0);
});
