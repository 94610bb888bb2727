/**
 * `bbb-capture batch <list> --out-dir DIR`: many recordings, a few at a time, resumable.
 * Exit code 0 when every item is done, 3 (BATCH_FAILED) when any failed or was not run, 130 when
 * stopped by a signal; the journal in DIR lets the same command finish the rest.
 */
import path from 'node:path';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { autoConcurrency, machineResources } from '../../batch/auto-concurrency.js';
import { batchReport, formatBatchSummary } from '../../batch/batch-report.js';
import { validateNameTemplate } from '../../batch/name-template.js';
import { readBatchList } from '../../batch/parse-batch-list.js';
import { DEFAULT_RETRY_POLICY } from '../../batch/retry-policy.js';
import type { runBatch } from '../../batch/run-batch.js';
import { writeJsonAtomic } from '../../batch/write-json-atomic.js';
import { listBbbRecordings } from '../../bbb-api/list-bbb-recordings.js';
import { CaptureError } from '../../errors.js';
import type { CliContext } from '../cli-context.js';
import { createBatchProgressReporter } from '../batch-progress-reporter.js';
import { addBbbApiOptions, describeBbbSelection, resolveBbbApiQuery, type BbbApiFlags } from './bbb-api-options.js';
import { addCaptureOptions, resolveCaptureOptions } from './record.js';
import { addDeliveryOptions, drainWebhooks, openWebhookSender, resolveDeliveryOptions, type DeliveryFlags } from './delivery-options.js';

type CaptureFlags = Parameters<typeof resolveCaptureOptions>[0];

interface BatchFlags extends CaptureFlags, BbbApiFlags, DeliveryFlags {
  outDir: string;
  concurrency: number | 'auto';
  nameTemplate?: string;
  retries: number;
  retryDelay: number;
  failFast: boolean;
  report?: string;
}

/** A whole number ≥ 0. */
export function parseCount(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n)) throw new InvalidArgumentError(`"${value}" is not a whole number ≥ 0`);
  return n;
}

/** A whole number ≥ 1, or "auto". */
export function parseConcurrency(value: string): number | 'auto' {
  if (value.trim().toLowerCase() === 'auto') return 'auto';
  const n = parseCount(value);
  if (n < 1) throw new InvalidArgumentError(`"${value}" is not a concurrency (expected a whole number ≥ 1, or auto)`);
  return n;
}

/** Seconds ≥ 0, fractions allowed. */
function parseSeconds(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0) throw new InvalidArgumentError(`"${value}" is not a number of seconds ≥ 0`);
  return n;
}

export function registerBatch(program: Command, context: CliContext): void {
  const command = program
    .command('batch')
    .description('record many recordings, several at a time; run the same command again to resume')
    .argument('[list]', 'text file of playback URLs (one a line, # comments), or CSV/JSON with per-item output,from,to,layout,resolution,format')
    .option('-d, --out-dir <dir>', 'where the videos, the journal (.bbb-capture-batch.json) and the staging directory go', '.')
    .addOption(new Option('-c, --concurrency <n|auto>', 'captures at once; auto: from cores, memory and resolution (see docs/farm.md)').argParser(parseConcurrency).default('auto'))
    .option('--name-template <template>', 'output names from {meetingName} {date} {time} {recordId} {meetingId} (default: "{meetingName} {date} {time}")')
    .addOption(
      new Option('--retries <n>', 'retries of a capture that failed for a transient reason (network, crash, stall)').argParser(parseCount).default(DEFAULT_RETRY_POLICY.retries),
    )
    .addOption(
      new Option('--retry-delay <s>', 'wait before the first retry; each next wait is 4 times longer').argParser(parseSeconds).default(DEFAULT_RETRY_POLICY.delayMs / 1000),
    )
    .option('--fail-fast', 'stop at the first recording that fails for good (in-flight captures are stopped too)', false)
    .option('--report <file>', "write a JSON report: every item's status, output, attempts, duration, error code and message");
  addBbbApiOptions(command);
  addDeliveryOptions(command);
  addCaptureOptions(command).action(async (listArg: string | undefined, flags: BatchFlags) => {
    const delivery = resolveDeliveryOptions(flags, context);
    const api = resolveBbbApiQuery(flags, context);
    if (api && listArg !== undefined) throw new CaptureError('USAGE', `give either a list file (${listArg}) or --bbb-url, not both`);
    if (!api && listArg === undefined) throw new CaptureError('USAGE', 'no recordings: give a list file, or --bbb-url to take them from a BBB server');
    // The report names where the items came from: the list, or the API call (never its secret).
    const list = listArg ?? `${api!.url}api/getRecordings`;
    let items: Awaited<ReturnType<typeof readBatchList>>;
    if (api) {
      const listing = await listBbbRecordings(api, { signal: context.signal });
      for (const skip of listing.skipped) context.stderr.write(`skipped ${skip.recordId}: ${skip.why}\n`);
      if (listing.items.length === 0) {
        context.stderr.write(`no recordings on ${api.url} matched ${describeBbbSelection(api)}: nothing to do\n`);
        return;
      }
      if (!flags.quiet && !flags.json) context.stderr.write(`${listing.items.length} recordings from ${api.url}\n`);
      items = listing.items;
    } else items = await readBatchList(list);
    if (flags.nameTemplate !== undefined) validateNameTemplate(flags.nameTemplate);
    const base = resolveCaptureOptions(flags, context);
    if (base.engine === 'render' && base.format === 'webm')
      throw new CaptureError('USAGE', 'the render engine writes H.264 + AAC: use --format mp4 or mkv (or --engine capture or auto for WebM)');
    // What auto will most likely choose, for sizing the concurrency (the job decides per recording).
    const engine = base.engine === 'auto' ? (base.format === 'webm' ? 'capture' : 'render') : base.engine;
    let concurrency: number;
    if (flags.concurrency === 'auto') {
      const machine = machineResources();
      const estimate = autoConcurrency(machine, base, engine);
      concurrency = estimate.concurrency;
      if (!flags.quiet && !flags.json) {
        context.stderr.write(
          `concurrency ${concurrency} (auto: ${machine.cores} cores / ${estimate.coresPerCapture.toFixed(2)} per ${base.width}x${base.height} ${engine}, ${(machine.memoryBytes / 2 ** 30).toFixed(1)} GiB / ${(estimate.memoryPerCapture / 2 ** 30).toFixed(2)} GiB; limited by ${estimate.limitedBy}; --concurrency N to override)\n`,
        );
      }
    } else concurrency = flags.concurrency;

    const reporter = createBatchProgressReporter({ json: flags.json, verbose: flags.verbose, quiet: flags.quiet, stdout: context.stdout, stderr: context.stderr });
    let result: Awaited<ReturnType<typeof runBatch>> | undefined;
    const webhook = openWebhookSender(delivery, context);
    try {
      const { runBatch } = await import('../../batch/run-batch.js');
      result = await runBatch({
        items,
        outDir: flags.outDir,
        concurrency,
        base,
        nameTemplate: flags.nameTemplate,
        retry: { ...DEFAULT_RETRY_POLICY, retries: flags.retries, delayMs: flags.retryDelay * 1000 },
        failFast: flags.failFast,
        signal: context.signal,
        onEvent: (event) => reporter.onEvent(event),
        delivery: { upload: delivery.upload, webhook },
      });
    } finally {
      reporter.stop();
      await drainWebhooks(webhook, context);
    }
    if (flags.report) await writeJsonAtomic(path.resolve(flags.report), batchReport(result, api ? list : path.resolve(list)));
    if (flags.json) context.stdout.write(`${JSON.stringify({ type: 'result', ...batchReport(result, api ? list : path.resolve(list)) })}\n`);
    if (!flags.quiet || result.counts.done !== result.items.length - result.counts.duplicate) context.stderr.write(formatBatchSummary(result));
    if (result.stopped === 'signal') throw new CaptureError('ABORTED', 'batch stopped by a signal; run the same command again to finish it');
    const notDone = result.items.length - result.counts.done - result.counts.duplicate;
    if (notDone > 0) {
      throw new CaptureError(
        'BATCH_FAILED',
        `${notDone} of ${result.items.length} recordings not done (${result.counts.failed} failed)${flags.report ? `; see ${flags.report}` : ''}`,
      );
    }
  });
}
