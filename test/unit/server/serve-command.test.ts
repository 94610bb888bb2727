import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { Command } from 'commander';
import { afterAll, expect, it } from 'vitest';
import { registerServe } from '../../../src/cli/commands/serve.js';
import type { CliContext } from '../../../src/cli/cli-context.js';

let dir: string | undefined;
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

function collect(stream: PassThrough): () => string {
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return () => text;
}

it('prints the base URL and each playback URL, serves until aborted, then closes', async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'bbb-capture-serve-'));
  const id = `${'c'.repeat(40)}-1700000000000`;
  await mkdir(path.join(dir, id));
  await writeFile(path.join(dir, id, 'metadata.xml'), '<recording/>');

  const controller = new AbortController();
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out = collect(stdout);
  const context = { signal: controller.signal, env: {}, stdout, stderr } as unknown as CliContext;
  const program = new Command('bbb-capture').exitOverride();
  registerServe(program, context);
  const running = program.parseAsync(['serve', '--recordings', dir], { from: 'user' });

  while (!out().includes('Ctrl-C')) await new Promise((r) => setTimeout(r, 10));
  const base = /base URL: (http:\/\/127\.0\.0\.1:\d+)/.exec(out())?.[1];
  expect(base).toBeDefined();
  expect(out()).toContain(`${base}/playback/presentation/2.3/${id}`);
  const res = await fetch(`${base}/presentation/${id}/metadata.xml`);
  expect(res.status).toBe(200);

  controller.abort();
  await running;
  expect(out()).toContain('stopped');
  await expect(fetch(`${base}/presentation/${id}/metadata.xml`)).rejects.toThrow();
});

it('rejects a bad port before starting', async () => {
  const controller = new AbortController();
  const context = { signal: controller.signal, env: {}, stdout: new PassThrough(), stderr: new PassThrough() } as unknown as CliContext;
  const program = new Command('bbb-capture').exitOverride();
  registerServe(program, context);
  await expect(program.parseAsync(['serve', '--recordings', '.', '--port', 'http'], { from: 'user' })).rejects.toMatchObject({ code: 'USAGE' });
});
