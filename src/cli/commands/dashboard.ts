/**
 * `bbb-capture dashboard --redis URL`: a web page of the capture queue (bull-board) until stopped.
 * Loopback only unless --token or --basic-auth is given (USAGE otherwise): it can retry and remove jobs.
 */
import { type Command, Option } from 'commander';
import { CaptureError } from '../../errors.js';
import { openRedis, redactRedisUrl } from '../../worker/open-redis.js';
import type { DashboardAuth } from '../../worker/serve-dashboard.js';
import { isLoopbackHost } from '../../worker/is-loopback-host.js';
import type { CliContext } from '../cli-context.js';
import { parseCount } from './batch.js';
import { addQueueOptions, resolveRedisTls, resolveRedisUrl, type QueueFlags } from './queue-options.js';

interface DashboardFlags extends QueueFlags {
  port: number;
  host: string;
  token?: string;
  basicAuth?: string;
}

/** --token / --basic-auth (or BBB_CAPTURE_DASHBOARD_TOKEN / _BASIC_AUTH) as one choice. */
function resolveAuth(flags: DashboardFlags, context: CliContext): DashboardAuth {
  const token = flags.token ?? (context.env.BBB_CAPTURE_DASHBOARD_TOKEN || undefined);
  const basic = flags.basicAuth ?? (context.env.BBB_CAPTURE_DASHBOARD_BASIC_AUTH || undefined);
  if (token && basic) throw new CaptureError('USAGE', 'give either --token or --basic-auth, not both');
  if (token !== undefined) {
    if (token.length < 16) throw new CaptureError('USAGE', '--token must be at least 16 characters (e.g. openssl rand -hex 16)');
    return { kind: 'token', token };
  }
  if (basic !== undefined) {
    const i = basic.indexOf(':');
    if (i < 1 || i === basic.length - 1) throw new CaptureError('USAGE', '--basic-auth must be USER:PASSWORD');
    return { kind: 'basic', user: basic.slice(0, i), password: basic.slice(i + 1) };
  }
  return null;
}

export function registerDashboard(program: Command, context: CliContext): void {
  const command = program
    .command('dashboard')
    .description('serve a web dashboard of the capture queue (waiting, active, done, failed with errors; retry and remove jobs) until stopped')
    .addOption(new Option('--port <n>', 'port to listen on').argParser(parseCount).default(3000))
    .option('--host <address>', 'address to listen on; anything but loopback needs --token or --basic-auth', '127.0.0.1')
    .option(
      '--token <token>',
      'require this token: open http://HOST:PORT/?token=TOKEN once (a cookie keeps it), or send Authorization: Bearer TOKEN (env BBB_CAPTURE_DASHBOARD_TOKEN, preferred: a flag shows in ps)',
    )
    .option('--basic-auth <user:password>', 'require HTTP basic authentication (env BBB_CAPTURE_DASHBOARD_BASIC_AUTH)');
  addQueueOptions(command);
  command.action(async (flags: DashboardFlags) => {
    // Loaded when the command runs, so that --help and the other commands start without them.
    const [{ openCaptureQueue }, { DASHBOARD_EXPOSED, serveDashboard }] = await Promise.all([import('../../worker/capture-queue.js'), import('../../worker/serve-dashboard.js')]);
    const auth = resolveAuth(flags, context);
    // Before anything connects: the refusal needs no Redis.
    if (!isLoopbackHost(flags.host) && !auth) throw new CaptureError('USAGE', DASHBOARD_EXPOSED(flags.host));
    const redisUrl = resolveRedisUrl(flags, context);
    const tls = await resolveRedisTls(flags, context, redisUrl);
    const connection = await openRedis(redisUrl, { name: 'bbb-capture-dashboard', tls });
    const queue = openCaptureQueue(connection, flags.queue);
    try {
      const dashboard = await serveDashboard({ queue, host: flags.host, port: flags.port, auth });
      context.stderr.write(
        `dashboard of queue ${flags.queue} on ${redactRedisUrl(redisUrl)} at ${dashboard.url}${auth ? ` (${auth.kind === 'token' ? 'token' : 'basic auth'} required)` : ''}\n`,
      );
      await new Promise<void>((resolve) => {
        if (context.signal.aborted) resolve();
        context.signal.addEventListener('abort', () => resolve(), { once: true });
      });
      await dashboard.close();
    } finally {
      await queue.close();
      await connection.quit().catch(() => connection.disconnect());
    }
  });
}
