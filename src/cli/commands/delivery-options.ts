/**
 * Options shared by `record`, `batch`, `watch` and `worker`: where finished files go (object storage) and
 * who hears of them (a webhook). Resolved once here, from the flags over the environment: the
 * usual AWS_* variables for the store, BBB_CAPTURE_WEBHOOK_SECRET for the signing key (secrets on
 * a command line are visible to every user of the machine in ps, so neither has a flag of its own
 * except --webhook-secret, for completeness).
 */
import { type Command, Option } from 'commander';
import { createWebhookSender, DEFAULT_WEBHOOK_TUNING, type WebhookOptions, type WebhookSender } from '../../deliver/create-webhook-sender.js';
import type { DeliveryOptions } from '../../deliver/deliver-export.js';
import { DEFAULT_UPLOAD_TUNING, MIN_PART_SIZE, parseUploadTarget, type UploadOptions } from '../../deliver/upload-options.js';
import { CaptureError } from '../../errors.js';
import type { CliContext } from '../cli-context.js';
import { parseSize } from '../../options/parse-values.js';

export interface DeliveryFlags {
  upload?: string;
  s3Endpoint?: string;
  s3Region?: string;
  s3PathStyle: boolean;
  s3PartSize: number;
  uploadRemoveLocal: boolean;
  webhook?: string;
  webhookSecret?: string;
}

/** How long a process about to exit waits for webhooks still under way, ms. */
export const WEBHOOK_DRAIN_MS = 30_000;

/** Adds --upload, the store's settings, --upload-remove-local, --webhook and --webhook-secret. */
export function addDeliveryOptions(command: Command): Command {
  return command
    .option(
      '--upload <s3://bucket/prefix/>',
      "put each finished file in S3-compatible object storage under this prefix, verified by size and checksum (credentials: AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY [/ AWS_SESSION_TOKEN], else the SDK's profiles and instance roles)",
    )
    .option('--s3-endpoint <url>', 'endpoint of a self-hosted or other S3-compatible store, e.g. http://minio:9000 (env AWS_ENDPOINT_URL_S3 or AWS_ENDPOINT_URL; default: AWS)')
    .option('--s3-region <region>', 'region of the bucket (env AWS_REGION or AWS_DEFAULT_REGION; default us-east-1)')
    .option('--s3-path-style', 'path-style URLs (http://host/bucket/key), which most self-hosted stores (MinIO, Ceph, Garage) need (env AWS_S3_FORCE_PATH_STYLE=true)', false)
    .addOption(
      new Option('--s3-part-size <size>', 'multipart upload part size (at least 5M); files no larger go in one request')
        .argParser(parseSize)
        .default(DEFAULT_UPLOAD_TUNING.partSize, '16M'),
    )
    .option('--upload-remove-local', 'remove the local file once its upload is verified (default: keep it)', false)
    .option('--webhook <url>', 'POST a JSON report after each export (done, or failed for good): recording id, meeting name, output, upload URL, duration, engine, checks, error')
    .option(
      '--webhook-secret <secret>',
      'sign webhooks: X-BBB-Capture-Signature: sha256=<HMAC-SHA256 of the body> (env BBB_CAPTURE_WEBHOOK_SECRET, preferred: a flag shows in ps)',
    );
}

/** The delivery options of the flags and environment; throws USAGE for bad values. */
export function resolveDeliveryOptions(flags: DeliveryFlags, context: CliContext): DeliveryOptions {
  const env = context.env;
  let upload: UploadOptions | null = null;
  if (flags.upload !== undefined) {
    const endpoint = flags.s3Endpoint ?? env.AWS_ENDPOINT_URL_S3 ?? env.AWS_ENDPOINT_URL;
    if (endpoint !== undefined && !/^https?:\/\/[^/]+/i.test(endpoint)) throw new CaptureError('USAGE', `--s3-endpoint "${endpoint}" is not an http(s) URL`);
    if (flags.s3PartSize < MIN_PART_SIZE) throw new CaptureError('USAGE', `--s3-part-size must be at least 5M (S3's smallest part), got ${flags.s3PartSize} bytes`);
    const accessKeyId = env.AWS_ACCESS_KEY_ID;
    const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
    if (!!accessKeyId !== !!secretAccessKey)
      throw new CaptureError('USAGE', 'set both AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or neither (then the SDK looks in profiles and instance roles)');
    upload = {
      ...parseUploadTarget(flags.upload),
      endpoint,
      region: flags.s3Region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1',
      forcePathStyle: flags.s3PathStyle || /^(1|true)$/i.test(env.AWS_S3_FORCE_PATH_STYLE ?? ''),
      credentials: accessKeyId && secretAccessKey ? { accessKeyId, secretAccessKey, sessionToken: env.AWS_SESSION_TOKEN } : undefined,
      partSize: flags.s3PartSize,
      queueSize: DEFAULT_UPLOAD_TUNING.queueSize,
      maxAttempts: DEFAULT_UPLOAD_TUNING.maxAttempts,
      removeLocal: flags.uploadRemoveLocal,
    };
  } else if (flags.uploadRemoveLocal) throw new CaptureError('USAGE', '--upload-remove-local needs --upload s3://bucket/prefix/');
  let webhook: WebhookOptions | null = null;
  const secret = flags.webhookSecret ?? env.BBB_CAPTURE_WEBHOOK_SECRET;
  if (flags.webhook !== undefined) {
    if (!/^https?:\/\/[^/]+/i.test(flags.webhook)) throw new CaptureError('USAGE', `--webhook "${flags.webhook}" is not an http(s) URL`);
    webhook = { url: flags.webhook, secret: secret || undefined, ...DEFAULT_WEBHOOK_TUNING };
  } else if (flags.webhookSecret !== undefined) throw new CaptureError('USAGE', '--webhook-secret needs --webhook URL');
  return { upload, webhook };
}

/** The webhook sender of the options (null without --webhook); failed deliveries are warned about on stderr. */
export function openWebhookSender(delivery: DeliveryOptions, context: CliContext): WebhookSender | null {
  if (!delivery.webhook) return null;
  const url = delivery.webhook.url;
  return createWebhookSender(delivery.webhook, (outcome) => {
    if (!outcome.ok)
      context.stderr.write(`warning: webhook ${outcome.event} to ${url} not delivered after ${outcome.attempts} ${outcome.attempts === 1 ? 'try' : 'tries'}: ${outcome.reason}\n`);
  });
}

/** Waits for webhooks still under way before the process exits (at most WEBHOOK_DRAIN_MS). */
export async function drainWebhooks(sender: WebhookSender | null, context: CliContext): Promise<void> {
  const { abandoned } = (await sender?.drain(WEBHOOK_DRAIN_MS)) ?? { abandoned: 0 };
  if (abandoned > 0) context.stderr.write(`warning: ${abandoned} webhook(s) still unanswered after ${WEBHOOK_DRAIN_MS / 1000} s were abandoned\n`);
}
