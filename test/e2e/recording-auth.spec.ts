/**
 * Recordings behind authentication end to end: `serve` refuses the player and the recording's
 * files without a cookie, a header and basic auth. Without them (or with one missing) the export
 * fails with AUTH_REQUIRED; with them (options and environment) the built CLI exports the
 * recording with the render engine, and none of the secrets appears in its JSON events, the
 * batch journal or the report. On the farm, `enqueue` puts no secret into Redis and a worker takes
 * them from its own --credentials-file, keyed by origin: without it the job fails for good with
 * AUTH_REQUIRED, with it the same job is exported.
 */
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ResultPromise } from 'execa';
import type { Redis } from 'ioredis';
import { JOURNAL_FILE } from '../../src/batch/batch-journal.js';
import { findFfmpeg } from '../../src/process/find-ffmpeg.js';
import { measureFidelity } from '../../src/verify/measure-fidelity.js';
import { openCaptureQueue } from '../../src/worker/capture-queue.js';
import { openRedis } from '../../src/worker/open-redis.js';
import { startTestRedis } from '../support/redis-server.js';
import { finished, runCli, startCli } from './support/cli.js';
import { expect, test } from './support/samples-fixture.js';

const tools = findFfmpeg(process.env.BBB_CAPTURE_FFMPEG);
const COOKIE = 'bbbsession=c00kie-S3CRET-4d1f';
const HEADER = 'X-Archive-Token: h3ader-S3CRET-88aa';
const BASIC = 'archivist:pa55-S3CRET-0b9e';
const SECRETS = ['c00kie-S3CRET-4d1f', 'h3ader-S3CRET-88aa', 'pa55-S3CRET-0b9e', Buffer.from(BASIC).toString('base64')];
let work: string;

test.beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'bbb-capture-auth-e2e-'));
});
test.afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

async function serveBehindLogin(
  recordingsDir: string,
  playerDir: string,
  require = ['--require-cookie', COOKIE, '--require-header', HEADER, '--require-basic-auth', BASIC],
): Promise<{ child: ResultPromise; url: string }> {
  const child = startCli(['serve', '--recordings', recordingsDir, '--player', playerDir, '--port', '0', ...require], { timeoutMs: 600_000 });
  const url = await new Promise<string>((resolve, reject) => {
    let seen = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      const m = /base URL: (\S+)/.exec(seen);
      if (m && seen.includes('press Ctrl-C')) resolve(m[1]!);
    });
    child.then(() => reject(new Error(`serve exited: ${seen}`)), reject);
  });
  return { child, url };
}

test('a recording behind a cookie, a header and basic auth: AUTH_REQUIRED without them, exported with them, no secret written anywhere', async ({
  sample,
  recordingsDir,
  player,
}) => {
  test.setTimeout(300_000);
  const rec = await sample('full', 4);
  const { child, url } = await serveBehindLogin(recordingsDir, player.dir);
  try {
    const playback = rec.url.replace(/^http:\/\/[^/]+/, url);
    const common = ['--engine', 'render', '--resolution', '1280x720'];
    const none = await runCli(['record', playback, '-o', path.join(work, 'none.mp4'), ...common]);
    expect(none.exitCode, none.stderr).toBe(23);
    expect(none.stderr).toMatch(/^bbb-capture: error AUTH_REQUIRED: .*answered HTTP 401: it needs credentials/m);
    // One of the three missing: still refused, and the message says the credentials were refused.
    const partly = await runCli(['record', playback, '-o', path.join(work, 'partly.mp4'), ...common, '--cookie', COOKIE, '--header', HEADER]);
    expect(partly.exitCode, partly.stderr).toBe(23);
    expect(partly.stderr).toMatch(/the credentials given were refused/);
    for (const secret of SECRETS) expect(partly.stderr).not.toContain(secret);

    // All three (basic auth from the environment): the batch exports it.
    const list = path.join(work, 'list.txt');
    await (await import('node:fs/promises')).writeFile(list, `${playback}\n`);
    const outDir = path.join(work, 'out');
    const report = path.join(work, 'report.json');
    const run = await runCli(
      [
        'batch',
        list,
        '--out-dir',
        outDir,
        ...common,
        '--concurrency',
        '1',
        '--name-template',
        '{recordId}',
        '--report',
        report,
        '--json',
        '--verbose',
        '--cookie',
        COOKIE,
        '--header',
        HEADER,
      ],
      {
        env: { BBB_CAPTURE_BASIC_AUTH: BASIC },
        timeoutMs: 240_000,
      },
    );
    expect(run.exitCode, run.stderr).toBe(0);
    const video = path.join(outDir, `${rec.recordId}.mp4`);
    const fidelity = await measureFidelity({ video, recordingDir: rec.dir, tools });
    expect(fidelity.audio.burstsMatched).toBe(fidelity.audio.burstsExpected);
    expect(fidelity.leadingMs).toBe(0);
    expect(Math.abs(fidelity.durationErrorMs)).toBeLessThanOrEqual(10);
    expect(run.events.some((e) => e.type === 'item-done')).toBe(true);
    expect((await readdir(outDir)).sort()).toEqual([JOURNAL_FILE, `${rec.recordId}.mp4`].sort());
    const written = [run.stdout, run.stderr, await readFile(path.join(outDir, JOURNAL_FILE), 'utf8'), await readFile(report, 'utf8')];
    for (const text of written) for (const secret of SECRETS) expect(text).not.toContain(secret);
  } finally {
    child.kill('SIGTERM');
    await child;
  }
});

/** Every value stored in Redis (hashes, strings, lists, sets, sorted sets, streams), as one text. */
async function everythingIn(redis: Redis): Promise<string> {
  const parts: string[] = [];
  for (const key of await redis.keys('*')) {
    const type = await redis.type(key);
    const value =
      type === 'hash'
        ? await redis.hgetall(key)
        : type === 'string'
          ? await redis.get(key)
          : type === 'list'
            ? await redis.lrange(key, 0, -1)
            : type === 'set'
              ? await redis.smembers(key)
              : type === 'zset'
                ? await redis.zrange(key, '0', '-1')
                : type === 'stream'
                  ? await redis.xrange(key, '-', '+')
                  : null;
    parts.push(key, JSON.stringify(value));
  }
  return parts.join('\n');
}

test('on the farm: no secret in the job data; a worker without credentials fails it for good (AUTH_REQUIRED), one with --credentials-file exports it', async ({
  sample,
  recordingsDir,
  player,
}) => {
  test.setTimeout(400_000);
  const rec = await sample('full', 4);
  const redis = await startTestRedis();
  const connection = await openRedis(redis.url, { name: 'e2e' });
  const QUEUE = `auth-e2e-${process.pid}`;
  const queue = openCaptureQueue(connection, QUEUE);
  const { child, url } = await serveBehindLogin(recordingsDir, player.dir, ['--require-basic-auth', BASIC]);
  const workers: ResultPromise[] = [];
  const worker = (outDir: string, extra: string[] = []) => {
    const w = startCli(['worker', '--redis', redis.url, '--queue', QUEUE, '--out-dir', outDir, '--json', ...extra], { timeoutMs: 300_000 });
    workers.push(w);
    return w;
  };
  const jobState = async (jobId: string, want: string[], timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const state = await queue.getJobState(jobId);
      if (want.includes(state)) return state;
      if (Date.now() > deadline) throw new Error(`job ${jobId} is ${state} after ${timeoutMs} ms, not ${want.join(' or ')}`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  };
  try {
    const playback = rec.url.replace(/^http:\/\/[^/]+/, url);
    const origin = new URL(url).origin;
    const enqueueArgs = ['enqueue', '--redis', redis.url, '--queue', QUEUE, '--engine', 'render', '--resolution', '1280x720', '--attempts', '3', '--json', playback];
    // enqueue reads metadata.xml for the output name, so it needs the credentials too (here from the environment).
    const queued = await runCli(enqueueArgs, { env: { BBB_CAPTURE_BASIC_AUTH: BASIC } });
    expect(queued.exitCode, queued.stderr).toBe(0);
    expect(queued.events.map((e) => e.status)).toEqual(['queued']);
    const jobId = queued.events[0]!.jobId as string;
    const data = await connection.hget(`bull:${QUEUE}:${jobId}`, 'data');
    expect(JSON.parse(data!)).toMatchObject({ url: playback });
    for (const secret of SECRETS) expect(data).not.toContain(secret);
    for (const secret of SECRETS) expect(await everythingIn(connection)).not.toContain(secret);

    // A worker with no credentials: refused by the server, a permanent failure (one attempt of 3).
    const bare = worker(path.join(work, 'farm-bare'));
    expect(await jobState(jobId, ['failed', 'completed'], 180_000)).toBe('failed');
    const failedJob = (await queue.getJob(jobId))!;
    expect(failedJob.failedReason).toMatch(/^AUTH_REQUIRED: .*answered HTTP 401: it needs credentials/);
    expect(failedJob.attemptsMade).toBe(1);
    bare.kill('SIGTERM');
    const bareRun = await finished(bare);
    expect(bareRun.events.filter((e) => e.type === 'job-failed').map((e) => [e.code, e.willRetry])).toEqual([['AUTH_REQUIRED', false]]);

    // The same job queued again, and a worker whose credentials file has this server's origin.
    const credentialsFile = path.join(work, 'credentials.json');
    await writeFile(credentialsFile, JSON.stringify({ 'https://other.example.org': { basicAuth: 'someone:else' }, [origin]: { basicAuth: BASIC } }), { mode: 0o600 });
    const again = await runCli(enqueueArgs, { env: { BBB_CAPTURE_BASIC_AUTH: BASIC } });
    expect(again.exitCode, again.stderr).toBe(0);
    expect(again.events.map((e) => [e.status, e.jobId])).toEqual([['retried', jobId]]);
    const outDir = path.join(work, 'farm-out');
    const authed = worker(outDir, ['--credentials-file', credentialsFile]);
    expect(await jobState(jobId, ['failed', 'completed'], 240_000)).toBe('completed');
    authed.kill('SIGTERM');
    const authedRun = await finished(authed);
    const video = path.join(outDir, queued.events[0]!.output as string);
    const fidelity = await measureFidelity({ video, recordingDir: rec.dir, tools });
    expect(fidelity.audio.burstsMatched).toBe(fidelity.audio.burstsExpected);
    expect(Math.abs(fidelity.durationErrorMs)).toBeLessThanOrEqual(10);
    const written = [bareRun.stdout, bareRun.stderr, authedRun.stdout, authedRun.stderr, await everythingIn(connection)];
    for (const text of written) for (const secret of SECRETS) expect(text).not.toContain(secret);
  } finally {
    for (const w of workers) w.kill('SIGTERM');
    await Promise.all(workers.map((w) => finished(w)));
    child.kill('SIGTERM');
    await child;
    await queue.close();
    await connection.quit();
    await redis.stop();
  }
});
