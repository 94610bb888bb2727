/**
 * A farm worker that dies in the worst place: it exports one job (a fake capture writing a few
 * bytes), renames the file to its final name, and is SIGKILLed by its own webhook before BullMQ
 * hears that the job completed. Run as a child process (vite-node) by the worker tests; the
 * Redis URL, queue and output directory come in the environment.
 */
import { writeFile } from 'node:fs/promises';
import type { JobOptions } from '../../src/job/job-options.js';
import { runWorker } from '../../src/worker/run-worker.js';
import { BASE_CAPTURE_OPTIONS } from './base-capture-options.js';

const base = BASE_CAPTURE_OPTIONS;

function env(name: string): string {
  const value = process.env[name];
  if (value === undefined) throw new Error(`${name} is not set`);
  return value;
}

await runWorker({
  redisUrl: env('KILLED_WORKER_REDIS'),
  queueName: env('KILLED_WORKER_QUEUE'),
  outDir: env('KILLED_WORKER_OUT'),
  concurrency: 1,
  base,
  name: 'killed',
  lockDurationMs: 2000,
  stalledIntervalMs: 1000,
  maxStalledCount: 1,
  onStop: 'requeue',
  signal: new AbortController().signal,
  onEvent: () => undefined,
  record: async (options: JobOptions) => {
    await writeFile(options.output!, env('KILLED_WORKER_CONTENT'));
    return { duration: 4, wallMs: 10 };
  },
  // Called right after the final rename, before the job is reported completed.
  delivery: { upload: null, webhook: { send: () => process.kill(process.pid, 'SIGKILL'), drain: async () => ({ abandoned: 0 }) } },
  freeSpace: async () => Number.POSITIVE_INFINITY,
});
