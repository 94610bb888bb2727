/**
 * Recordings behind authentication end to end: `serve` refuses the player and the recording's
 * files without a cookie, a header and basic auth. Without them (or with one missing) the export
 * fails with AUTH_REQUIRED; with them (options and environment) the built CLI exports the
 * recording with the render engine, and none of the secrets appears in its JSON events, the
 * batch journal or the report.
 */
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ResultPromise } from 'execa';
import { JOURNAL_FILE } from '../../src/batch/batch-journal.js';
import { findFfmpeg } from '../../src/process/find-ffmpeg.js';
import { measureFidelity } from '../../src/verify/measure-fidelity.js';
import { runCli, startCli } from './support/cli.js';
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

async function serveBehindLogin(recordingsDir: string, playerDir: string): Promise<{ child: ResultPromise; url: string }> {
  const child = startCli(
    ['serve', '--recordings', recordingsDir, '--player', playerDir, '--port', '0', '--require-cookie', COOKIE, '--require-header', HEADER, '--require-basic-auth', BASIC],
    { timeoutMs: 600_000 },
  );
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
