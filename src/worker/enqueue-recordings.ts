/**
 * Puts recordings on the capture queue. Each one's metadata is read first: it proves the URL is a
 * recording (a 404 is reported now, not by a worker hours later) and gives the output name, which
 * is decided here, in list order, unique among all jobs in the queue — so whichever worker runs a
 * job, and however often, it writes the same one file.
 */
import type { FlowProducer, JobType } from 'bullmq';
import PQueue from 'p-queue';
import { toCaptureError, type ErrorCode } from '../errors.js';
import { fetchRecordingInfo, type RecordingInfo } from '../recording/fetch-recording-info.js';
import { parsePlaybackUrl } from '../recording/parse-playback-url.js';
import { outputBaseFor } from '../batch/name-template.js';
import { OutputNameRegistry, splitRequestedName } from '../batch/output-name-registry.js';
import { sanitizeFileName } from '../job/output-name.js';
import type { OutputFormat } from '../compose/output-format.js';
import type { BatchItem } from '../batch/parse-batch-list.js';
import {
  captureJobId,
  captureJobOptions,
  outputNamesKey,
  planParts,
  queueRedis,
  type CaptureJobData,
  type CaptureQueue,
  type JobRetention,
  type JobRetry,
  type JobSettings,
} from './capture-queue.js';

const METADATA_CONCURRENCY = 4;

/** What happened to one item. */
export type EnqueueOutcome =
  | { status: 'queued'; jobId: string; output: string }
  /** The same recording with the same settings is already in the queue (any state but failed). */
  | { status: 'exists'; jobId: string; output: string; state: string }
  /** It had failed; it is queued again (fresh attempts). */
  | { status: 'retried'; jobId: string; output: string }
  | { status: 'refused'; code: ErrorCode; message: string };

export interface EnqueueResult {
  item: BatchItem;
  outcome: EnqueueOutcome;
}

export interface EnqueueOptions {
  queue: CaptureQueue;
  items: readonly BatchItem[];
  /** Settings for items that do not set their own. */
  defaults: JobSettings;
  nameTemplate: string | undefined;
  retry: JobRetry;
  /** How many finished jobs Redis keeps and how long (default DEFAULT_JOB_RETENTION). */
  retention?: JobRetention | undefined;
  signal?: AbortSignal | undefined;
  /**
   * Render engine: recordings longer than 1.5 parts are rendered in parts of about this many
   * seconds by any workers, then joined (needs `flows`, on the same connection as the queue).
   */
  partLength?: number | undefined;
  flows?: FlowProducer | undefined;
  /** Reads a recording's metadata; a seam for tests. */
  fetchInfo?: ((url: string, signal: AbortSignal | undefined) => Promise<RecordingInfo>) | undefined;
}

const ALL_STATES: JobType[] = ['wait', 'active', 'delayed', 'prioritized', 'waiting-children', 'completed', 'failed'];

/**
 * Takes a name for a job if it is free or already the job's: one atomic step, so of two
 * enqueues asking at once exactly one gets it. 1 = taken for ARGV[2], 0 = someone else's.
 */
const CLAIM_NAME = `
local owner = redis.call('HGET', KEYS[1], ARGV[1])
if not owner then
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
  return 1
end
if owner == ARGV[2] then return 1 end
return 0
`;

/**
 * The first name base.ext, base-2.ext, … that is free in the queue (or already this job's), as
 * OutputNameRegistry numbers them; `local` holds names of jobs queued before names were kept in
 * Redis, which are skipped too.
 */
async function claimOutputName(queue: CaptureQueue, local: OutputNameRegistry, base: string, format: OutputFormat, jobId: string): Promise<string> {
  const client = queueRedis(queue);
  const clean = sanitizeFileName(base);
  for (let n = 1; ; n++) {
    const name = `${clean}${n === 1 ? '' : `-${n}`}.${format}`;
    if (local.has(name)) continue;
    if ((await client.eval(CLAIM_NAME, 1, outputNamesKey(queue.name), name.toLowerCase(), jobId)) === 1) {
      local.reserve(name);
      return name;
    }
  }
}

/** Queues every item that can be queued; returns one result per item, in list order. */
export async function enqueueRecordings(options: EnqueueOptions): Promise<EnqueueResult[]> {
  const fetchInfo = options.fetchInfo ?? ((url: string, signal: AbortSignal | undefined) => fetchRecordingInfo(parsePlaybackUrl(url), { signal }));
  const { queue } = options;
  // Names already used by any job of the queue.
  const existing = await queue.getJobs(ALL_STATES, 0, -1);
  const names = new OutputNameRegistry(
    existing.flatMap((job) => (typeof (job.data as Partial<CaptureJobData> | undefined)?.output === 'string' ? [(job.data as CaptureJobData).output] : [])),
  );

  const metadata = new PQueue({ concurrency: METADATA_CONCURRENCY });
  const infos = await Promise.all(
    options.items.map((item) => metadata.add(() => fetchInfo(item.url, options.signal).catch((error: unknown) => toCaptureError(error)), { throwOnTimeout: true })),
  );

  const results: EnqueueResult[] = [];
  for (const [i, item] of options.items.entries()) {
    const info = infos[i]!;
    if (!('recordId' in info)) {
      results.push({ item, outcome: { status: 'refused', code: info.code, message: info.message } });
      continue;
    }
    const requested = item.output ? splitRequestedName(item.output) : undefined;
    const settings: JobSettings = {
      from: item.settings.from ?? options.defaults.from,
      to: item.settings.to ?? options.defaults.to,
      layout: item.settings.layout ?? options.defaults.layout,
      resolution: item.settings.resolution ?? options.defaults.resolution,
      format: item.settings.format ?? requested?.format ?? options.defaults.format,
      engine: options.defaults.engine,
    };
    const jobId = captureJobId(info.recordId, settings);
    const job = await queue.getJob(jobId);
    if (job) {
      const state = await job.getState();
      const output = (job.data as CaptureJobData).output;
      if (state === 'failed') {
        await job.retry('failed');
        results.push({ item, outcome: { status: 'retried', jobId, output } });
      } else results.push({ item, outcome: { status: 'exists', jobId, output, state } });
      continue;
    }
    const output = await claimOutputName(queue, names, requested?.base ?? outputBaseFor(info, options.nameTemplate), settings.format, jobId);
    const data: CaptureJobData = { version: 1, url: item.url, recordId: info.recordId, output, settings, source: item.source, enqueuedAt: new Date().toISOString() };
    // Parts only for what will be rendered: render, or auto where the output is H.264 (the part
    // jobs render; a player without the clock contract fails them with NOT_A_BBB_PLAYER).
    const rendered = settings.engine === 'render' || (settings.engine === 'auto' && settings.format !== 'webm');
    const parts = rendered && options.partLength ? planParts(settings.from, settings.to, info.duration, options.partLength) : [];
    if (parts.length > 1) {
      if (!options.flows) throw new RangeError('rendering in parts needs a FlowProducer');
      // The join waits for every part; a part that fails for good fails the join with it.
      const dir = jobId.replace(/[^A-Za-z0-9_-]/g, '_');
      await options.flows.add({
        name: 'join',
        queueName: queue.name,
        data: { ...data, join: { count: parts.length, dir } },
        opts: captureJobOptions(jobId, options.retry, options.retention),
        children: parts.map((part, index) => ({
          name: 'render-part',
          queueName: queue.name,
          data: { ...data, part: { index, count: parts.length, from: part.from, to: part.to, dir } },
          opts: { ...captureJobOptions(`${jobId}-part-${index}`, options.retry, options.retention), failParentOnFailure: true },
        })),
      });
    } else await queue.add('capture', data, captureJobOptions(jobId, options.retry, options.retention));
    results.push({ item, outcome: { status: 'queued', jobId, output } });
  }
  return results;
}
