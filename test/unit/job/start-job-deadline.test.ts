import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CaptureError } from '../../../src/errors.js';
import type { JobOptions } from '../../../src/job/job-options.js';
import { runJob } from '../../../src/job/run-job.js';
import { startJobDeadline } from '../../../src/job/start-job-deadline.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('startJobDeadline', () => {
  it('aborts with a JOB_TIMEOUT reason when the limit passes, counted from its start', () => {
    vi.useFakeTimers();
    const deadline = startJobDeadline(undefined);
    vi.advanceTimersByTime(4000);
    deadline.limit(10_000);
    vi.advanceTimersByTime(5999);
    expect(deadline.signal.aborted).toBe(false);
    vi.advanceTimersByTime(1);
    expect(deadline.signal.aborted).toBe(true);
    expect(deadline.signal.reason).toBeInstanceOf(CaptureError);
    expect((deadline.signal.reason as CaptureError).code).toBe('JOB_TIMEOUT');
  });

  it('takes a new limit in place of the old one; 0 is none; clear stops it', () => {
    vi.useFakeTimers();
    const deadline = startJobDeadline(undefined);
    deadline.limit(1000);
    deadline.limit(5000);
    vi.advanceTimersByTime(2000);
    expect(deadline.signal.aborted).toBe(false);
    deadline.limit(0);
    vi.advanceTimersByTime(60_000);
    expect(deadline.signal.aborted).toBe(false);
    deadline.limit(70_000);
    deadline.clear();
    vi.advanceTimersByTime(60_000);
    expect(deadline.signal.aborted).toBe(false);
  });

  it('fires at once for a limit already past', () => {
    vi.useFakeTimers();
    const deadline = startJobDeadline(undefined);
    vi.advanceTimersByTime(3000);
    deadline.limit(2000);
    expect((deadline.signal.reason as CaptureError).code).toBe('JOB_TIMEOUT');
  });

  it("keeps the caller's reason when the caller aborts", () => {
    const parent = new AbortController();
    const deadline = startJobDeadline(parent.signal);
    deadline.limit(60_000);
    parent.abort(new CaptureError('ABORTED', 'stopped by SIGINT'));
    expect((deadline.signal.reason as CaptureError).code).toBe('ABORTED');
    deadline.clear();
  });
});

describe('runJob past its deadline', () => {
  let server: Server | undefined;
  afterEach(async () => {
    server?.closeAllConnections();
    await new Promise((r) => server?.close(r));
  });

  it('fails with JOB_TIMEOUT (not ABORTED, not a hang) and leaves nothing behind', async () => {
    // A server that takes every request and never answers: the job is stuck on its first fetch.
    server = createServer(() => undefined);
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    const dir = await mkdtemp(path.join(tmpdir(), 'bbb-capture-deadline-'));
    const options = {
      url: `http://127.0.0.1:${port}/playback/presentation/2.3/${'a'.repeat(40)}-1700000000000`,
      output: path.join(dir, 'out.mp4'),
      format: 'mp4',
      engine: 'auto',
      captions: 'off',
      chapters: false,
      width: 1280,
      height: 720,
      layout: 'player',
      from: 0,
      to: undefined,
      fps: undefined,
      videoBitrate: 2_700_000,
      audioBitrate: 192_000,
      maxCaptureFps: 30,
      eventRate: 15,
      chromiumPath: '/bin/false',
      runningAsRoot: false,
      tools: { ffmpeg: 'ffmpeg', ffprobe: 'ffprobe' },
      fontFile: '/dev/null',
      readyTimeoutMs: 60_000,
      insecure: false,
      allowTruncatedMedia: false,
      stallTimeoutMs: 30_000,
      jobTimeoutSeconds: 1,
      verify: false,
      keepTemp: false,
      signal: undefined,
      onEvent: () => undefined,
      workers: 1,
      hybrid: true,
      videoOnly: false,
      compose: null,
      replace: false,
    } satisfies JobOptions;
    const started = Date.now();
    const error = await runJob(options).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CaptureError);
    expect((error as CaptureError).code).toBe('JOB_TIMEOUT');
    expect((error as CaptureError).exitCode).toBe(34);
    expect((error as CaptureError).transient).toBe(true);
    expect(Date.now() - started).toBeLessThan(4000);
    expect(await readdir(dir)).toEqual([]);
    await rm(dir, { recursive: true, force: true });
  });
});
