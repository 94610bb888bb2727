/**
 * Options shared by `worker`, `enqueue` and `status`: where the queue is.
 */
import { Command, Option } from 'commander';
import { CaptureError } from '../../errors.js';
import { DEFAULT_QUEUE } from '../../worker/capture-queue.js';
import { checkRedisUrl } from '../../worker/open-redis.js';
import type { CliContext } from '../main.js';

export interface QueueFlags {
  redis?: string;
  queue: string;
}

/** Adds --redis and --queue. */
export function addQueueOptions(command: Command): Command {
  return command
    .addOption(new Option('--redis <url>', 'Redis holding the queue: redis://HOST:PORT[/DB] or rediss:// (env BBB_CAPTURE_REDIS)'))
    .addOption(new Option('--queue <name>', 'queue name; farms can share a Redis with different names').default(DEFAULT_QUEUE));
}

/** The Redis URL from --redis or BBB_CAPTURE_REDIS; throws USAGE when neither is set or it is bad. */
export function resolveRedisUrl(flags: QueueFlags, context: CliContext): string {
  const url = flags.redis ?? context.env.BBB_CAPTURE_REDIS;
  if (!url) throw new CaptureError('USAGE', 'no queue: pass --redis redis://HOST:PORT (or set BBB_CAPTURE_REDIS)');
  checkRedisUrl(url);
  if (!/^[A-Za-z0-9_.-]+$/.test(flags.queue)) throw new CaptureError('USAGE', `--queue "${flags.queue}" may only hold letters, digits, ".", "_" and "-"`);
  return url;
}
