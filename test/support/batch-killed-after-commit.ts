/**
 * A batch that dies in the worst place: it exports its items (a fake capture writing a few
 * bytes), renames the first file to its final name, and is SIGKILLed by its own webhook before
 * the journal says the item is done. Run as a child process (vite-node) by the batch tests; the
 * output directory, items, options and file content come in the environment (JSON).
 */
import { writeFile } from 'node:fs/promises';
import type { BaseCaptureOptions } from '../../src/batch/capture-settings.js';
import type { BatchItem } from '../../src/batch/parse-batch-list.js';
import { runBatch } from '../../src/batch/run-batch.js';
import type { JobOptions } from '../../src/job/job-options.js';

function env(name: string): string {
  const value = process.env[name];
  if (value === undefined) throw new Error(`${name} is not set`);
  return value;
}

await runBatch({
  items: JSON.parse(env('KILLED_BATCH_ITEMS')) as BatchItem[],
  outDir: env('KILLED_BATCH_OUT'),
  concurrency: 1,
  base: JSON.parse(env('KILLED_BATCH_BASE')) as BaseCaptureOptions,
  nameTemplate: undefined,
  retry: { retries: 0, delayMs: 5, factor: 2, maxDelayMs: 100 },
  failFast: false,
  signal: undefined,
  onEvent: () => undefined,
  record: async (options: JobOptions) => {
    await writeFile(options.output!, env('KILLED_BATCH_CONTENT'));
    return { duration: 4, wallMs: 10 };
  },
  fetchInfo: async (url) => {
    const recordId = url.split('/').at(-1)!;
    return { recordId, meetingId: recordId, meetingName: 'Lecture', startTime: Date.UTC(2024, 0, 1, 10, 0), duration: 4, media: 'video', mediaUrl: '' };
  },
  // Called right after the final rename, before the journal says done.
  delivery: { upload: null, webhook: { send: () => process.kill(process.pid, 'SIGKILL'), drain: async () => ({ abandoned: 0 }) } },
});
