/**
 * A batch SIGKILLed after an item's final rename but before its journal said done (the batch a
 * child process, its capture a fake): the next run takes the file it committed as the item's
 * export, without capturing it again, and delivers it; a file changed since is exported again.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BaseCaptureOptions } from '../../../src/batch/capture-settings.js';
import type { BatchItem } from '../../../src/batch/parse-batch-list.js';
import { runBatch } from '../../../src/batch/run-batch.js';
import type { WebhookPayload } from '../../../src/deliver/webhook-payload.js';
import type { JobOptions } from '../../../src/job/job-options.js';
import { BASE_CAPTURE_OPTIONS } from '../../support/base-capture-options.js';

const base = { ...BASE_CAPTURE_OPTIONS, width: 1280, height: 720, videoBitrate: 2_700_000 } satisfies BaseCaptureOptions;
const id = (n: number) => `${String(n).repeat(40)}-17000000000${n}0`;
const item = (n: number, index: number): BatchItem => ({
  index,
  source: `list line ${index + 1}`,
  url: `http://127.0.0.1:1/playback/presentation/2.3/${id(n)}`,
  settings: {},
  output: `talk ${n}.mp4`,
});
const FIXTURE = path.join(import.meta.dirname, '../../support/batch-killed-after-commit.ts');
const VITE_NODE = createRequire(import.meta.url).resolve('vite-node/vite-node.mjs');

/** Runs the batch that dies right after its first final rename. */
function runKilledBatch(outDir: string, items: BatchItem[], content: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [VITE_NODE, FIXTURE], {
      env: { ...process.env, KILLED_BATCH_OUT: outDir, KILLED_BATCH_ITEMS: JSON.stringify(items), KILLED_BATCH_BASE: JSON.stringify(base), KILLED_BATCH_CONTENT: content },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    // Bounded: a fixture that never dies would hang the test.
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the batch did not die within 60 s: ${stderr.slice(-2000)}`));
    }, 60_000);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (signal !== 'SIGKILL') reject(new Error(`the batch ended with ${signal ?? code} instead of dying: ${stderr.slice(-2000)}`));
      else resolve();
    });
  });
}

async function resume(outDir: string, items: BatchItem[]) {
  const recorded: string[] = [];
  const sent: WebhookPayload[] = [];
  const { items: results } = await runBatch({
    items,
    outDir,
    concurrency: 1,
    base,
    nameTemplate: undefined,
    retry: { retries: 0, delayMs: 5, factor: 2, maxDelayMs: 100 },
    failFast: false,
    signal: undefined,
    onEvent: () => undefined,
    record: async (options: JobOptions) => {
      recorded.push(options.url);
      await writeFile(options.output!, 'a second export');
      return { duration: 4, wallMs: 10 };
    },
    delivery: { upload: null, webhook: { send: (p) => void sent.push(p), drain: async () => ({ abandoned: 0 }) } },
  });
  return { results, recorded, sent };
}

describe('runBatch after a batch died between the final rename and the journal', () => {
  it('the next run takes the committed file as the item’s export: not captured or written again, delivered once', { timeout: 120_000 }, async () => {
    const outDir = await mkdtemp(path.join(tmpdir(), 'batch-commit-'));
    const items = [item(1, 0)];
    await runKilledBatch(outDir, items, 'the video');
    expect(await readFile(path.join(outDir, 'talk 1.mp4'), 'utf8')).toBe('the video');

    const { results, recorded, sent } = await resume(outDir, items);
    expect(recorded).toEqual([]);
    expect(results.map((r) => [r.status, r.output])).toEqual([['done', 'talk 1.mp4']]);
    expect(await readFile(path.join(outDir, 'talk 1.mp4'), 'utf8')).toBe('the video');
    expect(sent).toEqual([expect.objectContaining({ event: 'export.done', output: path.join(outDir, 'talk 1.mp4') })]);
  });

  it('a file changed after the rename (other bytes of the same size) is exported again', { timeout: 120_000 }, async () => {
    const outDir = await mkdtemp(path.join(tmpdir(), 'batch-commit-'));
    const items = [item(2, 0)];
    await runKilledBatch(outDir, items, 'the video');
    await writeFile(path.join(outDir, 'talk 2.mp4'), 'the vidEO');

    const { results, recorded } = await resume(outDir, items);
    expect(recorded).toEqual([items[0]!.url]);
    expect(results.map((r) => r.status)).toEqual(['done']);
    expect(await readFile(path.join(outDir, 'talk 2.mp4'), 'utf8')).toBe('a second export');
  });
});
