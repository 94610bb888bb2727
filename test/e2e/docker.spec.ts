/**
 * The Docker image, for real: builds docker/Dockerfile with the machine's container engine
 * (podman, or docker) and records the bundled sample inside it, as the unprivileged user with
 * Chromium's sandbox on and no network, then decodes the output with the fidelity meter.
 */
import { chmod, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { test, expect } from '@playwright/test';
import { findFfmpeg } from '../../src/process/find-ffmpeg.js';
import { measureFidelity } from '../../src/verify/measure-fidelity.js';
import { missedTargets } from './support/capture-targets.js';
import { ROOT } from './support/cli.js';

const IMAGE = 'localhost/bbb-capture-test';

async function engine(): Promise<string> {
  for (const candidate of ['podman', 'docker']) {
    if ((await execa('which', [candidate], { reject: false })).exitCode === 0) return candidate;
  }
  throw new Error('no container engine: install podman (scripts/setup.sh does) or docker');
}

test.describe.configure({ timeout: 30 * 60_000 });

test('the image builds and records the bundled sample as a non-root user, sandbox on', async () => {
  const cli = await engine();
  const build = await execa(cli, ['build', ...(cli === 'podman' ? ['--pull=never'] : []), '-f', 'docker/Dockerfile', '-t', IMAGE, '.'], { cwd: ROOT, reject: false, all: true });
  expect(build.exitCode, `image build failed:\n${String(build.all).slice(-3000)}`).toBe(0);

  const user = await execa(cli, ['run', '--rm', '--entrypoint', 'id', IMAGE, '-u'], { reject: false });
  expect(user.stdout.trim()).not.toBe('0');

  const sample = (await readdir(path.join(ROOT, 'examples', 'sample-recording')))[0]!;
  const out = await mkdtemp(path.join(tmpdir(), 'bbb-capture-docker-'));
  await chmod(out, 0o777);
  try {
    const run = await execa(
      cli,
      ['run', '--rm', '--network=none', '-v', `${out}:/out`, IMAGE, 'record', `/opt/bbb-capture/examples/sample-recording/${sample}`, '-o', '/out/sample.mp4', '--json', '--verbose'],
      { reject: false, timeout: 10 * 60_000 },
    );
    expect(run.exitCode, run.stderr.slice(-3000)).toBe(0);
    // Playwright logs Chromium's command line: no --no-sandbox for a non-root user.
    expect(run.stderr).toContain('--auto-accept-this-tab-capture');
    expect(run.stderr).not.toContain('--no-sandbox');

    const report = await measureFidelity({
      video: path.join(out, 'sample.mp4'),
      recordingDir: path.join(ROOT, 'examples', 'sample-recording', sample),
      tools: findFfmpeg(process.env.BBB_CAPTURE_FFMPEG),
    });
    expect(missedTargets(report)).toEqual([]);
  } finally {
    await rm(out, { recursive: true, force: true });
  }
});
