/**
 * The capture farm end to end: a real redis-server on 127.0.0.1 (started here; missing
 * redis-server fails the test), `enqueue`, two `worker` processes of the built CLI capturing
 * synthetic recordings in real Chromium, one of them killed with SIGKILL in the middle of a
 * capture. Every job must end up done exactly once (job states, one complete file per job, the
 * killed job finished by the other worker), a permanent error must fail at once with its code,
 * and SIGTERM must put a running capture back in the queue.
 */
import { cp, mkdir, readdir, readFile, rm, writeFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa, type ResultPromise } from 'execa';
import type { Redis } from 'ioredis';
import { findFfmpeg } from '../../src/process/find-ffmpeg.js';
import { measureFidelity } from '../../src/verify/measure-fidelity.js';
import { probeMedia } from '../../src/recording/probe-media.js';
import { runProcess } from '../../src/process/run-process.js';
import { MIN_CHAPTER_S } from '../../src/mux/find-chapters.js';
import { openCaptureQueue, type CaptureJobResult, type CaptureQueue } from '../../src/worker/capture-queue.js';
import { openRedis } from '../../src/worker/open-redis.js';
import { readQueueStatus, type QueueStatus } from '../../src/worker/read-queue-status.js';
import { startTestRedis, type TestRedis } from '../support/redis-server.js';
import { finished, processesMentioning, runCli, startCli } from './support/cli.js';
import { expect, test, type ServedSample } from './support/samples-fixture.js';

const tools = findFfmpeg(process.env.BBB_CAPTURE_FFMPEG);

/** Video frames in a file, decoded (not demuxed, as verify counts them): what the metric is held to. */
async function decodedFrameCount(file: string): Promise<number> {
  const args = ['-v', 'error', '-select_streams', 'v:0', '-count_frames', '-show_entries', 'stream=nb_read_frames', '-of', 'csv=p=0', file];
  const { stdout } = await runProcess(tools.ffprobe, args, { label: 'ffprobe (decoding frames)', failureCode: 'INTERNAL', missingCode: 'INTERNAL' });
  return Number.parseInt(stdout.trim(), 10);
}
const QUEUE = `e2e-${process.pid}`;
let redis: TestRedis;
let connection: Redis;
let queue: CaptureQueue;
let work: string;

test.beforeAll(async () => {
  redis = await startTestRedis();
  connection = await openRedis(redis.url, { name: 'e2e' });
  queue = openCaptureQueue(connection, QUEUE);
  work = await mkdtemp(path.join(tmpdir(), 'bbb-capture-farm-'));
});
test.afterAll(async () => {
  await queue?.close();
  await connection?.quit();
  await redis?.stop();
  await rm(work, { recursive: true, force: true });
});

/** JSON lines of a running CLI, as they arrive. */
function watch(child: ResultPromise): {
  events: Array<Record<string, unknown>>;
  waitFor(what: string, match: (e: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
} {
  const events: Array<Record<string, unknown>> = [];
  let partial = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    const lines = (partial + chunk.toString()).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) if (line.startsWith('{')) events.push(JSON.parse(line) as Record<string, unknown>);
  });
  return {
    events,
    async waitFor(what, match, timeoutMs = 180_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = events.find(match);
        if (found) return found;
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; events: ${JSON.stringify(events.slice(-5))}`);
        if (child.exitCode !== null) throw new Error(`the worker exited (${child.exitCode}) before ${what}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    },
  };
}

function worker(name: string, outDir: string, queueName = QUEUE): ResultPromise {
  // Short lock and stall check so a dead worker's job is taken over within seconds.
  return startCli(['worker', '--redis', redis.url, '--queue', queueName, '--out-dir', outDir, '--name', name, '--lock-duration', '4', '--stalled-interval', '2', '--json'], {
    timeoutMs: 400_000,
  });
}

async function statusWhen(check: (s: QueueStatus) => boolean, what: string, timeoutMs: number): Promise<QueueStatus> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = await readQueueStatus(queue, { limit: 50 });
    if (check(status)) return status;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(status.counts)}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** Every file under dir, relative. */
async function allFiles(dir: string): Promise<string[]> {
  return ((await readdir(dir, { recursive: true })) as string[]).sort();
}

test('two workers, one killed mid-capture: every job done exactly once; permanent errors fail at once; SIGTERM requeues', async ({ sample, recordingsDir }) => {
  test.setTimeout(600_000);
  const recs: ServedSample[] = [await sample('full', 5), await sample('audioonly', 4), await sample('full', 6)];
  // A recording that is whole when queued and loses its media before a worker gets to it.
  const doomedId = `${'d'.repeat(40)}-1700000000004`;
  const doomedDir = path.join(recordingsDir, doomedId);
  await rm(doomedDir, { recursive: true, force: true });
  await cp(recs[0]!.dir, doomedDir, { recursive: true });
  const xml = await readFile(path.join(doomedDir, 'metadata.xml'), 'utf8');
  await writeFile(path.join(doomedDir, 'metadata.xml'), xml.replaceAll(recs[0]!.recordId, doomedId));
  const doomedUrl = recs[0]!.url.replace(recs[0]!.recordId, doomedId);

  const urls = [...recs.map((r) => r.url), doomedUrl];
  const enqueue = await runCli(['enqueue', '--redis', redis.url, '--queue', QUEUE, '--resolution', '1280x720', '--json', ...urls]);
  expect(enqueue.exitCode, enqueue.stderr).toBe(0);
  expect(enqueue.events.map((e) => e.status)).toEqual(['queued', 'queued', 'queued', 'queued']);
  const names = enqueue.events.map((e) => e.output as string);
  const jobIds = enqueue.events.map((e) => e.jobId as string);
  expect(new Set(names).size).toBe(4);
  // The same recordings again: found, not duplicated.
  const again = await runCli(['enqueue', '--redis', redis.url, '--queue', QUEUE, '--resolution', '1280x720', '--json', ...urls]);
  expect(again.exitCode, again.stderr).toBe(0);
  expect(again.events.map((e) => [e.status, e.jobId])).toEqual(jobIds.map((id) => ['exists', id]));
  expect((await queue.getJobCounts('waiting')).waiting).toBe(4);
  await rm(path.join(doomedDir, 'video'), { recursive: true, force: true });

  const outDir = path.join(work, 'farm');
  const a = worker('worker-a', outDir);
  const b = worker('worker-b', outDir);
  const aEvents = watch(a);
  const bEvents = watch(b);
  try {
    const aStart = await aEvents.waitFor('worker A to start a job', (e) => e.type === 'job-start');
    await bEvents.waitFor('worker B to start a job', (e) => e.type === 'job-start');
    const killedJob = aStart.jobId as string;
    await aEvents.waitFor('worker A to capture', (e) => e.type === 'stage' && e.stage === 'capture' && e.jobId === killedJob);
    await new Promise((r) => setTimeout(r, 1500));
    a.kill('SIGKILL');
    await finished(a);

    const status = await statusWhen((s) => s.counts.completed + s.counts.failed === 4 && s.counts.active === 0, 'all jobs to finish', 400_000);
    expect(status.counts).toMatchObject({ completed: 3, failed: 1, waiting: 0, delayed: 0, active: 0 });
    expect(status.failed).toEqual([expect.objectContaining({ id: jobIds[3], output: names[3], code: 'MEDIA_MISSING', attemptsMade: 1 })]);
    expect(status.completed.map((c) => c.id).sort()).toEqual(jobIds.slice(0, 3).sort());

    // The killed worker's job was taken over and finished by the other one.
    const taken = await queue.getJob(killedJob);
    expect(await taken!.getState()).toBe('completed');
    expect((taken!.returnvalue as CaptureJobResult).worker).toBe('worker-b');
    expect(taken!.attemptsStarted).toBeGreaterThanOrEqual(2);
    expect(bEvents.events.filter((e) => e.type === 'job-done').map((e) => e.jobId)).toContain(killedJob);
    expect(bEvents.events.filter((e) => e.type === 'job-done' && e.jobId === killedJob)).toHaveLength(1);

    // Exactly one complete file per completed job, nothing partial, nothing else.
    const files = await allFiles(outDir);
    expect(files.filter((f) => !f.startsWith('.'))).toEqual(names.slice(0, 3).sort());
    expect(files.filter((f) => /partial|\.bbb-capture-(?!jobs$)/.test(f))).toEqual([]);
    for (const [i, rec] of recs.entries()) {
      const file = path.join(outDir, names[i]!);
      const probe = await probeMedia(file, { tools });
      expect(probe.video?.codec, file).toBe('h264');
      expect(probe.audio?.codec, file).toBe('aac');
      expect(Math.abs(probe.duration - rec.truth.duration), file).toBeLessThanOrEqual(0.15);
      const report = await measureFidelity({ video: file, recordingDir: rec.dir, tools });
      expect(report.leadingMs, file).not.toBeNull();
      expect(report.audio.burstsMatched, file).toBe(report.audio.burstsExpected);
      expect(Math.abs(report.durationErrorMs), file).toBeLessThanOrEqual(100);
    }
    // The killed worker's Chromium went with it.
    for (let i = 0; i < 50 && (await processesMentioning(`--bbb-capture-owner=${a.pid}`)).length > 0; i++) await new Promise((r) => setTimeout(r, 200));
    expect(await processesMentioning(`--bbb-capture-owner=${a.pid}`)).toEqual([]);

    // What `status` shows a person.
    const shown = await runCli(['status', '--redis', redis.url, '--queue', QUEUE]);
    expect(shown.exitCode, shown.stderr).toBe(0);
    expect(shown.stdout).toMatch(/completed 3, failed 1/);
    expect(shown.stdout).toMatch(new RegExp(`failed:\\n  .*MEDIA_MISSING: recording ${doomedId} has no media`));
    for (const name of names.slice(0, 3)) expect(shown.stdout).toContain(path.join(outDir, name));

    // SIGTERM during a capture: the job goes back to wait, unspent, and the worker exits 0.
    const extra = await runCli(['enqueue', '--redis', redis.url, '--queue', QUEUE, '--resolution', '1280x720', '--layout', 'content', '--json', recs[2]!.url]);
    expect(extra.events[0]?.status).toBe('queued');
    const extraId = extra.events[0]!.jobId as string;
    await bEvents.waitFor('worker B to capture the new job', (e) => e.type === 'stage' && e.stage === 'capture' && e.jobId === extraId);
    const stopAsked = Date.now();
    b.kill('SIGTERM');
    const stopped = await finished(b);
    expect(stopped.exitCode, stopped.stderr).toBe(0);
    expect(Date.now() - stopAsked).toBeLessThan(30_000);
    expect(bEvents.events.some((e) => e.type === 'job-requeued' && e.jobId === extraId)).toBe(true);
    const requeued = await queue.getJob(extraId);
    expect(await requeued!.getState()).toBe('waiting');
    expect(requeued!.attemptsMade).toBe(0);
    expect((await allFiles(outDir)).filter((f) => !f.startsWith('.'))).toEqual(names.slice(0, 3).sort());
  } finally {
    for (const child of [a, b]) if (child.exitCode === null) child.kill('SIGKILL');
    await Promise.allSettled([a, b]);
  }
});

test('a long recording rendered in parts by two workers at once, joined frame-exact with its sound', async ({ sample }) => {
  test.setTimeout(600_000);
  const rec = await sample('full', 30);
  const queueName = `${QUEUE}-parts`;
  const outDir = path.join(work, 'parts');
  const enqueue = await runCli(['enqueue', '--redis', redis.url, '--queue', queueName, '--engine', 'render', '--part-length', '10', '--resolution', '1280x720', '--json', rec.url]);
  expect(enqueue.exitCode, enqueue.stderr).toBe(0);
  const jobId = enqueue.events[0]!.jobId as string;
  const output = enqueue.events[0]!.output as string;
  const partsQueue = openCaptureQueue(connection, queueName);
  const [a, b] = [worker('A', outDir, queueName), worker('B', outDir, queueName)];
  const [aEvents, bEvents] = [watch(a), watch(b)];
  try {
    const done = await Promise.race([aEvents, bEvents].map((w) => w.waitFor('the join', (e) => e.type === 'job-done' && e.jobId === jobId, 500_000)));
    // Both workers rendered parts: the wall time falls as workers are added.
    const partsBy = (events: Array<Record<string, unknown>>) => events.filter((e) => e.type === 'job-done' && String(e.jobId).startsWith(`${jobId}-part-`)).length;
    expect(partsBy(aEvents.events) + partsBy(bEvents.events)).toBe(3);
    expect(partsBy(aEvents.events)).toBeGreaterThan(0);
    expect(partsBy(bEvents.events)).toBeGreaterThan(0);
    const file = path.join(outDir, output);
    expect(done.path).toBe(file);
    // One file; the parts and the staging gone (their empty folders go when the workers stop).
    expect(await allFiles(outDir)).toEqual(['.bbb-capture-jobs', '.bbb-capture-parts', output]);
    const report = await measureFidelity({ video: file, recordingDir: rec.dir, tools });
    test.info().annotations.push({
      type: 'fidelity',
      description: JSON.stringify({
        delivered: report.cameras.map((c) => c.deliveredRatio),
        screenshare: report.screenshare?.deliveredRatio,
        avSyncMs: report.avSyncMs,
        leadingMs: report.leadingMs,
        durationErrorMs: report.durationErrorMs,
      }),
    });
    expect(report.cameras.map((c) => c.deliveredRatio)).toEqual([1]);
    expect(report.cameras[0]!.longestFreezeMs).toBeLessThanOrEqual(34);
    expect(report.screenshare?.deliveredRatio).toBe(1);
    expect(Math.abs(report.avSyncMs ?? Infinity)).toBeLessThanOrEqual(5);
    expect(report.audio.burstsMatched).toBe(report.audio.burstsExpected);
    expect(report.leadingMs).toBe(0);
    expect(Math.abs(report.durationErrorMs)).toBeLessThanOrEqual(10);
    // The whole gets the captions and chapters the parts have none of, on its own timeline.
    const { stdout } = await runProcess(tools.ffprobe, ['-v', 'error', '-show_entries', 'stream=codec_type,codec_name:chapter=start_time', '-of', 'json', file], {
      label: 'ffprobe',
      failureCode: 'FFMPEG_FAILED',
      missingCode: 'FFMPEG_MISSING',
    });
    const probe = JSON.parse(stdout) as { streams: Array<{ codec_type: string; codec_name: string }>; chapters: Array<{ start_time: string }> };
    expect(probe.streams.filter((s) => s.codec_type === 'subtitle').map((s) => s.codec_name)).toEqual(['mov_text']);
    const changes = [...rec.truth.slides.map((s) => s.start), ...(rec.truth.screenshare?.intervals ?? []).map((i) => i.start)].sort((x, y) => x - y);
    // A change closer than MIN_CHAPTER_S to its chapter's start joins it (here the end of the 2.8 s share).
    const starts = changes.reduce<number[]>((kept, t) => {
      if (kept.length === 0 || t - kept.at(-1)! >= MIN_CHAPTER_S) kept.push(t);
      return kept;
    }, []);
    expect(starts.length).toBeLessThan(changes.length);
    expect(probe.chapters.map((c) => Number(c.start_time))).toEqual(starts);
    expect(await (await partsQueue.getJob(jobId))!.getState()).toBe('completed');
    for (const child of [a, b]) child.kill('SIGTERM');
    for (const child of [a, b]) expect((await finished(child)).exitCode).toBe(0);
    expect(await allFiles(outDir)).toEqual([output]);
  } finally {
    for (const child of [a, b]) if (child.exitCode === null) child.kill('SIGTERM');
    await Promise.allSettled([a, b]);
    await partsQueue.close();
  }
});

test('a full output disk pauses the worker, status says so, and it resumes when space returns: the job is retried, not failed', async ({ sample }) => {
  test.setTimeout(300_000);
  const rec = await sample('full', 4);
  const queueName = `${QUEUE}-disk`;
  const outDir = path.join(work, 'small-disk');
  await mkdir(outDir, { recursive: true });
  // A 300 KiB file system as the shared output directory (needs root, as the README's setup runs).
  const mount = await execa('mount', ['-t', 'tmpfs', '-o', 'size=300k', 'tmpfs', outDir], { reject: false });
  expect(mount.exitCode, `cannot mount a small tmpfs for this test: ${mount.stderr}`).toBe(0);
  const diskQueue = openCaptureQueue(connection, queueName);
  let w: ResultPromise | undefined;
  try {
    const enqueue = await runCli(['enqueue', '--redis', redis.url, '--queue', queueName, '--resolution', '1280x720', '--backoff', '1', '--json', rec.url]);
    expect(enqueue.exitCode, enqueue.stderr).toBe(0);
    const jobId = enqueue.events[0]!.jobId as string;
    const output = enqueue.events[0]!.output as string;
    w = startCli(['worker', '--redis', redis.url, '--queue', queueName, '--out-dir', outDir, '--name', 'disk-worker', '--min-free', '100k', '--json'], { timeoutMs: 280_000 });
    const events = watch(w);
    const failure = await events.waitFor('the capture to fail for want of space', (e) => e.type === 'job-failed');
    expect(failure).toMatchObject({ jobId, code: 'DISK_FULL', willRetry: true });
    await events.waitFor('the worker to pause', (e) => e.type === 'worker-paused');
    expect(events.events.find((e) => e.type === 'worker-paused')).toMatchObject({ reason: 'DISK_FULL', outDir, resumeAtBytes: 100 * 1024 });
    const shown = await runCli(['status', '--redis', redis.url, '--queue', queueName]);
    expect(shown.stdout).toMatch(new RegExp(`worker disk-worker PAUSED since \\S+: disk full at ${outDir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    expect(['delayed', 'waiting']).toContain(await (await diskQueue.getJob(jobId))!.getState());

    // Space comes back (the volume grows): the worker resumes and the retry succeeds.
    const grow = await execa('mount', ['-o', 'remount,size=200m', outDir], { reject: false });
    expect(grow.exitCode, grow.stderr).toBe(0);
    await events.waitFor('the worker to resume', (e) => e.type === 'worker-resumed', 60_000);
    const done = await events.waitFor('the job to complete', (e) => e.type === 'job-done' && e.jobId === jobId, 200_000);
    expect(done.path).toBe(path.join(outDir, output));
    const job = (await diskQueue.getJob(jobId))!;
    expect(await job.getState()).toBe('completed');
    expect(job.attemptsMade).toBe(2);
    const probe = await probeMedia(path.join(outDir, output), { tools });
    expect(probe.video?.codec).toBe('h264');
    expect(Math.abs(probe.duration - rec.truth.duration)).toBeLessThanOrEqual(0.15);
    expect((await runCli(['status', '--redis', redis.url, '--queue', queueName])).stdout).not.toMatch(/PAUSED/);
    w.kill('SIGTERM');
    expect((await finished(w)).exitCode).toBe(0);
  } finally {
    if (w && w.exitCode === null) w.kill('SIGKILL');
    await Promise.allSettled(w ? [w] : []);
    await diskQueue.close();
    await execa('umount', [outDir], { reject: false });
  }
});

/** The value of one sample line of a Prometheus text page (`name{labels} value`). */
function metric(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    const m = /^([^{\s]+)(?:\{([^}]*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((kv) => [kv[1], kv[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(m[3]);
  }
  return undefined;
}

test('a worker’s /metrics scraped during and after a real capture: active capture and queue depth, then the job counted, timed and its webcam frames delivered', async ({
  sample,
}) => {
  test.setTimeout(300_000);
  const rec = await sample('full', 4);
  const queueName = `${QUEUE}-metrics`;
  const outDir = path.join(work, 'metrics');
  await mkdir(outDir, { recursive: true });
  const metricsQueue = openCaptureQueue(connection, queueName);
  let w: ResultPromise | undefined;
  try {
    const enqueue = await runCli(['enqueue', '--redis', redis.url, '--queue', queueName, '--resolution', '1280x720', '--json', rec.url]);
    expect(enqueue.exitCode, enqueue.stderr).toBe(0);
    const { jobId, output } = enqueue.events[0] as { jobId: string; output: string };
    // Port 0: a free port; the worker says which.
    w = startCli(['worker', '--redis', redis.url, '--queue', queueName, '--out-dir', outDir, '--name', 'metrics-worker', '--metrics-port', '0', '--json'], {
      timeoutMs: 280_000,
    });
    const events = watch(w);
    let stderr = '';
    w.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const scrape = async () => {
      const url = /metrics at (http:\/\/\S+\/metrics)/.exec(stderr)?.[1];
      if (!url) return '';
      const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
      expect(res.headers.get('content-type')).toContain('text/plain');
      return res.text();
    };
    const until = async (what: string, check: (text: string) => boolean, timeoutMs: number): Promise<string> => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const text = await scrape();
        if (text && check(text)) return text;
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last scrape:\n${text}\nstderr: ${stderr}`);
        if (w!.exitCode !== null) throw new Error(`the worker exited (${w!.exitCode}) before ${what}: ${stderr}`);
        await new Promise((r) => setTimeout(r, 250));
      }
    };

    // During the capture.
    const during = await until('an active capture', (t) => metric(t, 'bbb_capture_active_captures', { worker: 'metrics-worker' }) === 1, 120_000);
    expect(metric(during, 'bbb_capture_queue_jobs', { state: 'active' })).toBe(1);
    expect(metric(during, 'bbb_capture_jobs_total', { outcome: 'done' }) ?? 0).toBe(0);

    // After it.
    const done = await events.waitFor('the job to complete', (e) => e.type === 'job-done' && e.jobId === jobId, 240_000);
    // The worker counts the job when its export is done; BullMQ marks it completed a moment later,
    // once the processor has returned: a scrape in between sees both, so wait for the two.
    const after = await until(
      'the finished job, counted and completed in the queue',
      (t) => metric(t, 'bbb_capture_jobs_total', { outcome: 'done', code: '' }) === 1 && metric(t, 'bbb_capture_queue_jobs', { state: 'completed' }) === 1,
      30_000,
    );
    expect(metric(after, 'bbb_capture_active_captures')).toBe(0);
    expect(metric(after, 'bbb_capture_queue_jobs', { state: 'completed' })).toBe(1);
    expect(metric(after, 'bbb_capture_queue_jobs', { state: 'active' })).toBe(0);
    expect(metric(after, 'bbb_capture_job_duration_seconds_count')).toBe(1);
    const wallS = (done.wallMs as number) / 1000;
    expect(metric(after, 'bbb_capture_job_duration_seconds_sum')).toBeCloseTo(wallS, 3);
    expect(metric(after, 'bbb_capture_job_realtime_factor_count')).toBe(1);
    expect(metric(after, 'bbb_capture_job_realtime_factor_sum')).toBeCloseTo((done.durationS as number) / wallS, 3);
    // The frames written, as verify counted them: the frames the test decodes from the file itself.
    const decoded = await decodedFrameCount(path.join(outDir, output));
    expect(metric(after, 'bbb_capture_video_frames_total')).toBe(decoded);
    expect(decoded).toBeGreaterThan(rec.truth.duration * 10);
    // Every webcam frame of the recording, at its own time in the file.
    expect(metric(after, 'bbb_capture_webcam_frames_expected_total')).toBe(rec.truth.webcams!.frameCount);
    expect(metric(after, 'bbb_capture_webcam_frames_delivered_total')).toBe(rec.truth.webcams!.frameCount);
    expect(metric(after, 'bbb_capture_webcam_frames_delivered_ratio_bucket', { le: '0.9999' })).toBe(0);
    w.kill('SIGTERM');
    expect((await finished(w)).exitCode).toBe(0);
  } finally {
    if (w && w.exitCode === null) w.kill('SIGKILL');
    await Promise.allSettled(w ? [w] : []);
    await metricsQueue.close();
  }
});
