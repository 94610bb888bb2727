/**
 * `batch --bbb-url` end to end: `serve --bbb-secret` answers getRecordings for two synthetic
 * recordings on loopback; the built CLI lists them through the API (checksum, paging) and exports
 * both with the render engine. A wrong secret fails with its own exit code and one clear line;
 * a selection that matches nothing exits 0 and says so; a recording deleted after the listing fails
 * on its own.
 */
import { cp, mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ResultPromise } from 'execa';
import { JOURNAL_FILE } from '../../src/batch/batch-journal.js';
import type { BatchResult } from '../../src/batch/run-batch.js';
import { findFfmpeg } from '../../src/process/find-ffmpeg.js';
import { measureFidelity } from '../../src/verify/measure-fidelity.js';
import { finished, runCli, startCli } from './support/cli.js';
import { expect, test } from './support/samples-fixture.js';

const tools = findFfmpeg(process.env.BBB_CAPTURE_FFMPEG);
const SECRET = 'e2e-api-secret-7f3a9c';
let work: string;

test.beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'bbb-capture-api-e2e-'));
});
test.afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

/** Starts `serve` with the API on; resolves with its base URL once it prints it. */
async function serveWithApi(recordingsDir: string, playerDir: string, extra: string[] = []): Promise<{ child: ResultPromise; url: string }> {
  const child = startCli(['serve', '--recordings', recordingsDir, '--player', playerDir, '--port', '0', ...extra], { timeoutMs: 600_000, env: { BBB_CAPTURE_BBB_SECRET: SECRET } });
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

test('batch --bbb-url exports what serve --bbb-secret lists; a wrong secret and an empty selection are told apart', async ({ sample, player }) => {
  test.setTimeout(400_000);
  const recs = [await sample('full', 4), await sample('twocams', 4)];
  // A directory of its own holding just these two: the worker's shared recordings directory has
  // whatever other specs generated before.
  const served = path.join(work, 'recordings');
  await mkdir(served, { recursive: true });
  for (const rec of recs) await cp(rec.dir, path.join(served, path.basename(rec.dir)), { recursive: true });
  const { child, url } = await serveWithApi(served, player.dir);
  try {
    const api = `${url}/bigbluebutton/`;
    const outDir = path.join(work, 'out');
    const report = path.join(work, 'report.json');
    // The secret from the environment, as the README advises.
    const run = await runCli(
      [
        'batch',
        '--bbb-url',
        api,
        '--out-dir',
        outDir,
        '--engine',
        'render',
        '--resolution',
        '1280x720',
        '--concurrency',
        '1',
        '--name-template',
        '{recordId}',
        '--report',
        report,
        '--json',
      ],
      {
        env: { BBB_CAPTURE_BBB_SECRET: SECRET },
        timeoutMs: 360_000,
      },
    );
    expect(run.exitCode, run.stderr).toBe(0);
    const result = JSON.parse(await readFile(report, 'utf8')) as BatchResult & { list: string };
    expect(result.list).toBe(`${api}api/getRecordings`);
    expect(result.items.map((i) => i.status)).toEqual(['done', 'done']);
    expect(result.items.map((i) => i.url).sort()).toEqual(recs.map((r) => r.url.replace(/^http:\/\/[^/]+/, url)).sort());
    expect((await readdir(outDir)).sort()).toEqual([JOURNAL_FILE, ...recs.map((r) => `${r.recordId}.mp4`)].sort());
    for (const rec of recs) {
      const fidelity = await measureFidelity({ video: path.join(outDir, `${rec.recordId}.mp4`), recordingDir: rec.dir, tools });
      expect(fidelity.audio.burstsMatched, rec.recordId).toBe(fidelity.audio.burstsExpected);
      expect(fidelity.leadingMs, rec.recordId).toBe(0);
      expect(Math.abs(fidelity.durationErrorMs), rec.recordId).toBeLessThanOrEqual(10);
    }
    for (const file of [report, path.join(outDir, JOURNAL_FILE)]) expect(await readFile(file, 'utf8'), file).not.toContain(SECRET);
    expect(run.stdout).not.toContain(SECRET);

    // A wrong secret: exit 22, one line naming the refusal, the secret nowhere.
    const wrong = await runCli(['batch', '--bbb-url', api, '--bbb-secret', 'not-the-secret', '--out-dir', path.join(work, 'wrong')]);
    expect(wrong.exitCode, wrong.stderr).toBe(22);
    const lines = wrong.stderr.trim().split('\n');
    expect(lines, wrong.stderr).toHaveLength(1);
    expect(lines[0]).toMatch(/^bbb-capture: error BBB_API_REFUSED: .*checksumError/);
    expect(wrong.stderr).not.toContain('not-the-secret');

    // Nothing matches: exit 0, and it says so.
    const none = await runCli(['batch', '--bbb-url', api, '--meeting-id', 'no-such-meeting', '--out-dir', path.join(work, 'none')], { env: { BBB_CAPTURE_BBB_SECRET: SECRET } });
    expect(none.exitCode, none.stderr).toBe(0);
    expect(none.stderr).toMatch(/no recordings on .* matched \(state published, meeting no-such-meeting\): nothing to do/);
  } finally {
    child.kill('SIGTERM');
    await child;
  }
});

test('a recording deleted between the listing and its export fails on its own (RECORDING_NOT_FOUND, not retried); the others are exported', async ({ sample, player }) => {
  test.setTimeout(400_000);
  const recs = [await sample('full', 4), await sample('twocams', 4)];
  const served = path.join(work, 'deleted');
  await mkdir(served, { recursive: true });
  for (const rec of recs) await cp(rec.dir, path.join(served, path.basename(rec.dir)), { recursive: true });
  const { child, url } = await serveWithApi(served, player.dir);
  try {
    const outDir = path.join(work, 'deleted-out');
    const report = path.join(work, 'deleted-report.json');
    const args = ['batch', '--bbb-url', `${url}/bigbluebutton/`, '--out-dir', outDir, '--engine', 'render', '--resolution', '1280x720'];
    const batch = startCli([...args, '--concurrency', '1', '--name-template', '{recordId}', '--report', report, '--json'], {
      env: { BBB_CAPTURE_BBB_SECRET: SECRET },
      timeoutMs: 360_000,
    });
    // One at a time: when the first item starts, the listing is done and the second not yet begun.
    let seen = '';
    let deleted: string | undefined;
    batch.stdout?.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      const start = /"type":"item-start","index":0,"url":"([^"]+)"/.exec(seen);
      if (start && deleted === undefined) {
        const first = recs.find((r) => start[1]!.endsWith(r.recordId))!;
        deleted = recs.find((r) => r !== first)!.recordId;
        void rm(path.join(served, deleted), { recursive: true, force: true });
      }
    });
    const run = await finished(batch);
    expect(deleted, run.stdout).toBeDefined();
    expect(run.exitCode, run.stderr).toBe(3);
    const failed = run.events.filter((e) => e.type === 'item-failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ code: 'RECORDING_NOT_FOUND', attempts: 1 });
    expect(String(failed[0]!.url)).toContain(deleted!);
    expect(run.events.filter((e) => e.type === 'item-retry')).toEqual([]);
    const result = JSON.parse(await readFile(report, 'utf8')) as BatchResult;
    expect(result.items.map((i) => i.status).sort()).toEqual(['done', 'failed']);
    // The one left is exported; nothing is written for the deleted one.
    const kept = recs.find((r) => r.recordId !== deleted)!;
    expect((await readdir(outDir)).sort()).toEqual([JOURNAL_FILE, `${kept.recordId}.mp4`].sort());
  } finally {
    child.kill('SIGTERM');
    await child;
  }
});
