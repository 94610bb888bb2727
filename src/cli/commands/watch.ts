/**
 * `bbb-capture watch --out-dir DIR`: exports every recording BBB publishes (or the post-publish
 * hook spools), once; a republished one replaces its own export. Locally with runJob
 * (--concurrency at a time, each recording directory served as `record DIR` serves it), or on the
 * farm with --redis. --once processes what is there and exits (cron, tests). SIGINT/SIGTERM stop
 * cleanly: running exports are aborted and stay pending in the journal for the next start.
 * Locally, --upload and --webhook deliver each export as `record` does; on the farm the workers
 * deliver (their own --upload/--webhook), so no store or webhook secret ever goes into Redis.
 * Transient failures are retried as `batch` retries them (--retries, --retry-delay); a failed
 * upload is retried as an upload of the export already made.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { type Command, Option } from 'commander';
import { deliverExport, exportFacts } from '../../deliver/deliver-export.js';
import { webhookPayload } from '../../deliver/webhook-payload.js';
import { CaptureError } from '../../errors.js';
import { isAudioFormat } from '../../options/audio-format.js';
import type { OutputFormat } from '../../compose/output-format.js';
import type { Resolution } from '../../options/record-options.js';
import { DEFAULT_JOB_RETRY } from '../../worker/queue-defaults.js';
import { openRedis } from '../../worker/open-redis.js';
import type { DeliverRecording, ExportRecording, WatchEvent } from '../../watch/run-watch.js';
import type { CliContext } from '../cli-context.js';
import { parseAmount } from '../../options/parse-values.js';
import { parseCount } from './batch.js';
import { addDeliveryOptions, drainWebhooks, openWebhookSender, resolveDeliveryOptions, type DeliveryFlags } from './delivery-options.js';
import { DEFAULT_PUBLISHED_DIR } from './hook.js';
import { addQueueOptions, resolveRedisTls, resolveRedisUrl, type QueueFlags } from './queue-options.js';
import { addCaptureOptions, resolveCaptureOptions, resolveInput } from './record.js';
import { addRetryOptions, resolveRetryPolicy, type RetryFlags } from './retry-options.js';

type CaptureFlags = Parameters<typeof resolveCaptureOptions>[0];

interface WatchFlags extends CaptureFlags, QueueFlags, DeliveryFlags, RetryFlags {
  published: string;
  spool?: string;
  outDir: string;
  concurrency: number;
  once: boolean;
  stable: number;
  playbackBase?: string;
}

/** One line per event: JSON on stdout with --json, else short lines on stderr. */
function watchLog(flags: WatchFlags, context: CliContext): (event: WatchEvent) => void {
  return (event) => {
    if (flags.json) {
      const { type, ...rest } = event;
      context.stdout.write(`${JSON.stringify({ type: 'watch', event: type, ...rest })}\n`);
      return;
    }
    if (flags.quiet && event.type !== 'failed') return;
    const line =
      event.type === 'watching'
        ? `watching ${event.published}${event.spool ? ` and ${event.spool}` : ''}${event.once ? ' (once)' : ''}`
        : event.type === 'found'
          ? `${event.republished ? 'republished' : 'new'}   ${event.recordId} (${event.source})`
          : event.type === 'unchanged'
            ? `unchanged ${event.recordId} → ${event.output ?? '-'}`
            : event.type === 'waiting'
              ? `waiting   ${event.recordId}: ${event.reason}`
              : event.type === 'started'
                ? `${event.uploadOnly ? 'upload' : 'export'}    ${event.recordId} → ${event.output}${event.replace && !event.uploadOnly ? ' (replacing)' : ''}`
                : event.type === 'done'
                  ? `${event.queued ? 'queued' : 'done'}      ${event.recordId} → ${event.output} (${(event.wallMs / 1000).toFixed(1)} s)${event.uploadUrl ? `; uploaded to ${event.uploadUrl}` : ''}`
                  : event.type === 'retry'
                    ? `retry     ${event.recordId} ${event.code} in ${(event.delayMs / 1000).toFixed(0)} s${event.uploadOnly ? ' (the upload only)' : ''}: ${event.message}`
                    : event.type === 'failed'
                      ? `FAILED    ${event.recordId} ${event.code}: ${event.message}`
                      : event.type === 'interrupted'
                        ? `stopped   ${event.recordId} (resumes on the next start)`
                        : event.type === 'unpublished'
                          ? `gone      ${event.recordId}: unpublished or deleted; ${event.output ? `its export ${event.output} stays` : 'nothing exported'}`
                          : event.type === 'spool-skipped'
                            ? `skipped   ${event.file}: ${event.reason}`
                            : `stopped: ${event.done} exported, ${event.failed} failed, ${event.pending} pending`;
    context.stderr.write(`${line}\n`);
  };
}

export function registerWatch(program: Command, context: CliContext): void {
  const command = program
    .command('watch')
    .description('export every recording BBB publishes (and each one the post-publish hook spools), once; a republished recording replaces its own export')
    .requiredOption('--out-dir <dir>', 'where exports and the journal (.bbb-capture-watch.json) go')
    .option('--published <dir>', "BBB's published presentation recordings", DEFAULT_PUBLISHED_DIR)
    .option('--spool <dir>', 'also take recordings from the spool files `hook install` makes the hook write')
    .addOption(new Option('-c, --concurrency <n>', 'local exports at once').argParser(parseCount).default(1))
    .addOption(new Option('--stable <s>', 'a metadata.xml is read once it has not changed for this long').argParser(parseAmount).default(5))
    .option('--once', 'process what is there (and the spool), then exit: for cron and tests', false)
    .option(
      '--playback-base <url>',
      'with --redis: playback URL without the record id that workers fetch recordings from, e.g. https://bbb.example.org/playback/presentation/2.3/',
    );
  addQueueOptions(command);
  addDeliveryOptions(command);
  addRetryOptions(command);
  addCaptureOptions(command).action(async (flags: WatchFlags) => {
    if (!(flags.concurrency >= 1)) throw new CaptureError('USAGE', `--concurrency must be 1 or more, got ${flags.concurrency}`);
    if (!(flags.stable >= 0)) throw new CaptureError('USAGE', `--stable must be 0 or more, got ${flags.stable}`);
    const farm = flags.redis !== undefined;
    if (farm && !flags.playbackBase)
      throw new CaptureError('USAGE', '--redis needs --playback-base https://HOST/playback/presentation/2.3/ (workers fetch recordings by their playback URL)');
    if (flags.playbackBase !== undefined && !/^https?:\/\/[^/]+\/.*\/$/.test(flags.playbackBase))
      throw new CaptureError('USAGE', `--playback-base "${flags.playbackBase}" must be an http(s) URL ending in "/"`);
    const delivery = resolveDeliveryOptions(flags, context);
    if (farm && (delivery.upload || delivery.webhook))
      throw new CaptureError(
        'USAGE',
        'with --redis the workers deliver: give --upload/--webhook to `bbb-capture worker` (the store and webhook secrets stay on the workers, never in Redis)',
      );
    const base = resolveCaptureOptions(flags, context);
    if (farm && isAudioFormat(base.format))
      throw new CaptureError('USAGE', `--format ${base.format} (sound only) is exported locally: the farm's jobs are videos (mp4, mkv or webm)`);
    const outDir = path.resolve(flags.outDir);
    await mkdir(outDir, { recursive: true }).catch((error: unknown) => {
      throw new CaptureError('OUTPUT_NOT_WRITABLE', `cannot create ${outDir}: ${(error as Error).message}`, { cause: error });
    });
    const log = watchLog(flags, context);
    const common = {
      publishedDir: path.resolve(flags.published),
      spoolDir: flags.spool ? path.resolve(flags.spool) : null,
      outDir,
      format: base.format,
      concurrency: flags.concurrency,
      once: flags.once,
      stableMs: flags.stable * 1000,
      retry: resolveRetryPolicy(flags),
      signal: context.signal,
      onEvent: log,
    };

    // Loaded when the command runs, so that --help and the other commands start without them.
    const { runWatch } = await import('../../watch/run-watch.js');
    if (!farm) {
      const { runJob } = await import('../../job/run-job.js');
      const playerDir = flags.player ?? context.env.BBB_CAPTURE_PLAYER;
      const webhook = openWebhookSender(delivery, context);
      const exportLocally: ExportRecording = async (job, signal) => {
        const { url, server } = await resolveInput(job.dir, playerDir, signal);
        try {
          const result = await runJob({
            ...base,
            url,
            output: job.output,
            workers: 1,
            hybrid: true,
            videoOnly: false,
            compose: null,
            replace: job.replace,
            signal,
            onEvent: (event) => {
              if (event.type === 'warning' && !flags.quiet) context.stderr.write(`warning: ${job.recordId}: ${event.message}\n`);
              else if (flags.verbose && event.type === 'stage') context.stderr.write(`  ${job.recordId}: ${event.message}\n`);
            },
          });
          return { output: result.output, queued: false, result };
        } finally {
          await server?.close();
        }
      };
      // After a restart the job's report is gone: the webhook then names the file and the recording only.
      const deliverLocally: DeliverRecording = async (done, signal) => {
        const facts = { ...exportFacts(done.dir, 'watch', done.output, done.result ?? {}), recordingId: done.recordId };
        const uploaded = await deliverExport(done.output, facts, { upload: delivery.upload, webhook, signal });
        return { uploadUrl: uploaded?.url ?? null };
      };
      try {
        await runWatch({
          ...common,
          exportRecording: exportLocally,
          deliver: deliverLocally,
          // Only the last failure is told: a retry may still succeed.
          onGiveUp: (job, error) => webhook?.send(webhookPayload({ source: job.dir, sender: 'watch', recordingId: job.recordId, output: job.output }, { error })),
        });
      } finally {
        await drainWebhooks(webhook, context);
      }
      return;
    }

    const redisUrl = resolveRedisUrl(flags, context);
    const tls = await resolveRedisTls(flags, context, redisUrl);
    const connection = await openRedis(redisUrl, { name: 'bbb-capture-watch', tls });
    const [{ openCaptureQueue }, { enqueueRecordings }] = await Promise.all([import('../../worker/capture-queue.js'), import('../../worker/enqueue-recordings.js')]);
    const queue = openCaptureQueue(connection, flags.queue);
    try {
      const enqueue: ExportRecording = async (job, signal) => {
        const [result] = await enqueueRecordings({
          queue,
          items: [{ index: 0, source: job.dir, url: `${flags.playbackBase}${job.recordId}`, settings: {} }],
          defaults: {
            from: base.from,
            to: base.to ?? null,
            layout: base.layout,
            resolution: flags.resolution as Resolution,
            format: base.format as OutputFormat,
            engine: base.engine,
          },
          nameTemplate: undefined,
          retry: DEFAULT_JOB_RETRY,
          signal,
        });
        const outcome = result!.outcome;
        if (outcome.status === 'refused') throw new CaptureError(outcome.code, outcome.message);
        return { output: outcome.output, queued: true };
      };
      await runWatch({ ...common, exportRecording: enqueue });
    } finally {
      await queue.close();
      await connection.quit().catch(() => connection.disconnect());
    }
  });
}
