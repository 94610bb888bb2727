/**
 * Options shared by `worker`, `enqueue` and `status`: where the queue is.
 */
import { type Command, Option } from 'commander';
import { CaptureError } from '../../errors.js';
import { DEFAULT_QUEUE } from '../../worker/queue-defaults.js';
import { checkRedisUrl } from '../../worker/open-redis.js';
import { readRedisTls, type RedisTls, type TlsFileSource } from '../../worker/read-redis-tls.js';
import type { CliContext } from '../cli-context.js';

export interface QueueFlags {
  redis?: string;
  queue: string;
  redisCa?: string;
  redisCert?: string;
  redisKey?: string;
}

/** Adds --redis, --queue and the TLS files of a rediss:// queue. */
export function addQueueOptions(command: Command): Command {
  return command
    .addOption(new Option('--redis <url>', 'Redis holding the queue: redis://HOST:PORT[/DB] or rediss:// (env BBB_CAPTURE_REDIS)'))
    .addOption(new Option('--redis-ca <file>', 'rediss://: PEM CA certificate(s) to verify the server by (env BBB_CAPTURE_REDIS_CA)'))
    .addOption(new Option('--redis-cert <file>', 'rediss://: PEM client certificate, for servers that require one (env BBB_CAPTURE_REDIS_CERT)'))
    .addOption(new Option('--redis-key <file>', 'rediss://: PEM private key of --redis-cert (env BBB_CAPTURE_REDIS_KEY)'))
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

/** The TLS files of a rediss:// queue, from the options or else BBB_CAPTURE_REDIS_CA/_CERT/_KEY, read. */
export async function resolveRedisTls(flags: QueueFlags, context: CliContext, url: string): Promise<RedisTls | undefined> {
  const source = (flag: string | undefined, option: string, env: string): TlsFileSource | undefined => {
    if (flag) return { path: flag, from: option };
    const fromEnv = context.env[env];
    return fromEnv ? { path: fromEnv, from: env } : undefined;
  };
  return readRedisTls(url, {
    ca: source(flags.redisCa, '--redis-ca', 'BBB_CAPTURE_REDIS_CA'),
    cert: source(flags.redisCert, '--redis-cert', 'BBB_CAPTURE_REDIS_CERT'),
    key: source(flags.redisKey, '--redis-key', 'BBB_CAPTURE_REDIS_KEY'),
  });
}
