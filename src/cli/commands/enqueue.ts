/**
 * `bbb-capture enqueue --redis URL <url | list file>...`: puts recordings on the capture queue for
 * workers. Output names are decided here (unique in the queue); the same recording with the same
 * settings is queued once. Exit code 3 (BATCH_FAILED) when some could not be queued.
 */
import { type Command, Option } from 'commander';
import { validateNameTemplate } from '../../batch/name-template.js';
import { readBatchList, type BatchItem } from '../../batch/parse-batch-list.js';
import { listBbbRecordings } from '../../bbb-api/list-bbb-recordings.js';
import { CaptureError } from '../../errors.js';
import type { OutputFormat } from '../../compose/output-format.js';
import type { PageLayout } from '../../player/layout-css.js';
import { RESOLUTIONS, type Resolution } from '../../options/record-options.js';
import { fetchRecordingInfo } from '../../recording/fetch-recording-info.js';
import { parsePlaybackUrl } from '../../recording/parse-playback-url.js';
import { ENGINE_CHOICES, type EngineChoice } from '../../options/record-options.js';
import { DEFAULT_JOB_RETENTION, DEFAULT_JOB_RETRY } from '../../worker/queue-defaults.js';
import { openRedis, redactRedisUrl } from '../../worker/open-redis.js';
import type { CliContext } from '../cli-context.js';
import { parseAmount, parseTime } from '../../options/parse-values.js';
import { parseCount } from './batch.js';
import { addBbbApiOptions, describeBbbSelection, resolveBbbApiQuery, type BbbApiFlags } from './bbb-api-options.js';
import { addCredentialOptions, resolveCredentials, type CredentialFlags } from './credential-options.js';
import { addQueueOptions, resolveRedisTls, resolveRedisUrl, type QueueFlags } from './queue-options.js';

interface EnqueueFlags extends QueueFlags, BbbApiFlags, CredentialFlags {
  resolution: Resolution;
  layout: PageLayout;
  from?: number;
  to?: number;
  format: OutputFormat;
  nameTemplate?: string;
  attempts: number;
  backoff: number;
  json: boolean;
  engine: EngineChoice;
  partLength: number;
  keepDone: number;
  keepFailed: number;
  retentionDays: number;
}

/** URLs given on the command line, and the items of list files, in order. */
async function collectItems(inputs: readonly string[]): Promise<BatchItem[]> {
  const items: BatchItem[] = [];
  for (const [n, input] of inputs.entries()) {
    if (/^https?:\/\//i.test(input)) {
      parsePlaybackUrl(input);
      items.push({ index: items.length, source: `argument ${n + 1}`, url: input, settings: {} });
    } else {
      for (const item of await readBatchList(input)) items.push({ ...item, index: items.length });
    }
  }
  return items;
}

export function registerEnqueue(program: Command, context: CliContext): void {
  const command = program
    .command('enqueue')
    .description('queue recordings for `worker`s: playback URLs, or list files as `batch` reads them')
    .argument('[inputs...]', 'playback URLs and/or list files (text, CSV, JSON); or none with --bbb-url')
    .addOption(new Option('--resolution <WxH>', 'output size').choices(Object.keys(RESOLUTIONS)).default('1920x1080'))
    .addOption(new Option('--layout <layout>', 'player, content or webcams (see record --help)').choices(['player', 'content', 'webcams']).default('player'))
    .addOption(new Option('--from <time>', 'start of the part to export').argParser(parseTime))
    .addOption(new Option('--to <time>', 'end of the part to export (default: the end)').argParser(parseTime))
    .addOption(new Option('--format <format>', 'container').choices(['mp4', 'mkv', 'webm']).default('mp4'))
    .option('--name-template <template>', 'output names from {meetingName} {date} {time} {recordId} {meetingId}')
    .addOption(
      new Option('--engine <engine>', 'auto (the worker chooses per recording: render where it can, see record --help), capture (real time) or render (frame-exact)')
        .choices(ENGINE_CHOICES)
        .default('auto'),
    )
    .addOption(
      new Option(
        '--part-length <s>',
        'render engine: cut recordings longer than 1.5 parts into parts of this many seconds (longer when that would make more than 1000 parts), rendered by any workers at once and joined (workers must share --out-dir); 0 = whole',
      )
        .argParser(parseAmount)
        .default(0),
    )
    .addOption(new Option('--attempts <n>', 'attempts per job for transient failures (permanent ones fail at once)').argParser(parseAmount).default(DEFAULT_JOB_RETRY.attempts))
    .addOption(
      new Option('--backoff <s>', 'wait before the first retry; doubles each time (BullMQ exponential backoff)').argParser(parseAmount).default(DEFAULT_JOB_RETRY.backoffMs / 1000),
    )
    .addOption(
      new Option('--keep-done <n>', 'completed jobs kept in Redis (the newest; for `status` and to recognise a re-enqueue)')
        .argParser(parseCount)
        .default(DEFAULT_JOB_RETENTION.keepDone),
    )
    .addOption(new Option('--keep-failed <n>', 'failed jobs kept in Redis (the newest)').argParser(parseCount).default(DEFAULT_JOB_RETENTION.keepFailed))
    .addOption(
      new Option('--retention-days <d>', 'finished jobs older than this are removed from Redis (their files stay)')
        .argParser(parseAmount)
        .default(DEFAULT_JOB_RETENTION.maxAgeDays),
    )
    .option('--json', 'one JSON line per item on stdout', false);
  addQueueOptions(command);
  addBbbApiOptions(command);
  // Only for reading metadata.xml here (output names); workers take their own, never from the queue.
  addCredentialOptions(command);
  command.action(async (inputs: string[], flags: EnqueueFlags) => {
    // Loaded when the command runs, so that --help and the other commands start without them.
    const [{ FlowProducer }, { openCaptureQueue }, { enqueueRecordings }] = await Promise.all([
      import('bullmq'),
      import('../../worker/capture-queue.js'),
      import('../../worker/enqueue-recordings.js'),
    ]);
    const api = resolveBbbApiQuery(flags, context);
    const credentials = resolveCredentials(flags, context);
    if (!api && inputs.length === 0) throw new CaptureError('USAGE', 'no recordings: give playback URLs or list files, or --bbb-url to take them from a BBB server');
    const redisUrl = resolveRedisUrl(flags, context);
    const tls = await resolveRedisTls(flags, context, redisUrl);
    if (flags.nameTemplate !== undefined) validateNameTemplate(flags.nameTemplate);
    if (!Number.isInteger(flags.attempts)) throw new CaptureError('USAGE', `--attempts ${flags.attempts} is not a whole number`);
    if (flags.partLength > 0 && (flags.engine === 'capture' || flags.format === 'webm'))
      throw new CaptureError('USAGE', '--part-length needs the render engine (--engine render or auto, MP4 or MKV)');
    if (flags.partLength > 0 && flags.partLength < 10)
      throw new CaptureError('USAGE', `--part-length ${flags.partLength}: parts shorter than 10 s cost more in player start-up than they save`);
    if (flags.engine === 'render' && flags.format === 'webm') throw new CaptureError('USAGE', 'the render engine writes H.264 + AAC: use --format mp4 or mkv');
    const items = await collectItems(inputs);
    if (api) {
      const listing = await listBbbRecordings(api, { signal: context.signal });
      for (const skip of listing.skipped) context.stderr.write(`skipped ${skip.recordId}: ${skip.why}\n`);
      for (const item of listing.items) items.push({ ...item, index: items.length });
      if (listing.items.length === 0 && !flags.json) context.stderr.write(`no recordings on ${api.url} matched ${describeBbbSelection(api)}\n`);
      if (items.length === 0) return;
    }
    const connection = await openRedis(redisUrl, { name: 'bbb-capture-enqueue', tls });
    const queue = openCaptureQueue(connection, flags.queue);
    const flows = new FlowProducer({ connection });
    try {
      const results = await enqueueRecordings({
        queue,
        items,
        defaults: { from: flags.from ?? 0, to: flags.to ?? null, layout: flags.layout, resolution: flags.resolution, format: flags.format, engine: flags.engine },
        partLength: flags.partLength > 0 ? flags.partLength : undefined,
        flows,
        nameTemplate: flags.nameTemplate,
        retry: { attempts: flags.attempts, backoffMs: flags.backoff * 1000 },
        retention: { keepDone: flags.keepDone, keepFailed: flags.keepFailed, maxAgeDays: flags.retentionDays },
        signal: context.signal,
        fetchInfo: credentials.empty
          ? undefined
          : (url, signal) => {
              const target = parsePlaybackUrl(url);
              return fetchRecordingInfo(target, { signal, credentials: credentials.bind(target.origin) });
            },
      });
      for (const { item, outcome } of results) {
        if (flags.json) {
          context.stdout.write(`${JSON.stringify({ type: 'enqueue', url: item.url, source: item.source, ...outcome })}\n`);
          continue;
        }
        const line =
          outcome.status === 'queued'
            ? `queued   ${outcome.output}  [${outcome.jobId}]`
            : outcome.status === 'exists'
              ? `exists   ${outcome.output}  (${outcome.state})  [${outcome.jobId}]`
              : outcome.status === 'retried'
                ? `retried  ${outcome.output}  (it had failed)  [${outcome.jobId}]`
                : `REFUSED  ${item.url} [${item.source}] ${outcome.code}: ${outcome.message}`;
        context.stderr.write(`${line}\n`);
      }
      const refused = results.filter((r) => r.outcome.status === 'refused').length;
      const queued = results.filter((r) => r.outcome.status === 'queued' || r.outcome.status === 'retried').length;
      if (!flags.json)
        context.stderr.write(`${queued} queued, ${results.length - queued - refused} already there, ${refused} refused on ${flags.queue} at ${redactRedisUrl(redisUrl)}\n`);
      if (refused > 0) throw new CaptureError('BATCH_FAILED', `${refused} of ${results.length} recordings could not be queued`);
    } finally {
      await flows.close();
      await queue.close();
      await connection.quit().catch(() => connection.disconnect());
    }
  });
}
