/**
 * A page or a server that stops answering must fail the job with its own code within a deadline,
 * never hang it (in a farm, a hung job's lock would renew forever), and leave no Chromium or
 * ffmpeg behind.
 */
import { appendFile, cp, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startFaultProxy } from '../../src/bench/start-fault-proxy.js';
import { ERROR_CODES, type ErrorCode } from '../../src/errors.js';
import { defaultPlayerDir } from '../../src/server/default-player-dir.js';
import { startServer } from '../../src/server/start-server.js';
import { finished, processesMentioning, startCli, type CliRun } from './support/cli.js';
import { expect, test } from './support/samples-fixture.js';

let outDir: string;

test.beforeEach(async () => {
  outDir = await mkdtemp(path.join(tmpdir(), 'bbb-capture-deadlines-'));
});
test.afterEach(async () => {
  await rm(outDir, { recursive: true, force: true });
});

async function expectFailure(run: CliRun, code: ErrorCode, message: RegExp, pid: number | undefined): Promise<void> {
  expect(run.exitCode, run.stderr).toBe(ERROR_CODES[code].exit);
  const errorLines = run.stderr.split('\n').filter((l) => l.startsWith('bbb-capture: error'));
  expect(errorLines).toHaveLength(1);
  expect(errorLines[0]).toContain(code);
  expect(errorLines[0]).toMatch(message);
  expect((await readdir(outDir)).filter((f) => f.endsWith('.mp4') || f.startsWith('.'))).toEqual([]);
  // Chromium's processes carry --bbb-capture-owner=<pid>; ffmpeg's arguments name the output folder.
  await expect.poll(async () => [...(await processesMentioning(`bbb-capture-owner=${pid}`)), ...(await processesMentioning(outDir))], { timeout: 10_000 }).toEqual([]);
}

test('a slide that trickles in forever: PLAYER_TIMEOUT at --ready-timeout, not a hang', async ({ sample, bbbServer }) => {
  const rec = await sample('full', 6);
  // Every byte of slide 2 but the last, one a second: the player shows slide 1; the preload waits on slide 2.
  const proxy = await startFaultProxy(bbbServer.url, { trickle: /\/slide-2\.png$/ });
  try {
    const started = Date.now();
    const child = startCli(['record', `${proxy.url}/playback/presentation/2.3/${rec.recordId}`, '-o', path.join(outDir, 'out.mp4'), '--ready-timeout', '15'], {
      timeoutMs: 100_000,
    });
    const run = await finished(child);
    await expectFailure(run, 'PLAYER_TIMEOUT', /slide-2\.png/, child.pid);
    expect(Date.now() - started).toBeLessThan(60_000);
  } finally {
    await proxy.kill();
  }
});

for (const engine of ['render', 'capture'] as const) {
  test(`a player page that freezes mid-job (${engine}): PAGE_HUNG within the step deadline, nothing left running`, async ({ sample, recordingsDir }) => {
    const rec = await sample('full', 10);
    // The stand-in player, patched to spin forever at its sixth time event: a few instants into a
    // render, a fraction of a second into a capture's playback (whatever the machine's speed).
    const playerDir = path.join(outDir, 'frozen-player');
    await cp(defaultPlayerDir(), playerDir, { recursive: true });
    await appendFile(
      path.join(playerDir, 'player.js'),
      "\nlet timeEvents = 0;\ndocument.addEventListener('bbbplaybacktimeupdate', () => { if (++timeEvents === 6) setTimeout(() => { for (;;); }, 0); });\n",
    );
    const server = await startServer({ recordingsDir, playerDir });
    try {
      const started = Date.now();
      const child = startCli(['record', server.playbackUrl(rec.recordId), '-o', path.join(outDir, 'out.mp4'), '--engine', engine], { timeoutMs: 150_000 });
      const run = await finished(child);
      await expectFailure(run, 'PAGE_HUNG', /stopped answering/, child.pid);
      // Loading (a few s), one step deadline (30 s), the cleanup.
      expect(Date.now() - started).toBeLessThan(90_000);
    } finally {
      await server.close();
    }
  });
}
