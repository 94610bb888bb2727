/**
 * `bbb-capture serve`: serves a folder of recordings with a player, the way a BBB server does, so
 * recordings can be watched (or captured) without one. Stays up until Ctrl-C / SIGTERM.
 */
import type { Command } from 'commander';
import { CaptureError } from '../../errors.js';
import { listRecordings } from '../../server/list-recordings.js';
import { startServer } from '../../server/start-server.js';
import type { CliContext } from '../cli-context.js';

interface ServeFlags {
  recordings: string;
  player?: string;
  port: string;
  host: string;
  verbose?: boolean;
  bbbSecret?: string;
  requireCookie?: string;
  requireHeader?: string;
  requireBasicAuth?: string;
}

/** `NAME=VALUE`, `Name: value` or `USER:PASS` split at its first separator; USAGE naming the option otherwise. */
function pair(text: string | undefined, separator: string, option: string): [string, string] | undefined {
  if (text === undefined) return undefined;
  const at = text.indexOf(separator);
  if (at <= 0)
    throw new CaptureError('USAGE', `${option}: expected ${separator === '=' ? 'NAME=VALUE' : separator === ':' && option.includes('basic') ? 'USER:PASS' : '"Name: value"'}`);
  return [text.slice(0, at).trim(), text.slice(at + 1).trim()];
}

function parsePort(text: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65535) throw new CaptureError('USAGE', `--port ${text} is not a port number (0–65535, 0 picks a free one)`);
  return port;
}

/** Registers `serve`. */
export function registerServe(program: Command, context: CliContext): void {
  program
    .command('serve')
    .description('serve a folder of BBB recordings with a player, as a BBB server would (until Ctrl-C)')
    .requiredOption('--recordings <dir>', 'folder with one sub-folder per recording (like /var/bigbluebutton/published/presentation)')
    .option('--player <dir>', 'a bbb-playback build to serve instead of the bundled stand-in player')
    .option('--port <n>', 'port to listen on (0 picks a free one)', '0')
    .option('--host <host>', 'interface to listen on; anything but loopback exposes the recordings', '127.0.0.1')
    .option(
      '--bbb-secret <secret>',
      'answer /bigbluebutton/api/getRecordings with this shared secret, as a BBB server does (also BBB_CAPTURE_BBB_SECRET); without one the API answers FAILED',
    )
    .option('--require-cookie <name=value>', 'for tests: refuse the player and recordings (403) without this cookie')
    .option('--require-header <"Name: value">', 'for tests: refuse the player and recordings (403) without this header')
    .option('--require-basic-auth <user:pass>', 'for tests: refuse the player and recordings (401, with a challenge) without this basic auth')
    .option('-v, --verbose', 'log every request')
    .action(async (flags: ServeFlags) => {
      const { stdout, stderr, signal } = context;
      const cookie = pair(flags.requireCookie, '=', '--require-cookie');
      const header = pair(flags.requireHeader, ':', '--require-header');
      const basic = pair(flags.requireBasicAuth, ':', '--require-basic-auth');
      const requireAuth =
        cookie || header || basic
          ? {
              cookie: cookie && { name: cookie[0], value: cookie[1] },
              header: header && { name: header[0], value: header[1] },
              basicAuth: basic && { username: basic[0], password: basic[1] },
            }
          : undefined;
      const server = await startServer({
        requireAuth,
        recordingsDir: flags.recordings,
        playerDir: flags.player,
        host: flags.host,
        port: parsePort(flags.port),
        signal,
        bbbSecret: flags.bbbSecret ?? context.env.BBB_CAPTURE_BBB_SECRET,
        onRequest: flags.verbose ? (r) => stderr.write(`${r.status} ${r.method} ${r.url} ${r.ms.toFixed(0)} ms\n`) : undefined,
      });
      try {
        stdout.write(`serving ${server.recordingsDir}\n  base URL: ${server.url}\n  player:   ${server.playerDir}\n`);
        const recordings = await listRecordings(server.recordingsDir);
        if (recordings.length === 0) stdout.write('  no recordings found (sub-folders with a metadata.xml)\n');
        for (const recording of recordings) {
          const note = recording.validId ? '' : '  (not a BBB record id: the player will show error 400)';
          stdout.write(`  ${server.playbackUrl(recording.recordId)}${note}\n`);
        }
        if (flags.bbbSecret ?? context.env.BBB_CAPTURE_BBB_SECRET) stdout.write(`  BBB API:  ${server.url}/bigbluebutton/ (getRecordings)\n`);
        stdout.write('press Ctrl-C to stop\n');
        if (!signal.aborted) await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
      } finally {
        await server.close();
      }
      stdout.write('stopped\n');
    });
}
