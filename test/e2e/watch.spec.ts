/**
 * `bbb-capture watch` end to end: the built CLI watches a published directory while recordings
 * appear in it the ways BBB (or a slow disk) writes them; each is exported once, a half-written
 * metadata.xml is waited for, a republished recording replaces its own export, and a watch
 * stopped with SIGTERM mid-export resumes without exporting anything twice. Exports are probed
 * and their frame codes decoded.
 */
import { cp, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Redis } from 'ioredis';
import { WATCH_JOURNAL_FILE, type WatchJournalDocument } from '../../src/watch/watch-journal.js';
import { openCaptureQueue, type CaptureQueue } from '../../src/worker/capture-queue.js';
import { openRedis } from '../../src/worker/open-redis.js';
import { readQueueStatus } from '../../src/worker/read-queue-status.js';
import { startTestRedis, type TestRedis } from '../support/redis-server.js';
import { finished, runCli, startCli } from './support/cli.js';
import { expect, test } from './support/samples-fixture.js';
import { copyWithoutMetadata, EventStream, expectRealVideo, fakeRecordId, visibleFiles } from './support/watch-helpers.js';

const SECONDS = 4;
/** Fast exports; a metadata.xml is read once it has stood still for 1 s. */
const EXPORT = ['--engine', 'render', '--resolution', '1280x720', '--stable', '1', '--json'];
let work: string;

test.beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'bbb-capture-watch-'));
});
test.afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

async function dirs(name: string): Promise<{ published: string; out: string }> {
  const published = path.join(work, name, 'published');
  const out = path.join(work, name, 'out');
  await rm(path.join(work, name), { recursive: true, force: true });
  await mkdir(published, { recursive: true });
  await mkdir(out, { recursive: true });
  return { published, out };
}

async function readJournal(out: string): Promise<WatchJournalDocument> {
  return JSON.parse(await readFile(path.join(out, WATCH_JOURNAL_FILE), 'utf8')) as WatchJournalDocument;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test('a recording published while watch runs is exported once; republished, it replaces its own export', async ({ sample }) => {
  const source = await sample('full', SECONDS);
  const { published, out } = await dirs('appear');
  const child = startCli(['watch', '--published', published, '--out-dir', out, ...EXPORT], { timeoutMs: 200_000 });
  const stream = new EventStream(child);
  try {
    await stream.waitFor('watching');
    const id = fakeRecordId('a', 1);
    const metadata = await copyWithoutMetadata(source.dir, published, id);
    await writeFile(path.join(published, id, 'metadata.xml'), metadata);
    const done = await stream.waitFor('done', id);
    const file = path.join(out, done.output as string);
    await expectRealVideo(file, SECONDS);
    const first = await stat(file);

    // Republished: metadata.xml changes (here the meeting's name). The journaled name is kept.
    await writeFile(path.join(published, id, 'metadata.xml'), metadata.replaceAll('bbb-capture sample (full', 'Renamed lecture (full'));
    const again = await stream.waitFor('done', id, { count: 2 });
    expect(again.output).toBe(done.output);
    expect(again.replaced).toBe(true);
    const second = await stat(file);
    // Replaced by a rename of a new file, not rewritten in place.
    expect(second.ino).not.toBe(first.ino);
    await expectRealVideo(file, SECONDS);
    // A quiet spell: nothing else is exported.
    await sleep(3000);
    expect(stream.of('started', id)).toHaveLength(2);
    expect(await visibleFiles(out)).toEqual([done.output]);
    const entry = (await readJournal(out)).recordings.find((r) => r.recordId === id)!;
    expect(entry).toMatchObject({ state: 'done', output: done.output, attempts: 2 });
    expect(entry.exportedHash).toBe(entry.hash);
  } finally {
    child.kill('SIGTERM');
  }
  const run = await finished(child);
  expect(run.exitCode, run.stderr).toBe(0);
});

test('a half-written recording is waited for: metadata.xml written last, or in two steps', async ({ sample }) => {
  const source = await sample('full', SECONDS);
  const { published, out } = await dirs('half');
  const child = startCli(['watch', '--published', published, '--out-dir', out, ...EXPORT], { timeoutMs: 200_000 });
  const stream = new EventStream(child);
  try {
    await stream.waitFor('watching');
    // Media first, metadata.xml a while later: nothing starts before it is there.
    const last = fakeRecordId('b', 2);
    const lastXml = await copyWithoutMetadata(source.dir, published, last);
    await sleep(2500);
    expect(stream.of('started', last)).toHaveLength(0);
    await writeFile(path.join(published, last, 'metadata.xml'), lastXml);
    await stream.waitFor('done', last);

    // metadata.xml in two steps, the pause longer than --stable: the first half is seen and refused.
    const split = fakeRecordId('c', 3);
    const splitXml = await copyWithoutMetadata(source.dir, published, split);
    const half = Math.floor(splitXml.length / 2);
    await writeFile(path.join(published, split, 'metadata.xml'), splitXml.slice(0, half));
    await stream.waitFor('waiting', split);
    expect(stream.of('started', split)).toHaveLength(0);
    await writeFile(path.join(published, split, 'metadata.xml'), splitXml.slice(half), { flag: 'a' });
    const done = await stream.waitFor('done', split);
    await expectRealVideo(path.join(out, done.output as string), SECONDS);
    await sleep(2000);
    expect(stream.of('started', last)).toHaveLength(1);
    expect(stream.of('started', split)).toHaveLength(1);
  } finally {
    child.kill('SIGTERM');
  }
  const run = await finished(child);
  expect(run.exitCode, run.stderr).toBe(0);
});

test('a watch stopped by SIGTERM mid-export resumes it on restart and exports nothing twice', async ({ sample }) => {
  const source = await sample('full', SECONDS);
  const { published, out } = await dirs('restart');
  const first = fakeRecordId('d', 4);
  const second = fakeRecordId('e', 5);
  for (const id of [first, second]) await writeFile(path.join(published, id, 'metadata.xml'), await copyWithoutMetadata(source.dir, published, id));
  // Found by the start-up scan, one at a time: the first is done when the second starts.
  const child = startCli(['watch', '--published', published, '--out-dir', out, '--concurrency', '1', ...EXPORT], { timeoutMs: 200_000 });
  const stream = new EventStream(child);
  let firstFile: string;
  try {
    const done = await stream.waitFor('done', first);
    firstFile = path.join(out, done.output as string);
    await stream.waitFor('started', second);
    await sleep(1500);
  } finally {
    child.kill('SIGTERM');
  }
  const stopped = await finished(child);
  expect(stopped.exitCode, stopped.stderr).toBe(0);
  expect(stream.of('interrupted', second)).toHaveLength(1);
  expect(stream.of('done', second)).toHaveLength(0);
  let journal = await readJournal(out);
  expect(journal.recordings.map((r) => [r.recordId, r.state])).toEqual([
    [first, 'done'],
    [second, 'pending'],
  ]);
  // No half-written export under a final name.
  expect(await visibleFiles(out)).toEqual([path.basename(firstFile)]);
  const before = await stat(firstFile);

  const restart = await runCli(['watch', '--once', '--published', published, '--out-dir', out, ...EXPORT], { timeoutMs: 200_000 });
  expect(restart.exitCode, restart.stderr).toBe(0);
  const started = restart.events.filter((e) => e.event === 'started').map((e) => e.recordId);
  expect(started).toEqual([second]);
  expect(restart.events.filter((e) => e.event === 'unchanged').map((e) => e.recordId)).toEqual([first]);
  const after = await stat(firstFile);
  expect([after.ino, after.mtimeMs]).toEqual([before.ino, before.mtimeMs]);
  journal = await readJournal(out);
  expect(journal.recordings.map((r) => [r.recordId, r.state, r.attempts])).toEqual([
    [first, 'done', 1],
    [second, 'done', 2],
  ]);
  const secondFile = path.join(out, journal.recordings[1]!.output!);
  await expectRealVideo(secondFile, SECONDS);
  expect(await visibleFiles(out)).toHaveLength(2);
});

test.describe('on the farm (--redis)', () => {
  let redis: TestRedis;
  let connection: Redis;
  let queue: CaptureQueue;
  const QUEUE = `watch-e2e-${process.pid}`;
  test.beforeAll(async () => {
    redis = await startTestRedis();
    connection = await openRedis(redis.url, { name: 'e2e' });
    queue = openCaptureQueue(connection, QUEUE);
  });
  test.afterAll(async () => {
    await queue?.close();
    await connection?.quit();
    await redis?.stop();
  });

  test('a published recording is queued once with its playback URL, and a worker exports it', async ({ sample, bbbServer }) => {
    const rec = await sample('full', SECONDS);
    // A published directory holding just this recording (the worker's shared one holds whatever
    // other specs generated); the workers fetch it from the test server by its playback URL.
    const { published, out } = await dirs('farm');
    await cp(rec.dir, path.join(published, path.basename(rec.dir)), { recursive: true });
    const args = ['watch', '--once', '--published', published, '--out-dir', out, '--redis', redis.url, '--queue', QUEUE, '--playback-base', bbbServer.playbackUrl(''), ...EXPORT];
    const first = await runCli(args);
    expect(first.exitCode, first.stderr).toBe(0);
    const done = first.events.filter((e) => e.event === 'done' && e.recordId === rec.recordId);
    expect(done).toHaveLength(1);
    expect(done[0]!.queued).toBe(true);
    let status = await readQueueStatus(queue, { limit: 50 });
    expect(status.counts.waiting).toBe(1);
    const job = (await queue.getJobs(['wait'])).find((j) => j.data.url === bbbServer.playbackUrl(rec.recordId))!;
    expect(job.data.output).toBe(done[0]!.output);

    const again = await runCli(args);
    expect(again.exitCode, again.stderr).toBe(0);
    expect(again.events.filter((e) => e.event === 'started')).toEqual([]);
    expect((await readQueueStatus(queue, { limit: 50 })).counts.waiting).toBe(1);

    const farmOut = path.join(work, 'farm', 'worker-out');
    await mkdir(farmOut, { recursive: true });
    const worker = startCli(['worker', '--redis', redis.url, '--queue', QUEUE, '--out-dir', farmOut, '--json'], { timeoutMs: 200_000 });
    try {
      const deadline = Date.now() + 150_000;
      for (;;) {
        status = await readQueueStatus(queue, { limit: 50 });
        if (status.counts.completed + status.counts.failed >= 1) break;
        if (Date.now() > deadline) throw new Error(`the worker did not finish: ${JSON.stringify(status.counts)}`);
        await sleep(500);
      }
      expect(status.counts).toMatchObject({ completed: 1, failed: 0 });
    } finally {
      worker.kill('SIGTERM');
      await finished(worker);
    }
    await expectRealVideo(path.join(farmOut, done[0]!.output as string), SECONDS);
  });
});
