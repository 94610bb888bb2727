/**
 * `bbb-capture status --redis URL`: jobs per state, running captures and how far they are, failures
 * with their error code and message, finished files with their paths.
 */
import { type Command, Option } from 'commander';
import { openRedis, redactRedisUrl } from '../../worker/open-redis.js';
import type { CliContext } from '../cli-context.js';
import { parseConcurrency } from './batch.js';
import { addQueueOptions, resolveRedisTls, resolveRedisUrl, type QueueFlags } from './queue-options.js';

interface StatusFlags extends QueueFlags {
  json: boolean;
  limit: number;
}

export function registerStatus(program: Command, context: CliContext): void {
  const command = program
    .command('status')
    .description('show the capture queue: counts per state, running, failed (with error codes) and completed jobs')
    .addOption(new Option('--limit <n>', 'jobs listed per state, newest first').argParser((v) => parseConcurrency(v) as number).default(20))
    .option('--json', 'the status as one JSON document on stdout', false);
  addQueueOptions(command);
  command.action(async (flags: StatusFlags) => {
    // Loaded when the command runs, so that --help and the other commands start without them.
    const [{ openCaptureQueue }, { formatQueueStatus, readQueueStatus }] = await Promise.all([
      import('../../worker/capture-queue.js'),
      import('../../worker/read-queue-status.js'),
    ]);
    const redisUrl = resolveRedisUrl(flags, context);
    const tls = await resolveRedisTls(flags, context, redisUrl);
    const connection = await openRedis(redisUrl, { name: 'bbb-capture-status', tls });
    const queue = openCaptureQueue(connection, flags.queue);
    try {
      const status = await readQueueStatus(queue, { limit: flags.limit });
      if (flags.json) context.stdout.write(`${JSON.stringify(status)}\n`);
      else context.stdout.write(formatQueueStatus(status, redactRedisUrl(redisUrl)));
    } finally {
      await queue.close();
      await connection.quit().catch(() => connection.disconnect());
    }
  });
}
