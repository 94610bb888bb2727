/**
 * `bbb-capture worker --redis URL --out-dir DIR`: takes capture jobs from the queue until stopped.
 * SIGTERM / Ctrl-C: running captures are aborted and requeued (or, with --on-stop finish, run to
 * the end), then the worker closes; a second signal exits at once.
 */
import os from 'node:os';
import { type Command, Option } from 'commander';
import { autoConcurrency, machineResources } from '../../batch/auto-concurrency.js';
import { RESOLUTIONS } from '../../options/record-options.js';
import type { WorkerEvent } from '../../worker/run-worker.js';
import { DEFAULT_DISK_WATCH, DEFAULT_LOCK_SETTINGS } from '../../worker/worker-defaults.js';
import type { CliContext } from '../cli-context.js';
import { parseAmount, parseSize } from '../../options/parse-values.js';
import { parseConcurrency, parseCount } from './batch.js';
import { addQueueOptions, resolveRedisTls, resolveRedisUrl, type QueueFlags } from './queue-options.js';
import { addCaptureOptions, resolveCaptureOptions } from './record.js';
import { addDeliveryOptions, drainWebhooks, openWebhookSender, resolveDeliveryOptions, type DeliveryFlags } from './delivery-options.js';
import type { CaptureQueue } from '../../worker/capture-queue.js';
import { openRedis } from '../../worker/open-redis.js';
import type { WorkerMetrics } from '../../worker/serve-worker-metrics.js';

type CaptureFlags = Parameters<typeof resolveCaptureOptions>[0];

interface WorkerFlags extends CaptureFlags, QueueFlags, DeliveryFlags {
  metricsPort?: number;
  metricsHost: string;
  outDir: string;
  concurrency: number | 'auto';
  lockDuration: number;
  stalledInterval: number;
  maxStalled: number;
  onStop: 'requeue' | 'finish';
  minFree: number;
  name?: string;
}

const gib = (bytes: number) => `${(bytes / 1024 ** 3).toFixed(1)} GiB`;

/** Set per job at enqueue time; the worker's values would be ignored, so they are not offered. */
const JOB_OPTIONS = ['--resolution', '--layout', '--from', '--to', '--format'];

/** Log lines: JSON on stdout (--json or not a TTY), else short human lines on stderr. */
function workerLog(flags: WorkerFlags, context: CliContext): (event: WorkerEvent) => void {
  const json = flags.json || !context.stdout.isTTY;
  const lastProgress = new Map<string, number>();
  return (event) => {
    if (event.type === 'job-event') {
      const inner = event.event;
      if (inner.type === 'log' && !flags.verbose) return;
      if (inner.type === 'progress') {
        // A worker runs for days: one progress line per job every 10 s is plenty.
        if (Date.now() - (lastProgress.get(event.jobId) ?? 0) < 10_000) return;
        lastProgress.set(event.jobId, Date.now());
      }
      if (json) context.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), jobId: event.jobId, output: event.output, ...inner })}\n`);
      else if (inner.type === 'warning') context.stderr.write(`warning: ${event.output}: ${inner.message}\n`);
      else if (inner.type === 'log') context.stderr.write(`[${event.output} ${inner.source}] ${inner.line}\n`);
      else if (inner.type === 'progress' && !flags.quiet) context.stderr.write(`  ${event.output}: ${Math.round(inner.position)}/${Math.round(inner.duration)} s\n`);
      return;
    }
    if (json) {
      context.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), ...event })}\n`);
      return;
    }
    const line = (() => {
      switch (event.type) {
        case 'worker-ready':
          return `worker ${event.worker}: queue ${event.queue} on ${event.redis}, ${event.concurrency} at a time, writing to ${event.outDir}`;
        case 'job-start':
          return `start  ${event.output} (attempt ${event.attempt}) ${event.url}`;
        case 'job-done':
          return `done   ${event.path} (${event.durationS.toFixed(1)} s in ${(event.wallMs / 1000).toFixed(1)} s)`;
        case 'job-failed':
          return `failed ${event.output}: ${event.code}: ${event.message}${event.willRetry ? ' (will retry)' : ''}`;
        case 'job-requeued':
          return `requeued ${event.output}`;
        case 'job-lock-lost':
          return `lost the lock on ${event.output} [${event.jobId}]: its capture is stopped (the job runs again elsewhere)`;
        case 'job-stalled':
          return `stalled job ${event.jobId} (its worker died) is back in the queue`;
        case 'worker-error':
          return `error: ${event.message}`;
        case 'worker-paused':
          return `PAUSED: the disk of ${event.outDir} is full (${gib(event.freeBytes)} free); taking no jobs until ${gib(event.resumeAtBytes)} are free`;
        case 'worker-resumed':
          return `resumed: ${gib(event.freeBytes)} free, taking jobs again`;
        case 'worker-stopping':
          return event.onStop === 'requeue' ? 'stopping: aborting running captures and requeueing them' : 'stopping: finishing running captures';
        case 'worker-closed':
          return `worker closed: ${event.completed} completed, ${event.failed} failed, ${event.requeued} requeued`;
        default:
          return undefined;
      }
    })();
    if (line && (!flags.quiet || event.type === 'job-failed' || event.type === 'job-lock-lost' || event.type === 'worker-error' || event.type === 'worker-paused'))
      context.stderr.write(`${line}\n`);
  };
}

export function registerWorker(program: Command, context: CliContext): void {
  const command = program
    .command('worker')
    .description('capture recordings from a Redis queue (fed by `enqueue`) until stopped; run as many as you like, on any hosts')
    .option('-d, --out-dir <dir>', 'where the videos go (shared by all workers, e.g. over NFS)', '.')
    .addOption(new Option('-c, --concurrency <n|auto>', 'captures at once on this worker; auto: from cores and memory, sized for 1080p').argParser(parseConcurrency).default(1))
    .addOption(
      new Option('--lock-duration <s>', "job lock lifetime; a dead worker's job is taken over after about this plus --stalled-interval")
        .argParser(parseAmount)
        .default(DEFAULT_LOCK_SETTINGS.lockDurationMs / 1000),
    )
    .addOption(new Option('--stalled-interval <s>', 'how often to look for jobs whose worker died').argParser(parseAmount).default(DEFAULT_LOCK_SETTINGS.stalledIntervalMs / 1000))
    .addOption(new Option('--max-stalled <n>', 'how many worker deaths a job survives before it fails').argParser(parseCount).default(DEFAULT_LOCK_SETTINGS.maxStalledCount))
    .addOption(
      new Option('--min-free <size>', "take no job while the out dir's disk has less free (e.g. 500M, 2G); a full disk pauses the worker until this much is free")
        .argParser(parseSize)
        .default(DEFAULT_DISK_WATCH.minFreeBytes, '2G'),
    )
    .addOption(new Option('--on-stop <what>', 'on SIGTERM/Ctrl-C: requeue running captures (abort them) or finish them first').choices(['requeue', 'finish']).default('requeue'))
    .option('--name <name>', "this worker's name in job records (default: host:pid)")
    .addOption(
      new Option(
        '--metrics-port <n>',
        'serve Prometheus metrics at http://HOST:N/metrics: jobs done/failed by code, job duration, realtime factor, video and webcam frames delivered, active captures, queue depth',
      ).argParser(parseCount),
    )
    .option('--metrics-host <host>', 'address the metrics are served on (0.0.0.0 for a Prometheus on another host)', '127.0.0.1');
  addQueueOptions(command);
  addDeliveryOptions(command);
  addCaptureOptions(command);
  for (const option of command.options) if (option.long && JOB_OPTIONS.includes(option.long)) option.hideHelp();
  command.action(async (flags: WorkerFlags) => {
    // Loaded when the command runs, so that --help and the other commands start without them.
    const [{ runWorker }, { openCaptureQueue, queueRedis }, { QUEUE_STATES, serveWorkerMetrics }] = await Promise.all([
      import('../../worker/run-worker.js'),
      import('../../worker/capture-queue.js'),
      import('../../worker/serve-worker-metrics.js'),
    ]);
    const redisUrl = resolveRedisUrl(flags, context);
    const redisTls = await resolveRedisTls(flags, context, redisUrl);
    const base = resolveCaptureOptions(flags, context);
    const delivery = resolveDeliveryOptions(flags, context);
    const concurrency = flags.concurrency === 'auto' ? autoConcurrency(machineResources(), RESOLUTIONS['1920x1080']).concurrency : flags.concurrency;
    const name = flags.name ?? `${os.hostname()}:${process.pid}`;
    const log = workerLog(flags, context);
    let metrics: WorkerMetrics | undefined;
    let metricsQueue: CaptureQueue | undefined;
    if (flags.metricsPort !== undefined) {
      const connection = await openRedis(redisUrl, { name: `bbb-capture-metrics:${name}`, tls: redisTls });
      metricsQueue = openCaptureQueue(connection, flags.queue);
      const queue = metricsQueue;
      metrics = await serveWorkerMetrics({ host: flags.metricsHost, port: flags.metricsPort, worker: name, queueCounts: () => queue.getJobCounts(...QUEUE_STATES) }).catch(
        async (error: unknown) => {
          await queue.close();
          await connection.quit();
          throw error;
        },
      );
      if (!flags.quiet) context.stderr.write(`metrics at ${metrics.url}\n`);
    }
    const webhook = openWebhookSender(delivery, context);
    try {
      await runWorker({
        redisUrl,
        redisTls,
        queueName: flags.queue,
        outDir: flags.outDir,
        concurrency,
        base,
        name,
        lockDurationMs: flags.lockDuration * 1000,
        stalledIntervalMs: flags.stalledInterval * 1000,
        maxStalledCount: flags.maxStalled,
        onStop: flags.onStop,
        minFreeBytes: flags.minFree,
        diskPollMs: DEFAULT_DISK_WATCH.diskPollMs,
        signal: context.signal,
        onEvent: (event) => {
          metrics?.observe(event);
          log(event);
        },
        delivery: { upload: delivery.upload, webhook },
      });
    } finally {
      await drainWebhooks(webhook, context);
      await metrics?.close();
      if (metricsQueue) {
        const connection = queueRedis(metricsQueue);
        await metricsQueue.close();
        await connection.quit().catch(() => undefined);
      }
    }
  });
}
