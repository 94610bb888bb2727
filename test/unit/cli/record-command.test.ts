import { mkdtemp, readdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { registerRecord } from '../../../src/cli/commands/record.js';
import type { CliContext } from '../../../src/cli/cli-context.js';
import { CaptureError } from '../../../src/errors.js';

async function run(...args: string[]): Promise<unknown> {
  const sink = { write: () => true } as unknown as NodeJS.WriteStream;
  const context: CliContext = { signal: new AbortController().signal, env: {}, stdout: sink, stderr: sink };
  const program = new Command('bbb-capture').exitOverride();
  registerRecord(program, context);
  try {
    await program.parseAsync(['record', ...args], { from: 'user' });
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('record -o', () => {
  // Nothing listens on port 1: anything that got as far as the recording would fail otherwise.
  const url = `http://127.0.0.1:1/playback/presentation/2.3/${'a'.repeat(40)}-1700000000000`;

  it('refuses, with USAGE and before anything starts, a name whose .partial name is over 255 bytes', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'record-o-'));
    const error = await run(url, '-o', path.join(dir, `${'講'.repeat(90)}.mp4`));
    expect(error).toBeInstanceOf(CaptureError);
    expect((error as CaptureError).code).toBe('USAGE');
    expect(await readdir(dir)).toEqual([]);
  });

  it('counts the --split names', async () => {
    // 82 × 3 + 4 = 250 bytes: fits alone, not as NAME.presenter-N.mp4.
    const error = await run(url, '--layout', 'presenters', '--split', '-o', `${'講'.repeat(80)}.mp4`);
    expect((error as CaptureError).code).toBe('USAGE');
    expect((error as CaptureError).message).toMatch(/--split/);
  });
});
