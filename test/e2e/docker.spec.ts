/**
 * The Docker image, for real: builds docker/Dockerfile with the machine's container engine
 * (podman, or docker) and records the bundled sample inside it, locked down as
 * docker/compose.yaml runs it (no capabilities but CAP_SYS_CHROOT, no-new-privileges, read-only
 * root with a tmpfs /tmp), as the unprivileged user with Chromium's sandbox on and no network,
 * then decodes the output with the fidelity meter.
 */
import { chmod, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
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

/** docker/compose.yaml's `x-locked-down`, as command-line flags. */
const LOCKED_DOWN = ['--cap-drop=ALL', '--cap-add=SYS_CHROOT', '--security-opt=no-new-privileges', '--read-only', '--tmpfs=/tmp:size=1g,mode=1777', '--shm-size=1g'];

/**
 * The Dockerfile pins its base image by digest (ARG NODE_IMAGE). Offline podman builds with
 * --pull=never, so where that exact image is not on the machine (a mirror's or a locally built
 * node:20-bookworm-slim has a digest of its own) the build is pinned to the local image's digest
 * instead — the override the Dockerfile documents.
 */
async function baseImageArgs(cli: string): Promise<string[]> {
  if (cli !== 'podman') return [];
  const dockerfile = await readFile(path.join(ROOT, 'docker', 'Dockerfile'), 'utf8');
  const pinned = /^ARG NODE_IMAGE=(\S+@sha256:[0-9a-f]{64})$/m.exec(dockerfile)?.[1];
  expect(pinned, 'docker/Dockerfile pins NODE_IMAGE by digest').toBeTruthy();
  if ((await execa(cli, ['image', 'exists', pinned!], { reject: false })).exitCode === 0) return [];
  const tag = pinned!.slice(0, pinned!.indexOf('@'));
  const digest = (await execa(cli, ['image', 'inspect', '--format', '{{.Digest}}', tag])).stdout.trim();
  return ['--build-arg', `NODE_IMAGE=${tag}@${digest}`];
}

test.describe.configure({ timeout: 30 * 60_000 });

test('the image builds and records the bundled sample locked down, as a non-root user, sandbox on', async () => {
  const cli = await engine();
  const pull = cli === 'podman' ? ['--pull=never'] : [];
  const build = await execa(cli, ['build', ...pull, ...(await baseImageArgs(cli)), '-f', 'docker/Dockerfile', '-t', IMAGE, '.'], { cwd: ROOT, reject: false, all: true });
  expect(build.exitCode, `image build failed:\n${String(build.all).slice(-3000)}`).toBe(0);

  const user = await execa(cli, ['run', '--rm', '--entrypoint', 'id', IMAGE, '-u'], { reject: false });
  expect(user.stdout.trim()).not.toBe('0');
  // The lock-down is in force: the image cannot be written to, setuid cannot raise privileges.
  const probe = await execa(cli, ['run', '--rm', ...LOCKED_DOWN, '--entrypoint', 'sh', IMAGE, '-c', 'touch /opt/bbb-capture/x; grep NoNewPrivs /proc/self/status'], {
    reject: false,
    all: true,
  });
  expect(probe.all).toContain('Read-only file system');
  expect(probe.all).toMatch(/NoNewPrivs:\s+1/);
  // Chromium's sandbox is really on under the lock-down: nothing started with --no-sandbox (which
  // Playwright adds unless asked not to) and every renderer in a user namespace of its own.
  const sandbox = await execa(
    cli,
    [
      'run',
      '--rm',
      '--network=none',
      ...LOCKED_DOWN,
      '-v',
      `${path.join(ROOT, 'test', 'e2e', 'support', 'sandbox-probe.mjs')}:/opt/sandbox-probe.mjs:ro`,
      '--entrypoint',
      'node',
      IMAGE,
      '/opt/sandbox-probe.mjs',
    ],
    { reject: false, timeout: 2 * 60_000 },
  );
  expect(sandbox.exitCode, sandbox.stderr.slice(-3000)).toBe(0);
  expect(JSON.parse(sandbox.stdout.trim().split('\n').pop()!)).toMatchObject({ noSandbox: false, renderersInOwnUserNamespace: true });

  const sample = (await readdir(path.join(ROOT, 'examples', 'sample-recording')))[0]!;
  const out = await mkdtemp(path.join(tmpdir(), 'bbb-capture-docker-'));
  await chmod(out, 0o777);
  try {
    const run = await execa(
      cli,
      [
        'run',
        '--rm',
        '--network=none',
        ...LOCKED_DOWN,
        '-v',
        `${out}:/out`,
        IMAGE,
        'record',
        `/opt/bbb-capture/examples/sample-recording/${sample}`,
        '-o',
        '/out/sample.mp4',
        '--json',
        '--verbose',
      ],
      { reject: false, timeout: 10 * 60_000 },
    );
    expect(run.exitCode, run.stderr.slice(-3000)).toBe(0);
    // bbb-capture's own flags for a non-root user: no --no-sandbox. (Chromium started with its
    // sandbox refuses to run without a working one, so the capture ran sandboxed.)
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
