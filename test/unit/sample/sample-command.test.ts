import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerSample } from '../../../src/cli/commands/sample.js';
import type { CliContext } from '../../../src/cli/cli-context.js';

let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(path.join(os.tmpdir(), 'bbb-capture-sample-cli-'));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

async function run(args: string[]): Promise<{ out: string; err: string }> {
  let out = '';
  let err = '';
  const stream = (write: (text: string) => void) =>
    ({
      write: (text: string) => {
        write(text);
        return true;
      },
      isTTY: false,
    }) as unknown as NodeJS.WriteStream;
  const context: CliContext = {
    signal: new AbortController().signal,
    env: { PATH: process.env.PATH, BBB_CAPTURE_FFMPEG: process.env.BBB_CAPTURE_FFMPEG },
    stdout: stream((t) => (out += t)),
    stderr: stream((t) => (err += t)),
  };
  const program = new Command('bbb-capture').exitOverride();
  registerSample(program, context);
  await program.parseAsync(['node', 'bbb-capture', 'sample', ...args]);
  return { out, err };
}

describe('bbb-capture sample', () => {
  it('prints the record id and where the recording is, as JSON with --json', async () => {
    const { out } = await run([scratch, '--variant', 'audioonly', '--duration', '3', '--json']);
    const result = JSON.parse(out) as { type: string; recordId: string; dir: string; truth: string; duration: number };
    expect(result.type).toBe('result');
    expect(result.recordId).toMatch(/^[a-z0-9]{40}-[0-9]{13}$/);
    expect(result.dir).toBe(path.join(scratch, result.recordId));
    expect(existsSync(result.truth)).toBe(true);
    expect(result.duration).toBe(3);
  });

  it('prints the record id and the path as two lines without --json', async () => {
    const { out } = await run([scratch, '--variant', 'audioonly', '--duration', '3.5']);
    const [recordId, dir] = out.trim().split('\n');
    expect(dir).toBe(path.join(scratch, recordId!));
    expect(existsSync(path.join(dir!, 'audio/audio.webm'))).toBe(true);
  });

  it('rejects bad values with a usage error naming them', async () => {
    await expect(run([scratch, '--fps', 'abc'])).rejects.toMatchObject({ code: 'USAGE', message: expect.stringContaining('--fps abc') });
    await expect(run([scratch, '--variant', 'huge'])).rejects.toMatchObject({ code: 'USAGE', message: expect.stringContaining('huge') });
    await expect(run([scratch, '--duration', '1'])).rejects.toMatchObject({ code: 'USAGE' });
    await expect(run([scratch, '--ffmpeg', '/nonexistent/ffmpeg'])).rejects.toMatchObject({ code: 'FFMPEG_MISSING' });
  });
});
