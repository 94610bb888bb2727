import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerVerify } from '../../../src/cli/commands/verify.js';
import type { CliContext } from '../../../src/cli/cli-context.js';
import { CaptureError } from '../../../src/errors.js';
import { ffmpegCopy, makeMaster, makeSample } from './make-fixture.js';

let work: string;
let rec: string;
let webcams: string;
let master: string;

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'bbb-capture-verify-cli-'));
  const sample = await makeSample(work, 'full', 3);
  rec = sample.dir;
  webcams = path.join(rec, sample.truth.webcams!.file);
  master = await makeMaster(webcams, path.join(work, 'master.mkv'));
}, 60_000);

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

/** Runs `bbb-capture verify …` in-process; returns stdout and the error thrown, if any. */
async function run(...args: string[]): Promise<{ out: string; error: unknown }> {
  let out = '';
  const sink = {
    write: (s: string) => {
      out += s;
      return true;
    },
  } as unknown as NodeJS.WriteStream;
  const context: CliContext = { signal: new AbortController().signal, env: process.env, stdout: sink, stderr: sink };
  const program = new Command('bbb-capture').exitOverride();
  registerVerify(program, context);
  try {
    await program.parseAsync(['verify', ...args], { from: 'user' });
    return { out, error: undefined };
  } catch (error) {
    return { out, error };
  }
}

describe('bbb-capture verify', () => {
  it('prints the report as JSON', async () => {
    const { out, error } = await run(webcams, '--recording', rec, '--sources', 'cameras');
    expect(error).toBeUndefined();
    const report = JSON.parse(out) as { sources: string[]; cameras: Array<{ deliveredRatio: number }>; failedChecks?: unknown };
    expect(report.sources).toEqual(['cameras']);
    expect(report.cameras[0]!.deliveredRatio).toBe(1);
    expect(report.failedChecks).toBeUndefined();
  });

  it('--assert passes a good file and fails a bad one with VERIFY_FAILED naming the checks', async () => {
    const good = await run(webcams, '--recording', rec, '--sources', 'cameras', '--assert');
    expect(good.error).toBeUndefined();
    expect(JSON.parse(good.out)).toMatchObject({ failedChecks: [] });

    const cut = await ffmpegCopy(master, path.join(work, 'cut.mp4'), ['-t', '2', '-c:v', 'libx264', '-preset', 'ultrafast', '-c:a', 'aac']);
    const bad = await run(cut, '--recording', rec, '--sources', 'cameras', '--assert');
    expect(bad.error).toBeInstanceOf(CaptureError);
    expect((bad.error as CaptureError).code).toBe('VERIFY_FAILED');
    expect((bad.error as CaptureError).message).toMatch(/delivered:camera0 .*end .*duration/);
    expect((JSON.parse(bad.out) as { failedChecks: unknown[] }).failedChecks).toHaveLength(3);
  });

  it('takes targets and a range from the command line', async () => {
    const cut = path.join(work, 'cut.mp4');
    const { error } = await run(cut, '--recording', rec, '--sources', 'cameras', '--to', '2', '--assert', '--min-delivered', '95%', '--max-end-error', '50');
    expect(error).toBeUndefined();
  });

  it('without --sources expects everything the recording has', async () => {
    const { out, error } = await run(webcams, '--recording', rec, '--assert');
    expect((error as CaptureError).code).toBe('VERIFY_FAILED');
    expect((JSON.parse(out) as { failedChecks: Array<{ check: string }> }).failedChecks.map((f) => f.check)).toEqual(['delivered:screenshare', 'slides']);
  });

  it('rejects an unknown source', async () => {
    const { error } = await run(webcams, '--recording', rec, '--sources', 'cameras,chat');
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/not a list of cameras, screenshare, slides/);
  });

  it('runs the light check with --duration', async () => {
    const { out, error } = await run(master, '--duration', '3');
    expect(error).toBeUndefined();
    expect(JSON.parse(out)).toMatchObject({ ok: true, leadingBlack: 0 });
  });

  it('asks for --recording or --duration', async () => {
    const { error } = await run(master);
    expect((error as CaptureError).code).toBe('USAGE');
  });
});
