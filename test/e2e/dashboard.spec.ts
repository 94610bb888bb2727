/**
 * `bbb-capture dashboard` in real Chromium against a real Redis: the page lists a done and a
 * failed job (added with BullMQ directly), and its Retry button puts the failed one back to
 * waiting. Also: it refuses a non-loopback address without credentials, and a token locks it.
 */
import { Worker, UnrecoverableError } from 'bullmq';
import { test, expect } from '@playwright/test';
import type { ResultPromise } from 'execa';
import type { Redis } from 'ioredis';
import { launchBrowser } from '../../src/browser/launch-browser.js';
import { findChromium } from '../../src/browser/find-chromium.js';
import { openCaptureQueue, type CaptureQueue } from '../../src/worker/capture-queue.js';
import { openRedis } from '../../src/worker/open-redis.js';
import { startTestRedis, type TestRedis } from '../support/redis-server.js';
import { finished, runCli, startCli } from './support/cli.js';

let redis: TestRedis;
let connection: Redis;
let queue: CaptureQueue;
const QUEUE = `dash-${process.pid}`;

test.beforeAll(async () => {
  redis = await startTestRedis();
  connection = await openRedis(redis.url, { name: 'test' });
  queue = openCaptureQueue(connection, QUEUE);
  const data = (output: string) => ({
    version: 1 as const,
    url: `https://bbb.example.org/playback/presentation/2.3/${'a'.repeat(40)}-1700000000000`,
    recordId: `${'a'.repeat(40)}-1700000000000`,
    output,
    settings: { from: 0, to: null, layout: 'player' as const, resolution: '1280x720' as const, format: 'mp4' as const },
    source: 'test',
    enqueuedAt: new Date().toISOString(),
  });
  await queue.add('capture', data('Lecture done.mp4'), { jobId: 'job-done', attempts: 1 });
  await queue.add('capture', data('Lecture failed.mp4'), { jobId: 'job-failed', attempts: 1 });
  // A stand-in worker: one job completes, the other fails for good with a coded reason.
  const worker = new Worker(
    QUEUE,
    async (job) => {
      if (job.id === 'job-failed') throw new UnrecoverableError('CHROMIUM_CRASHED: the browser crashed while loading the player');
      return { output: job.data.output, path: `/videos/${job.data.output}`, durationS: 61, wallMs: 30_000, worker: 'test' };
    },
    { connection: await openRedis(redis.url, { name: 'test-worker' }), autorun: true },
  );
  await expect.poll(async () => queue.getJobCounts('completed', 'failed')).toEqual({ completed: 1, failed: 1 });
  await worker.close();
});

test.afterAll(async () => {
  await queue?.close();
  await connection?.quit();
  await redis?.stop();
});

/** Starts the dashboard and resolves with its URL (printed on stderr). */
async function startDashboard(args: string[]): Promise<{ child: ResultPromise; url: string }> {
  const child = startCli(['dashboard', '--redis', redis.url, '--queue', QUEUE, '--port', '0', ...args], { timeoutMs: 120_000 });
  const url = await new Promise<string>((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`dashboard did not start: ${seen}`)), 30_000);
    child.stderr?.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      const m = / at (http:\/\/\S+)/.exec(seen);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    void child.then(() => reject(new Error(`dashboard exited: ${seen}`)));
  });
  return { child, url };
}

test('the dashboard lists a done and a failed job, and Retry moves the failed one back to waiting', async () => {
  const { child, url } = await startDashboard([]);
  const browser = await launchBrowser({ executablePath: findChromium(process.env.BBB_CAPTURE_CHROMIUM), runningAsRoot: process.getuid?.() === 0 });
  try {
    const page = await browser.newPage();
    await page.goto(`${url}queue/${QUEUE}?status=completed`);
    await expect(page.getByText('Lecture done.mp4').first()).toBeVisible();
    await page.goto(`${url}queue/${QUEUE}?status=failed`);
    await expect(page.getByRole('link', { name: 'job-failed' })).toBeVisible();
    // The failed card opens on its error: the worker's "CODE: message".
    await expect(page.getByText('CHROMIUM_CRASHED: the browser crashed while loading the player').first()).toBeVisible();
    await page.getByRole('tab', { name: 'Data' }).click();
    await expect(page.getByText('Lecture failed.mp4').first()).toBeVisible();
    await page.screenshot({ path: test.info().outputPath('failed.png') });
    // The card's actions are icon buttons (retry, duplicate, update, remove); the first is Retry,
    // which the confirmation below names.
    await page.getByRole('link', { name: 'job-failed' }).locator('xpath=following::ul[1]').getByRole('button').first().click();
    // bull-board asks for confirmation of a retry.
    await expect(page.getByText('Are you sure that you want to retry this job?')).toBeVisible();
    await page
      .getByRole('button', { name: /^(Confirm|Retry|Yes|OK)$/i })
      .last()
      .click();
    await expect.poll(async () => (await queue.getJob('job-failed'))?.getState()).toBe('waiting');
    expect(await queue.getJobCounts('completed', 'failed', 'waiting')).toEqual({ completed: 1, failed: 0, waiting: 1 });
  } finally {
    await browser.close();
    child.kill('SIGTERM');
    const run = await finished(child);
    expect(run.exitCode).toBe(0);
  }
});

test('a non-loopback address without a token or basic auth is refused (USAGE, exit 2) before anything starts', async () => {
  const run = await runCli(['dashboard', '--redis', 'redis://127.0.0.1:1', '--host', '0.0.0.0', '--port', '0']);
  expect(run.exitCode).toBe(2);
  expect(run.stderr).toContain('refusing to serve the dashboard on 0.0.0.0 without --token or --basic-auth');
});

test('with --token the page needs the token once, then the cookie carries it', async () => {
  const token = 'correct-horse-battery-staple';
  const { child, url } = await startDashboard(['--token', token]);
  try {
    expect((await fetch(`${url}api/queues`)).status).toBe(401);
    expect((await fetch(`${url}api/queues`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    const browser = await launchBrowser({ executablePath: findChromium(process.env.BBB_CAPTURE_CHROMIUM), runningAsRoot: process.getuid?.() === 0 });
    try {
      const page = await browser.newPage();
      await page.goto(`${url}?token=${token}`);
      expect(new URL(page.url()).search).toBe('');
      await page.goto(`${url}queue/${QUEUE}?status=completed`);
      await expect(page.getByText('Lecture done.mp4').first()).toBeVisible();
    } finally {
      await browser.close();
    }
  } finally {
    child.kill('SIGTERM');
    await finished(child);
  }
});
