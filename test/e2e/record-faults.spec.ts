/**
 * Every bad input and fault `record` must survive: one clear line naming the problem, a distinct
 * exit code, no partial file under the final name, no Chromium or ffmpeg left running.
 */
import { chmod, cp, mkdir, mkdtemp, readdir, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { ERROR_CODES, type ErrorCode } from '../../src/errors.js';
import { startServer } from '../../src/server/start-server.js';
import { finished, processesMentioning, runCli, startCli, waitForOutput, type CliRun } from './support/cli.js';
import { expect, test, type ServedSample } from './support/samples-fixture.js';
import { startThrottledProxy } from './support/throttled-proxy.js';

const UNKNOWN_ID = `${'0'.repeat(40)}-1700000000000`;
let outDir: string;

test.beforeEach(async () => {
  outDir = await mkdtemp(path.join(tmpdir(), 'bbb-capture-faults-'));
});
test.afterEach(async () => {
  await execa('umount', [outDir], { reject: false });
  await rm(outDir, { recursive: true, force: true });
});

/** The run failed with `code`: its exit code, one error line naming it, nothing left behind. */
async function expectFailure(run: CliRun, code: ErrorCode, message: RegExp, pid?: number): Promise<void> {
  expect(run.exitCode, run.stderr).toBe(ERROR_CODES[code].exit);
  const errorLines = run.stderr.split('\n').filter((l) => l.startsWith('bbb-capture: error'));
  expect(errorLines).toHaveLength(1);
  expect(errorLines[0]).toContain(code);
  expect(errorLines[0]).toMatch(message);
  const left = await readdir(outDir).catch(() => []);
  expect(left.filter((f) => f.endsWith('.mp4') || f.startsWith('.'))).toEqual([]);
  if (pid !== undefined) await expectNoOrphans(pid);
}

async function expectNoOrphans(pid: number): Promise<void> {
  // Chromium's processes carry --bbb-capture-owner=<pid>; ffmpeg's arguments name the output folder.
  await expect.poll(async () => [...(await processesMentioning(`bbb-capture-owner=${pid}`)), ...(await processesMentioning(outDir))], { timeout: 10_000 }).toEqual([]);
}

let copies = 0;
/**
 * A private copy of a sample under a new record id, to break on purpose: the samples themselves
 * are shared with the other specs of this worker.
 */
async function brokenCopy(rec: ServedSample): Promise<ServedSample> {
  const recordId = `${'c'.repeat(40)}-${String(1700000000000 + ++copies)}`;
  const dir = path.join(path.dirname(rec.dir), recordId);
  await rm(dir, { recursive: true, force: true });
  await cp(rec.dir, dir, { recursive: true });
  const metadata = path.join(dir, 'metadata.xml');
  await writeFile(metadata, (await readFile(metadata, 'utf8')).replaceAll(rec.recordId, recordId));
  return { ...rec, recordId, dir, url: rec.url.replace(rec.recordId, recordId) };
}

function out(name = 'out.mp4'): string {
  return path.join(outDir, name);
}

test('malformed URL', async () => {
  await expectFailure(await runCli(['record', 'https://example.org/not-bbb', '-o', out()]), 'BAD_URL', /not a BBB playback URL/);
});

test('unreachable host', async () => {
  await expectFailure(await runCli(['record', `http://127.0.0.1:9/playback/presentation/2.3/${UNKNOWN_ID}`, '-o', out()]), 'HOST_UNREACHABLE', /cannot reach 127\.0\.0\.1:9/);
});

test('404 recording', async ({ bbbServer }) => {
  await expectFailure(await runCli(['record', bbbServer.playbackUrl(UNKNOWN_ID), '-o', out()]), 'RECORDING_NOT_FOUND', /not found/);
});

test('not a BBB recording (metadata.xml is garbage)', async ({ sample }) => {
  const rec = await brokenCopy(await sample('audioonly', 4));
  await writeFile(path.join(rec.dir, 'metadata.xml'), '<html><body>Welcome</body></html>');
  await expectFailure(await runCli(['record', rec.url, '-o', out()]), 'NOT_A_BBB_RECORDING', /not a BBB recording's metadata/);
});

test('missing webcams media', async ({ sample }) => {
  const rec = await brokenCopy(await sample('full', 5));
  await rm(path.join(rec.dir, 'video'), { recursive: true });
  await expectFailure(await runCli(['record', rec.url, '-o', out()]), 'MEDIA_MISSING', /has no media/);
});

/** A copy of a 5 s recording whose webcams video was cut in half (its header still says 5 s). */
async function truncatedCopy(sample: (variant: 'full', seconds: number) => Promise<ServedSample>): Promise<ServedSample> {
  const rec = await brokenCopy(await sample('full', 5));
  const media = path.join(rec.dir, 'video', 'webcams.webm');
  await truncate(media, Math.floor((await stat(media)).size / 2));
  return rec;
}

test('truncated webcams media', async ({ sample }) => {
  const rec = await truncatedCopy(sample);
  // Left alone, the export held the last frame to the end and passed its checks at full length.
  const child = startCli(['record', rec.url, '-o', out()]);
  await expectFailure(await finished(child), 'MEDIA_TRUNCATED', /webcams\.webm: its media ends at [0-9.]+ s but the recording runs to 5\.0 s .*cut short/, child.pid);
});

test('truncated webcams media, exported anyway with --allow-truncated-media', async ({ sample }) => {
  const rec = await truncatedCopy(sample);
  const run = await runCli(['record', rec.url, '-o', out(), '--json', '--allow-truncated-media']);
  expect(run.exitCode, run.stderr).toBe(0);
  const events = run.stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { type: string; message?: string });
  const warnings = events.filter((e) => e.type === 'warning' && e.message?.startsWith('--allow-truncated-media'));
  expect(warnings, run.stdout).toHaveLength(1);
  expect(warnings[0]!.message).toMatch(/ends at [0-9.]+ s but the recording runs to 5\.0 s/);
  // The whole length, as asked: the last picture held after the media ends.
  const probe = await execa('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', out()]);
  expect(Number(probe.stdout)).toBeGreaterThan(4.8);
});

test('a page that is not a BBB player', async ({ sample, recordingsDir }) => {
  const rec = await sample('full', 4);
  const notPlayer = path.join(outDir, 'site');
  await mkdir(notPlayer);
  await writeFile(path.join(notPlayer, 'index.html'), '<!doctype html><title>Hello</title><p>Just a web page</p>');
  const server = await startServer({ recordingsDir, playerDir: notPlayer });
  try {
    const child = startCli(['record', server.playbackUrl(rec.recordId), '-o', out(), '--ready-timeout', '8']);
    await expectFailure(await finished(child), 'NOT_A_BBB_PLAYER', /not a BBB playback player/, child.pid);
  } finally {
    await server.close();
  }
});

test("the player's own error screen", async ({ sample }) => {
  const rec = await brokenCopy(await sample('full', 4));
  // A 200 whose body is not JSON: the player shows its error screen (404).
  await writeFile(path.join(rec.dir, 'polls.json'), '<!doctype html><p>fallback page</p>');
  const child = startCli(['record', rec.url, '-o', out()]);
  await expectFailure(await finished(child), 'PLAYER_ERROR_SCREEN', /error screen \(code 404\)/, child.pid);
});

test('Chromium missing', async ({ sample }) => {
  const rec = await sample('full', 6);
  await expectFailure(await runCli(['record', rec.url, '-o', out(), '--chromium', '/nonexistent/chromium']), 'CHROMIUM_MISSING', /\/nonexistent\/chromium/);
});

test('ffmpeg missing', async ({ sample }) => {
  const rec = await sample('full', 6);
  await expectFailure(await runCli(['record', rec.url, '-o', out(), '--ffmpeg', '/nonexistent/ffmpeg']), 'FFMPEG_MISSING', /\/nonexistent\/ffmpeg/);
});

test('ffmpeg failing while muxing', async ({ sample }) => {
  const rec = await sample('full', 6);
  // An ffmpeg that works for everything but the final mux.
  const fake = path.join(outDir, 'bin', 'ffmpeg');
  await mkdir(path.dirname(fake));
  await writeFile(fake, '#!/bin/sh\ncase "$*" in *-movflags*) echo "Conversion failed: simulated encoder crash" >&2; exit 1;; esac\nexec /usr/bin/ffmpeg "$@"\n');
  await chmod(fake, 0o755);
  const child = startCli(['record', rec.url, '-o', out(), '--ffmpeg', fake]);
  await expectFailure(await finished(child), 'FFMPEG_FAILED', /simulated encoder crash/, child.pid);
});

test('output directory not writable', async ({ sample }) => {
  const rec = await sample('full', 6);
  await expectFailure(await runCli(['record', rec.url, '-o', '/dev/null/sub/out.mp4']), 'OUTPUT_NOT_WRITABLE', /cannot write to \/dev\/null\/sub/);
});

test('disk full', async ({ sample }) => {
  const rec = await sample('full', 6);
  // A 200 KiB filesystem as the output directory (needs root, as the README's setup runs).
  const mount = await execa('mount', ['-t', 'tmpfs', '-o', 'size=200k', 'tmpfs', outDir], { reject: false });
  expect(mount.exitCode, `cannot mount a small tmpfs for this test: ${mount.stderr}`).toBe(0);
  const child = startCli(['record', rec.url, '-o', out()]);
  await expectFailure(await finished(child), 'DISK_FULL', /disk is full/, child.pid);
});

test('the server dies mid-capture', async ({ sample, bbbServer }) => {
  const rec = await sample('full', 30);
  // The player streams the media slowly (bbb-capture's own download of it is not slowed).
  const proxy = await startThrottledProxy(bbbServer.url, /\/video\/webcams\.webm$/, 40_000, { playerOnly: true });
  // The capture engine plays from the server in real time; the render engine works from the
  // media it downloaded first, so a server dying after that is not its problem.
  const child = startCli(['record', `${proxy.url}/playback/presentation/2.3/${rec.recordId}`, '-o', out(), '--json', '--stall-timeout', '4', '--engine', 'capture']);
  // Kill the server two seconds into the capture.
  await waitForOutput(child, '"stage":"capture"');
  await new Promise((r) => setTimeout(r, 2000));
  await proxy.kill();
  await expectFailure(await finished(child), 'SERVER_LOST', /server stopped answering/, child.pid);
});

test('Ctrl-C stops and cleans up; a second one kills', async ({ sample }) => {
  const rec = await sample('full', 30);
  for (const signals of [1, 2]) {
    const child = startCli(['record', rec.url, '-o', out(), '--json']);
    await waitForOutput(child, '"stage":"capture"');
    await new Promise((r) => setTimeout(r, 1000));
    const started = Date.now();
    for (let i = 0; i < signals; i++) child.kill('SIGINT');
    const run = await finished(child);
    expect(run.exitCode).toBe(130);
    expect(Date.now() - started).toBeLessThan(signals === 1 ? 10_000 : 3_000);
    if (signals === 1) await expectFailure(run, 'ABORTED', /stopped by SIGINT/, child.pid);
    else await expectNoOrphans(child.pid!);
    expect((await readdir(outDir)).filter((f) => f.endsWith('.mp4'))).toEqual([]);
  }
});
