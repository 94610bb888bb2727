import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordEvent } from '../../../src/progress/record-event.js';
import { restreamRtmp } from '../../../src/publish/restream-rtmp.js';
import { runProcess } from '../../../src/process/run-process.js';
import { tools } from '../verify/make-fixture.js';

let work: string;
let file: string;
beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'bbb-capture-restream-'));
  file = path.join(work, 'talk.mp4');
  await runProcess(
    tools.ffmpeg,
    [
      '-hide_banner',
      '-loglevel',
      'error',
      '-y',
      '-f',
      'lavfi',
      '-i',
      'testsrc=size=160x120:rate=10',
      '-f',
      'lavfi',
      '-i',
      'sine=sample_rate=48000',
      '-t',
      '1',
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-pix_fmt',
      'yuv420p',
      '-c:a',
      'aac',
      file,
    ],
    { label: 'ffmpeg', failureCode: 'FFMPEG_FAILED', missingCode: 'FFMPEG_MISSING' },
  );
}, 30_000);
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('restreamRtmp', () => {
  it('retries a refusing server with growing pauses, then fails with RTMP_FAILED, the stream key left out', async () => {
    const events: RecordEvent[] = [];
    const url = `rtmp://127.0.0.1:${await closedPort()}/live/secret-key`;
    const started = Date.now();
    const error = await restreamRtmp({ file, url, duration: 1, tools, signal: undefined, onEvent: (e) => events.push(e), retries: 2, retryDelayMs: 50 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'RTMP_FAILED', exitCode: 54, transient: true, message: expect.stringMatching(/failed 3 times in a row, furthest at 0\.0 s/) });
    expect((error as Error).message).not.toMatch(/secret-key/);
    const warnings = events.filter((e) => e.type === 'warning').map((e) => (e as { message: string }).message);
    expect(warnings).toHaveLength(2);
    expect(warnings.join('\n')).not.toMatch(/secret-key/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(50 + 100);
  }, 30_000);

  it('stops at once when aborted between attempts', async () => {
    const controller = new AbortController();
    const url = `rtmp://127.0.0.1:${await closedPort()}/live/key`;
    const run = restreamRtmp({
      file,
      url,
      duration: 1,
      tools,
      signal: controller.signal,
      onEvent: (e) => e.type === 'warning' && controller.abort(),
      retries: 5,
      retryDelayMs: 10_000,
    });
    await expect(run).rejects.toMatchObject({ code: 'ABORTED' });
  }, 30_000);
});
