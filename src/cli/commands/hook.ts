/**
 * `bbb-capture hook install|uninstall`: the BBB post-publish hook that hands every newly published
 * recording to bbb-capture (a queued job with --redis, else a spool file for `watch --spool`).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Command, Option } from 'commander';
import { CaptureError } from '../../errors.js';
import { hookScript } from '../../hook/hook-script.js';
import { installHook } from '../../hook/install-hook.js';
import { uninstallHook } from '../../hook/uninstall-hook.js';
import { DEFAULT_QUEUE } from '../../worker/queue-defaults.js';
import { checkRedisUrl } from '../../worker/open-redis.js';
import type { CliContext } from '../cli-context.js';
import { parseAmount } from '../../options/parse-values.js';

/** Where BBB 2.x/3.x runs its post-publish scripts from. */
export const DEFAULT_HOOK_DIR = '/usr/local/bigbluebutton/core/scripts/post_publish';
/** Where the hook leaves recordings for `watch --spool` (must be writable by BBB's user, bigbluebutton). */
export const DEFAULT_SPOOL_DIR = '/var/spool/bbb-capture';
/** BBB's published presentation recordings. */
export const DEFAULT_PUBLISHED_DIR = '/var/bigbluebutton/published/presentation';
const DEFAULT_LOG = '/var/log/bigbluebutton/bbb-capture-hook.log';

interface InstallFlags {
  dir: string;
  spool: string;
  published: string;
  redis?: string;
  queue: string;
  playbackBase?: string;
  bin?: string;
  log: string;
  timeout: number;
}

/** This installation's CLI: the hook runs the same Node with the same entry point. */
function defaultCommand(): string[] {
  return [process.execPath, fileURLToPath(new URL('../../../bin/bbb-capture.js', import.meta.url))];
}

export function registerHook(program: Command, context: CliContext): void {
  const hook = program.command('hook').description('the BBB post-publish hook that hands each newly published recording to bbb-capture');
  hook
    .command('install')
    .description(
      `write ${'bbb-capture.rb'} into BBB's post_publish scripts: with --redis it queues each published recording (enqueue), otherwise it leaves a spool file for \`watch --spool\`; it never fails or holds up BBB's publishing`,
    )
    .option('--dir <dir>', "BBB's post_publish scripts directory", DEFAULT_HOOK_DIR)
    .option('--spool <dir>', "spool directory for `watch --spool` (BBB's user must be able to write it); also used when the queue cannot be reached", DEFAULT_SPOOL_DIR)
    .option('--published <dir>', "BBB's published presentation recordings", DEFAULT_PUBLISHED_DIR)
    .option('--redis <url>', 'queue recordings on this Redis (redis:// or rediss://) instead of spooling them; needs --playback-base')
    .option('--queue <name>', 'queue name', DEFAULT_QUEUE)
    .option('--playback-base <url>', 'with --redis: playback URL without the record id, e.g. https://bbb.example.org/playback/presentation/2.3/')
    .option('--bin <path>', 'bbb-capture executable the hook runs (default: this installation, with this Node)')
    .option('--log <file>', "the hook's log (stderr, i.e. BBB's own log, when it cannot be written)", DEFAULT_LOG)
    .addOption(new Option('--timeout <s>', 'longest an enqueue may take before the hook kills it and spools the recording').argParser(parseAmount).default(10))
    .action(async (flags: InstallFlags) => {
      if (flags.redis !== undefined) {
        checkRedisUrl(flags.redis);
        if (flags.playbackBase === undefined)
          throw new CaptureError('USAGE', '--redis needs --playback-base https://HOST/playback/presentation/2.3/ (workers fetch recordings by their playback URL)');
      }
      if (flags.playbackBase !== undefined && !/^https?:\/\/[^/]+\/.*\/$/.test(flags.playbackBase))
        throw new CaptureError('USAGE', `--playback-base "${flags.playbackBase}" must be an http(s) URL ending in "/", e.g. https://bbb.example.org/playback/presentation/2.3/`);
      if (!/^[A-Za-z0-9_.-]+$/.test(flags.queue)) throw new CaptureError('USAGE', `--queue "${flags.queue}" may only hold letters, digits, ".", "_" and "-"`);
      if (!(flags.timeout > 0)) throw new CaptureError('USAGE', `--timeout must be more than 0, got ${flags.timeout}`);
      const script = hookScript({
        publishedDir: path.resolve(flags.published),
        spoolDir: path.resolve(flags.spool),
        redis: flags.redis ?? null,
        queue: flags.queue,
        playbackBase: flags.redis !== undefined ? flags.playbackBase! : null,
        command: flags.bin !== undefined ? [path.resolve(flags.bin)] : defaultCommand(),
        logFile: path.resolve(flags.log),
        timeoutS: flags.timeout,
      });
      const file = await installHook(path.resolve(flags.dir), script);
      context.stderr.write(
        `installed ${file}: ${flags.redis !== undefined ? `queues recordings on ${flags.queue}` : `spools recordings to ${path.resolve(flags.spool)} for \`watch --spool\``}; log ${path.resolve(flags.log)}\n`,
      );
    });
  hook
    .command('uninstall')
    .description('remove the hook `hook install` wrote (only that file, recognised by its marker line)')
    .option('--dir <dir>', "BBB's post_publish scripts directory", DEFAULT_HOOK_DIR)
    .action(async (flags: { dir: string }) => {
      const removed = await uninstallHook(path.resolve(flags.dir));
      context.stderr.write(removed ? `removed ${removed}\n` : `no bbb-capture hook in ${path.resolve(flags.dir)}\n`);
    });
}
