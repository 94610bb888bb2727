/**
 * The post-publish hook end to end: `hook install` writes the Ruby script, Ruby runs it the way
 * BBB does (`ruby bbb-capture.rb -m <record id>`) against a recording laid out as on a server,
 * the spool file it leaves is picked up by `watch --once`, and the export is a real video of the
 * recording. Unknown and malformed ids, and a queue that hangs, never fail the hook; uninstall
 * removes only the file install wrote.
 */
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { HOOK_FILE, HOOK_MARKER } from '../../src/hook/hook-script.js';
import { openCaptureQueue } from '../../src/worker/capture-queue.js';
import { openRedis } from '../../src/worker/open-redis.js';
import { startTestRedis } from '../support/redis-server.js';
import { runCli } from './support/cli.js';
import { expect, test } from './support/samples-fixture.js';
import { expectRealVideo } from './support/watch-helpers.js';

const SECONDS = 4;
let work: string;

test.beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'bbb-capture-hook-'));
});
test.afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

/** Fresh hook, spool and log locations for one test. */
async function places(name: string): Promise<{ hooks: string; spool: string; log: string; out: string }> {
  const root = path.join(work, name);
  await rm(root, { recursive: true, force: true });
  const hooks = path.join(root, 'post_publish');
  await mkdir(hooks, { recursive: true });
  return { hooks, spool: path.join(root, 'spool'), log: path.join(root, 'bbb-capture-hook.log'), out: path.join(root, 'out') };
}

/** Runs the hook as BBB does; BBB waits for it, so it is timed too. */
async function runHook(hooks: string, args: string[]): Promise<{ exitCode: number; stderr: string; ms: number }> {
  const start = Date.now();
  const r = await execa('ruby', [path.join(hooks, HOOK_FILE), ...args], { reject: false, timeout: 60_000 });
  return { exitCode: r.exitCode ?? -1, stderr: String(r.stderr), ms: Date.now() - start };
}

test('a published recording: the hook spools it, watch --once exports it', async ({ sample, recordingsDir }) => {
  const rec = await sample('full', SECONDS);
  const { hooks, spool, log, out } = await places('spool');
  const install = await runCli(['hook', 'install', '--dir', hooks, '--spool', spool, '--published', recordingsDir, '--log', log]);
  expect(install.exitCode, install.stderr).toBe(0);

  const hook = await runHook(hooks, ['-m', rec.recordId]);
  expect(hook.exitCode, hook.stderr).toBe(0);
  const spooled = JSON.parse(await readFile(path.join(spool, `${rec.recordId}.json`), 'utf8')) as Record<string, unknown>;
  expect(spooled).toMatchObject({ recordId: rec.recordId, dir: rec.dir });
  expect(Number.isNaN(Date.parse(spooled.publishedAt as string))).toBe(false);
  // Written whole: no temporary file is left beside it.
  expect(await readdir(spool)).toEqual([`${rec.recordId}.json`]);
  expect(await readFile(log, 'utf8')).toContain(`spooled ${rec.recordId}`);

  // Only the spool leads watch to it: its published directory is empty.
  const empty = path.join(work, 'spool', 'empty');
  await mkdir(empty, { recursive: true });
  const watch = await runCli(
    ['watch', '--once', '--published', empty, '--spool', spool, '--out-dir', out, '--engine', 'render', '--resolution', '1280x720', '--stable', '0.5', '--json'],
    { timeoutMs: 200_000 },
  );
  expect(watch.exitCode, watch.stderr).toBe(0);
  const done = watch.events.filter((e) => e.event === 'done');
  expect(done.map((e) => e.recordId)).toEqual([rec.recordId]);
  await expectRealVideo(path.join(out, done[0]!.output as string), SECONDS);
  // Taken over by the journal: the spool file is gone, and a second run exports nothing.
  expect(await readdir(spool)).toEqual([]);
  const again = await runCli(['watch', '--once', '--published', empty, '--spool', spool, '--out-dir', out, '--engine', 'render', '--stable', '0.5', '--json']);
  expect(again.exitCode, again.stderr).toBe(0);
  expect(again.events.filter((e) => e.event === 'started')).toEqual([]);
});

test('an unknown or malformed meeting id is logged and skipped, exit 0, no spool file', async ({ recordingsDir }) => {
  const { hooks, spool, log } = await places('unknown');
  expect((await runCli(['hook', 'install', '--dir', hooks, '--spool', spool, '--published', recordingsDir, '--log', log])).exitCode).toBe(0);
  const unknown = `${'0'.repeat(40)}-1735766832000`;
  for (const args of [['-m', unknown], ['-m', '../../etc/passwd'], ['-m', 'ABC'], []]) {
    const hook = await runHook(hooks, args);
    expect(hook.exitCode, `${args.join(' ')}: ${hook.stderr}`).toBe(0);
  }
  const text = await readFile(log, 'utf8');
  expect(text).toContain(`skipped ${unknown}: no `);
  expect(text).toContain('skipped: "../../etc/passwd" is not a BBB record id');
  expect(text).toContain('skipped: "ABC" is not a BBB record id');
  expect(text).toContain('skipped: nil is not a BBB record id');
  await expect(readdir(spool)).rejects.toThrow(/ENOENT/);
});

test('a queue that hangs: the hook kills the enqueue after --timeout, spools the recording, exits 0', async ({ sample, recordingsDir }) => {
  const rec = await sample('full', SECONDS);
  const { hooks, spool, log } = await places('hang');
  // Stands in for bbb-capture enqueue against a Redis that never answers; its child hangs too.
  const hang = path.join(work, 'hang', 'hang.sh');
  // A sleep of its own length, so other runs' processes are not mistaken for this one's.
  const sleep = `sleep ${300 + (process.pid % 97)}`;
  await writeFile(hang, `#!/bin/sh\necho "enqueue $*"\n${sleep} &\n${sleep}\n`);
  await chmod(hang, 0o755);
  const install = await runCli([
    'hook',
    'install',
    '--dir',
    hooks,
    '--spool',
    spool,
    '--published',
    recordingsDir,
    '--log',
    log,
    '--redis',
    'redis://127.0.0.1:1',
    '--playback-base',
    'https://bbb.example.org/playback/presentation/2.3/',
    '--bin',
    hang,
    '--timeout',
    '1',
  ]);
  expect(install.exitCode, install.stderr).toBe(0);
  const hook = await runHook(hooks, ['-m', rec.recordId]);
  expect(hook.exitCode, hook.stderr).toBe(0);
  expect(hook.ms).toBeLessThan(8000);
  const text = await readFile(log, 'utf8');
  expect(text).toContain(`enqueue --redis redis://127.0.0.1:1 --queue bbb-capture https://bbb.example.org/playback/presentation/2.3/${rec.recordId}`);
  expect(text).toContain(`enqueue of ${rec.recordId} took more than 1 s: killed`);
  expect(text).toContain(`spooled ${rec.recordId}`);
  expect(await readdir(spool)).toEqual([`${rec.recordId}.json`]);
  // The whole process group went, the background sleep too.
  const { stdout } = await execa('ps', ['-eo', 'args='], { reject: false });
  expect(
    String(stdout)
      .split('\n')
      .filter((l) => l.includes(hang) || l === sleep),
  ).toEqual([]);
});

test('with --redis the hook queues the recording by its playback URL and spools nothing', async ({ sample, recordingsDir, bbbServer }) => {
  const rec = await sample('full', SECONDS);
  const { hooks, spool, log } = await places('redis');
  const redis = await startTestRedis();
  const connection = await openRedis(redis.url, { name: 'e2e' });
  const queue = openCaptureQueue(connection, 'hook-e2e');
  try {
    const install = await runCli([
      'hook',
      'install',
      '--dir',
      hooks,
      '--spool',
      spool,
      '--published',
      recordingsDir,
      '--log',
      log,
      '--redis',
      redis.url,
      '--queue',
      'hook-e2e',
      '--playback-base',
      bbbServer.playbackUrl(''),
      '--timeout',
      '60',
    ]);
    expect(install.exitCode, install.stderr).toBe(0);
    const hook = await runHook(hooks, ['-m', rec.recordId]);
    expect(hook.exitCode, hook.stderr).toBe(0);
    expect(await readFile(log, 'utf8')).toContain(`queued ${rec.recordId} (${bbbServer.playbackUrl(rec.recordId)})`);
    const jobs = await queue.getJobs(['wait']);
    expect(jobs.map((j) => j.data.url)).toEqual([bbbServer.playbackUrl(rec.recordId)]);
    await expect(readdir(spool)).rejects.toThrow(/ENOENT/);
  } finally {
    await queue.close();
    await connection.quit();
    await redis.stop();
  }
});

test('install refuses to replace a hook it did not write; uninstall removes only its own', async () => {
  const { hooks, spool } = await places('uninstall');
  const file = path.join(hooks, HOOK_FILE);
  await writeFile(file, "# somebody else's script\n");
  const refused = await runCli(['hook', 'install', '--dir', hooks, '--spool', spool]);
  expect(refused.exitCode).toBe(52);
  expect(await readFile(file, 'utf8')).toBe("# somebody else's script\n");
  const kept = await runCli(['hook', 'uninstall', '--dir', hooks]);
  expect(kept.exitCode).toBe(2);
  expect(await readFile(file, 'utf8')).toBe("# somebody else's script\n");

  await rm(file);
  expect((await runCli(['hook', 'install', '--dir', hooks, '--spool', spool])).exitCode).toBe(0);
  const script = await readFile(file, 'utf8');
  expect(script).toContain(HOOK_MARKER);
  // Ruby accepts it as a program.
  expect((await execa('ruby', ['-c', file], { reject: false })).exitCode).toBe(0);
  // Installing again replaces its own file.
  expect((await runCli(['hook', 'install', '--dir', hooks, '--spool', spool])).exitCode).toBe(0);
  const removed = await runCli(['hook', 'uninstall', '--dir', hooks]);
  expect(removed.exitCode, removed.stderr).toBe(0);
  expect(await readdir(hooks)).toEqual([]);
});
