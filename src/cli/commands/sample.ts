/**
 * `bbb-capture sample <dir>`: writes a synthetic BBB recording with its ground truth, for trying
 * and testing the recorder without a BBB server.
 */
import path from 'node:path';
import type { Command } from 'commander';
import { CaptureError } from '../../errors.js';
import { findFfmpeg } from '../../process/find-ffmpeg.js';
import { generateRecording } from '../../sample/generate-recording.js';
import { SAMPLE_VARIANTS, type SampleProgress } from '../../sample/sample-options.js';
import { SAMPLE_TRUTH_FILE, type SampleVariant } from '../../sample/sample-truth.js';
import type { CliContext } from '../cli-context.js';

interface SampleFlags {
  variant: string;
  duration: string;
  fps: string;
  ffmpeg?: string;
  json?: boolean;
}

function parseNumber(flag: string, text: string, integer: boolean): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || (integer && !Number.isInteger(value))) {
    throw new CaptureError('USAGE', `--${flag} ${text} is not ${integer ? 'a whole number' : 'a number'}`);
  }
  return value;
}

/** Registers the `sample` command. */
export function registerSample(program: Command, context: CliContext): void {
  program
    .command('sample')
    .description('write a synthetic BBB recording (and its ground truth) to <dir>/<recordId>/')
    .argument('<dir>', 'directory to write the recording into, like /var/bigbluebutton/published/presentation')
    .option('--variant <name>', `what the recording holds: ${SAMPLE_VARIANTS.join(', ')}`, 'full')
    .option('--duration <seconds>', 'length in seconds (3 to 43200)', '60')
    .option('--fps <n>', 'webcam frames per second', '30')
    .option('--ffmpeg <path>', 'ffmpeg binary to use (default: $BBB_CAPTURE_FFMPEG, then ffmpeg-static, then PATH)')
    .option('--json', 'print the result as one JSON line')
    .option('-v, --verbose', 'print details of failures')
    .action(async (dir: string, flags: SampleFlags) => {
      const variant = flags.variant as SampleVariant;
      if (!SAMPLE_VARIANTS.includes(variant)) throw new CaptureError('USAGE', `--variant ${flags.variant} is not one of ${SAMPLE_VARIANTS.join(', ')}`);
      const duration = parseNumber('duration', flags.duration, false);
      const fps = parseNumber('fps', flags.fps, true);
      const ffmpeg = findFfmpeg(flags.ffmpeg ?? context.env.BBB_CAPTURE_FFMPEG, context.env.PATH);
      // A progress line only for a person watching; scripts get the result alone.
      const live = !flags.json && context.stderr.isTTY === true;
      const onProgress = live
        ? ({ stage, fraction }: SampleProgress) => context.stderr.write(`\rbbb-capture: sample: ${stage} ${String(Math.round(fraction * 100)).padStart(3)}%\x1b[K`)
        : undefined;
      const started = Date.now();
      const result = await generateRecording({ root: path.resolve(dir), variant, duration, fps, ffmpeg, signal: context.signal, onProgress });
      if (live) context.stderr.write('\r\x1b[K');
      const seconds = (Date.now() - started) / 1000;
      if (flags.json) {
        context.stdout.write(
          `${JSON.stringify({
            type: 'result',
            recordId: result.recordId,
            dir: result.dir,
            truth: path.join(result.dir, SAMPLE_TRUTH_FILE),
            variant,
            duration: result.truth.duration,
            seconds,
          })}\n`,
        );
      } else {
        context.stdout.write(`${result.recordId}\n${result.dir}\n`);
      }
    });
}
