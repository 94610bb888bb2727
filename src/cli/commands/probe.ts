/** `bbb-capture probe <playback-url | recording-dir>`: what a recording holds, as JSON. */
import type { Command } from 'commander';
import { probeRecording } from '../../layout/probe-recording.js';
import { findFfmpeg } from '../../process/find-ffmpeg.js';
import type { CliContext } from '../cli-context.js';
import { resolveInput } from './record.js';

export function registerProbe(program: Command, context: CliContext): void {
  program
    .command('probe')
    .description('print what a recording holds as JSON: duration, content kinds, camera intervals with tile boxes (found in the webcam video), slide changes')
    .argument('<input>', 'playback URL or a local recording directory')
    .option('--ffmpeg <path>', 'ffmpeg executable (default: ffmpeg-static if installed, else ffmpeg on PATH; env BBB_CAPTURE_FFMPEG)')
    .option('--player <dir>', 'player build served for local recording directories')
    .action(async (input: string, flags: { ffmpeg?: string; player?: string }) => {
      const { url, server } = await resolveInput(input, flags.player ?? context.env.BBB_CAPTURE_PLAYER, context.signal);
      try {
        const probe = await probeRecording(url, { tools: findFfmpeg(flags.ffmpeg ?? context.env.BBB_CAPTURE_FFMPEG), signal: context.signal });
        context.stdout.write(`${JSON.stringify(probe, null, 2)}\n`);
      } finally {
        await server?.close();
      }
    });
}
