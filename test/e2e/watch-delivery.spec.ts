/**
 * `watch --upload --webhook` end to end: a recording published while the built CLI watches (its
 * metadata.xml written last) appears in an S3-compatible store on loopback (s3rver) under the
 * prefix, byte for byte the local export, and decodes to the recording; a local receiver hears a
 * signed webhook naming it. Republished, the object is replaced by the new export and the webhook
 * says so again. A store that is down when the export is done: the upload is retried with the
 * backoff, and a watch killed while it waits picks the retry up from its journal once restarted,
 * uploading the export it made rather than exporting again. On the farm (--redis) the workers
 * deliver, so watch refuses the options there.
 */
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { startTestS3, type TestS3 } from '../support/s3-server.js';
import { finished, runCli, startCli } from './support/cli.js';
import { expect, test } from './support/samples-fixture.js';
import { copyWithoutMetadata, EventStream, expectRealVideo, fakeRecordId } from './support/watch-helpers.js';
import { type ReceivedWebhook, type SignedWebhookReceiver, startSignedWebhookReceiver } from './support/signed-webhook-receiver.js';

const SECONDS = 4;
const SECRET = 'watch-webhook-secret-for-tests';
const EXPORT = ['--engine', 'render', '--resolution', '1280x720', '--stable', '1', '--json'];
let work: string;
let s3: TestS3;
let client: S3Client;
let hooks: SignedWebhookReceiver;

test.beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'bbb-capture-watch-delivery-'));
  s3 = await startTestS3();
  client = new S3Client({ endpoint: s3.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: s3.credentials });
  hooks = await startSignedWebhookReceiver(SECRET);
});
test.afterAll(async () => {
  client?.destroy();
  await s3?.stop();
  await hooks?.close();
  await rm(work, { recursive: true, force: true });
});

const env = () => ({
  AWS_ENDPOINT_URL: s3.endpoint,
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: s3.credentials.accessKeyId,
  AWS_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey,
  BBB_CAPTURE_WEBHOOK_SECRET: SECRET,
});

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** The object's bytes (also written to `copy` for probing) and when the store last took it. */
async function download(key: string, copy: string): Promise<{ bytes: Buffer; modified: Date }> {
  const got = await client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: key }));
  const bytes = Buffer.from(await got.Body!.transformToByteArray());
  await writeFile(copy, bytes);
  return { bytes, modified: got.LastModified! };
}

async function webhooks(count: number, timeoutMs = 30_000): Promise<ReceivedWebhook[]> {
  const deadline = Date.now() + timeoutMs;
  while (hooks.received.length < count && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  expect(hooks.received.length, JSON.stringify(hooks.received)).toBe(count);
  return hooks.received;
}

test('a published recording lands in the store, verified, and a signed webhook names it; republished, the object is replaced', async ({ sample }) => {
  test.setTimeout(300_000);
  const source = await sample('full', SECONDS);
  const published = path.join(work, 'published');
  const out = path.join(work, 'out');
  await mkdir(published, { recursive: true });
  await mkdir(out, { recursive: true });
  hooks.received.length = 0;
  const prefix = 'archive/2026/';
  const child = startCli(['watch', '--published', published, '--out-dir', out, '--upload', `s3://${s3.bucket}/${prefix}`, '--s3-path-style', '--webhook', hooks.url, ...EXPORT], {
    env: env(),
    timeoutMs: 280_000,
  });
  const stream = new EventStream(child);
  try {
    await stream.waitFor('watching');
    const id = fakeRecordId('f', 6);
    const metadata = await copyWithoutMetadata(source.dir, published, id);
    // metadata.xml last, as BBB publishes.
    await writeFile(path.join(published, id, 'metadata.xml'), metadata);
    const done = await stream.waitFor('done', id, { timeoutMs: 180_000 });
    const name = done.output as string;
    expect(done.uploadUrl).toBe(`s3://${s3.bucket}/${prefix}${name}`);
    const first = await download(`${prefix}${name}`, path.join(work, 'first.mp4'));
    expect(sha256(first.bytes)).toBe(sha256(await readFile(path.join(out, name))));
    await expectRealVideo(path.join(work, 'first.mp4'), SECONDS);

    const [hook] = await webhooks(1);
    expect(hook!.signed).toBe(true);
    expect(hook!.body).toMatchObject({
      event: 'export.done',
      status: 'done',
      recordingId: id,
      uploadUrl: `s3://${s3.bucket}/${prefix}${name}`,
      output: path.join(out, name),
      error: null,
      sender: 'watch',
    });
    expect(Math.abs((hook!.body.duration as number) - SECONDS)).toBeLessThan(0.2);

    // Republished (a new meeting name): the same key, put again with the new export.
    await writeFile(path.join(published, id, 'metadata.xml'), metadata.replaceAll('bbb-capture sample (full', 'Renamed lecture (full'));
    const again = await stream.waitFor('done', id, { count: 2, timeoutMs: 180_000 });
    expect([again.output, again.replaced, again.uploadUrl]).toEqual([name, true, done.uploadUrl]);
    const second = await download(`${prefix}${name}`, path.join(work, 'second.mp4'));
    expect(sha256(second.bytes)).toBe(sha256(await readFile(path.join(out, name))));
    // S3 times are to the second; an export takes longer than that.
    expect(second.modified.getTime()).toBeGreaterThan(first.modified.getTime());
    await expectRealVideo(path.join(work, 'second.mp4'), SECONDS);
    const hooksNow = await webhooks(2);
    expect(hooksNow[1]!.signed).toBe(true);
    expect(hooksNow[1]!.body).toMatchObject({ event: 'export.done', recordingId: id, uploadUrl: done.uploadUrl, sender: 'watch' });
  } finally {
    child.kill('SIGTERM');
  }
  const run = await finished(child);
  expect(run.exitCode, run.stderr).toBe(0);
  // The store's secret never shows.
  expect(run.stdout + run.stderr).not.toContain(SECRET);
});

test('the store down after the export: the upload is retried, and a watch killed while it waits uploads the same export once restarted', async ({ sample }) => {
  test.setTimeout(300_000);
  const source = await sample('full', SECONDS);
  const published = path.join(work, 'retry-published');
  const out = path.join(work, 'retry-out');
  await mkdir(published, { recursive: true });
  await mkdir(out, { recursive: true });
  // A free port with no store on it yet: the store comes up there later.
  const probe = await startTestS3('retry');
  const port = Number(new URL(probe.endpoint).port);
  await probe.stop();
  const retryEnv = { ...env(), AWS_ENDPOINT_URL: `http://127.0.0.1:${port}` };
  const args = ['watch', '--published', published, '--out-dir', out, '--upload', 's3://retry/p/', '--s3-path-style', '--retries', '3', '--retry-delay', '3', ...EXPORT];
  const id = fakeRecordId('r', 6);
  const metadata = await copyWithoutMetadata(source.dir, published, id);
  await writeFile(path.join(published, id, 'metadata.xml'), metadata);

  const first = startCli(args, { env: retryEnv, timeoutMs: 280_000 });
  const firstEvents = new EventStream(first);
  let retry: Record<string, unknown>;
  try {
    retry = await firstEvents.waitFor('retry', id, { timeoutMs: 200_000 });
  } finally {
    // A crash while the retry waits: nothing gets to tidy up.
    first.kill('SIGKILL');
  }
  await finished(first);
  expect(retry).toMatchObject({ code: 'UPLOAD_FAILED', uploadOnly: true });
  expect(firstEvents.of('done', id)).toEqual([]);
  const name = firstEvents.of('started', id)[0]!.output as string;
  const exported = await stat(path.join(out, name));

  const store = await startTestS3('retry', port);
  const storeClient = new S3Client({ endpoint: store.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: store.credentials });
  const second = startCli(args, { env: retryEnv, timeoutMs: 280_000 });
  const secondEvents = new EventStream(second);
  try {
    const done = await secondEvents.waitFor('done', id, { timeoutMs: 120_000 });
    expect(done).toMatchObject({ output: name, uploadUrl: `s3://retry/p/${name}` });
    // The export the first watch made and verified is what goes up: not exported again.
    expect(secondEvents.of('started', id).map((e) => e.uploadOnly)).toEqual([true]);
    const after = await stat(path.join(out, name));
    expect([after.ino, after.mtimeMs]).toEqual([exported.ino, exported.mtimeMs]);
    const got = await storeClient.send(new GetObjectCommand({ Bucket: 'retry', Key: `p/${name}` }));
    const bytes = Buffer.from(await got.Body!.transformToByteArray());
    expect(sha256(bytes)).toBe(sha256(await readFile(path.join(out, name))));
  } finally {
    second.kill('SIGTERM');
    storeClient.destroy();
  }
  const run = await finished(second);
  await store.stop();
  expect(run.exitCode, run.stderr).toBe(0);
});

test('on the farm the workers deliver: watch --redis refuses --upload and --webhook (USAGE, exit 2)', async () => {
  const published = path.join(work, 'farm-published');
  await mkdir(published, { recursive: true });
  for (const delivery of [
    ['--upload', `s3://${s3.bucket}/farm/`],
    ['--webhook', hooks.url],
  ]) {
    const run = await runCli(
      [
        'watch',
        '--once',
        '--published',
        published,
        '--out-dir',
        path.join(work, 'farm-out'),
        '--redis',
        'redis://127.0.0.1:1',
        '--playback-base',
        'http://127.0.0.1:1/p/',
        ...delivery,
      ],
      { env: env() },
    );
    expect(run.exitCode, run.stderr).toBe(2);
    expect(run.stderr).toContain('with --redis the workers deliver: give --upload/--webhook to `bbb-capture worker`');
  }
});
