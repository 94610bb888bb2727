/**
 * What the farm is doing: jobs per state, what runs where and how far it is, what failed and why
 * (error code and message, as the worker recorded them), what finished and where its file is.
 */
import type { ErrorCode } from '../errors.js';
import {
  parseJobFailure,
  pausedWorkerKey,
  queueRedis,
  type PausedWorker,
  type CaptureJobData,
  type CaptureJobProgress,
  type CaptureJobResult,
  type CaptureQueue,
} from './capture-queue.js';

export interface JobSummary {
  id: string;
  url: string;
  output: string;
  attemptsMade: number;
}

export interface QueueStatus {
  queue: string;
  /** `waitingChildren`: recordings rendered in parts whose join waits for its parts. */
  counts: { waiting: number; active: number; delayed: number; completed: number; failed: number; prioritized: number; waitingChildren: number };
  active: Array<JobSummary & { worker: string | null; stage: string | null; position: number | null; duration: number | null; startedAt: string | null }>;
  /** Waiting for a retry after a transient failure, with that failure. */
  delayed: Array<JobSummary & { code: ErrorCode | null; message: string; retryAt: string | null }>;
  failed: Array<JobSummary & { code: ErrorCode | null; message: string; failedAt: string | null }>;
  completed: Array<JobSummary & { path: string | null; durationS: number | null; wallMs: number | null; worker: string | null; finishedAt: string | null }>;
  /** Workers not taking jobs until their output disk has space again. */
  paused: PausedWorker[];
}

/** The paused workers' records (a few keys: SCAN, not KEYS, so a big Redis is not blocked). */
async function readPausedWorkers(queue: CaptureQueue): Promise<PausedWorker[]> {
  const client = queueRedis(queue);
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, found] = await client.scan(cursor, 'MATCH', pausedWorkerKey(queue.name, '*'), 'COUNT', 1000);
    cursor = next;
    keys.push(...found);
  } while (cursor !== '0');
  if (!keys.length) return [];
  const values = await client.mget(...keys.sort());
  return values.flatMap((value: string | null) => {
    try {
      return value ? [JSON.parse(value) as PausedWorker] : [];
    } catch {
      return [];
    }
  });
}

const iso = (ms: number | undefined | null) => (ms ? new Date(ms).toISOString() : null);

function summary(job: { id?: string | undefined; data: unknown; attemptsMade: number }): JobSummary {
  const data = job.data as Partial<CaptureJobData>;
  return { id: job.id ?? '?', url: data.url ?? '?', output: data.output ?? '?', attemptsMade: job.attemptsMade };
}

/** Reads counts and up to `limit` jobs of each listed state (newest first). */
export async function readQueueStatus(queue: CaptureQueue, options: { limit: number }): Promise<QueueStatus> {
  const raw = await queue.getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed', 'prioritized', 'waiting-children');
  const counts = {
    waiting: raw.waiting ?? 0,
    active: raw.active ?? 0,
    delayed: raw.delayed ?? 0,
    completed: raw.completed ?? 0,
    failed: raw.failed ?? 0,
    prioritized: raw.prioritized ?? 0,
    waitingChildren: raw['waiting-children'] ?? 0,
  };
  const end = Math.max(0, options.limit - 1);
  const [active, delayed, failed, completed, paused] = await Promise.all([
    queue.getActive(0, end),
    queue.getDelayed(0, end),
    queue.getFailed(0, end),
    queue.getCompleted(0, end),
    readPausedWorkers(queue),
  ]);
  return {
    queue: queue.name,
    counts,
    active: active.map((job) => {
      const p = (job.progress && typeof job.progress === 'object' ? job.progress : {}) as Partial<CaptureJobProgress>;
      return {
        ...summary(job),
        worker: p.worker ?? job.processedBy ?? null,
        stage: p.stage ?? null,
        position: p.position ?? null,
        duration: p.duration ?? null,
        startedAt: iso(job.processedOn),
      };
    }),
    delayed: delayed.map((job) => ({ ...summary(job), ...parseJobFailure(job.failedReason), retryAt: iso(job.timestamp + (job.delay ?? 0)) })),
    failed: failed.map((job) => ({ ...summary(job), ...parseJobFailure(job.failedReason), failedAt: iso(job.finishedOn) })),
    completed: completed.map((job) => {
      const r = (job.returnvalue ?? {}) as Partial<CaptureJobResult>;
      return { ...summary(job), path: r.path ?? null, durationS: r.durationS ?? null, wallMs: r.wallMs ?? null, worker: r.worker ?? null, finishedAt: iso(job.finishedOn) };
    }),
    paused,
  };
}

const clock = (s: number) => {
  const t = Math.max(0, Math.round(s));
  return `${Math.floor(t / 60)}:${String(t % 60).padStart(2, '0')}`;
};

/** The status for people. */
export function formatQueueStatus(status: QueueStatus, redis: string): string {
  const c = status.counts;
  const lines = [
    `queue ${status.queue} on ${redis}`,
    `  waiting ${c.waiting + c.prioritized}, active ${c.active}, delayed (retry) ${c.delayed}, completed ${c.completed}, failed ${c.failed}${c.waitingChildren ? `, joins waiting for their parts ${c.waitingChildren}` : ''}`,
  ];
  const gib = (bytes: number) => `${(bytes / 1024 ** 3).toFixed(1)} GiB`;
  for (const p of status.paused) {
    lines.push(`  worker ${p.worker} PAUSED since ${p.since}: disk full at ${p.outDir} (${gib(p.freeBytes)} free; resumes at ${gib(p.resumeAtBytes)})`);
  }
  if (status.active.length) {
    lines.push('active:');
    for (const j of status.active) {
      const where = j.position !== null && j.duration ? ` ${clock(j.position)}/${clock(j.duration)}` : '';
      lines.push(`  ${j.output}  ${j.stage ?? 'starting'}${where}  on ${j.worker ?? '?'}  [${j.id}]`);
    }
  }
  if (status.delayed.length) {
    lines.push('waiting to retry:');
    for (const j of status.delayed) lines.push(`  ${j.output}  ${j.code ?? 'ERROR'}: ${j.message} (attempt ${j.attemptsMade}; retry at ${j.retryAt ?? '?'})  [${j.id}]`);
  }
  if (status.failed.length) {
    lines.push('failed:');
    for (const j of status.failed)
      lines.push(`  ${j.output}  ${j.code ?? 'ERROR'}: ${j.message} (${j.attemptsMade} ${j.attemptsMade === 1 ? 'attempt' : 'attempts'})  ${j.url}  [${j.id}]`);
  }
  if (status.completed.length) {
    lines.push('completed:');
    for (const j of status.completed) {
      lines.push(`  ${j.path ?? j.output}  (${j.durationS !== null ? clock(j.durationS) : '?'} in ${j.wallMs !== null ? clock(j.wallMs / 1000) : '?'} on ${j.worker ?? '?'})`);
    }
  }
  return `${lines.join('\n')}\n`;
}
