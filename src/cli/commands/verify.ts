/**
 * `bbb-capture verify <video> --recording <dir>`: the fidelity meter on an exported synthetic
 * recording, printed as JSON; `--assert` turns missed targets into exit code 60. Without
 * --recording, `--duration` runs the light check the recorder uses on real recordings.
 */
import { type Command, InvalidArgumentError, Option } from 'commander';
import { CaptureError } from '../../errors.js';
import { findFfmpeg } from '../../process/find-ffmpeg.js';
import { checkTargets, DEFAULT_TARGETS } from '../../verify/check-targets.js';
import type { FidelitySource } from '../../verify/fidelity-report.js';
import { measureFidelity } from '../../verify/measure-fidelity.js';
import { verifyOutput } from '../../verify/verify-output.js';
import type { CliContext } from '../cli-context.js';
import { parseAmount, parseTime } from '../../options/parse-values.js';

interface VerifyFlags {
  recording?: string;
  from?: number;
  to?: number;
  duration?: number;
  ffmpeg?: string;
  maxWidth?: number;
  assert: boolean;
  minDelivered: number;
  maxAvSync: number;
  maxLeading?: number;
  maxEndError: number;
  sources?: FidelitySource[];
  audio: boolean;
}

const SOURCES: readonly FidelitySource[] = ['cameras', 'screenshare', 'slides'];

/** A comma-separated list of picture sources. */
function parseSources(value: string): FidelitySource[] {
  const list = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const bad = list.filter((s) => !(SOURCES as readonly string[]).includes(s));
  if (bad.length > 0 || list.length === 0) throw new InvalidArgumentError(`"${value}" is not a list of ${SOURCES.join(', ')}`);
  return list as FidelitySource[];
}

/** A ratio in 0..1 (`0.98`) or a percentage (`98%`). */
function parseRatio(value: string): number {
  const m = /^(\d+(?:\.\d+)?)(%?)$/.exec(value.trim());
  const n = m ? Number(m[1]) / (m[2] ? 100 : 1) : Number.NaN;
  if (!(n >= 0 && n <= 1)) throw new InvalidArgumentError(`"${value}" is not a ratio (expected 0..1 or a percentage such as 98%)`);
  return n;
}

/** Milliseconds, ≥ 0. */
function parseMs(value: string): number {
  const n = Number(value);
  if (!(n >= 0)) throw new InvalidArgumentError(`"${value}" is not a number of milliseconds`);
  return n;
}

export function registerVerify(program: Command, context: CliContext): void {
  program
    .command('verify')
    .description('measure how faithfully a video reproduces a synthetic recording (frames delivered, freezes, A/V sync, start and end); prints JSON')
    .argument('<video>', 'the exported video file')
    .option('--recording <dir>', 'the synthetic recording it was made from (made by `bbb-capture sample`; holds bbb-capture-sample.json)')
    .addOption(new Option('--from <time>', 'start of the exported part, on the recording (default 0)').argParser(parseTime))
    .addOption(new Option('--to <time>', 'end of the exported part (default: the end of the recording)').argParser(parseTime))
    .addOption(
      new Option(
        '--sources <list>',
        'what the video shows, when not everything: e.g. cameras (the webcams video itself, webcams layout) or slides,screenshare (content layout)',
      ).argParser(parseSources),
    )
    .addOption(new Option('--duration <time>', 'without --recording: expected length for the light check (streams, length, sound, no black start)').argParser(parseTime))
    .option('--no-audio', 'with --duration: the file need not have sound')
    .addOption(new Option('--ffmpeg <path>', 'ffmpeg executable (default: ffmpeg-static if installed, else ffmpeg on PATH; env BBB_CAPTURE_FFMPEG)'))
    .addOption(new Option('--max-width <px>', 'scale frames down to this width before reading codes (speed)').argParser(parseAmount))
    .option('--assert', 'fail (exit 60) when a target is missed; the failed checks are added to the JSON', false)
    .addOption(new Option('--min-delivered <ratio>', 'target: share of webcam frames delivered').argParser(parseRatio).default(DEFAULT_TARGETS.minDeliveredRatio))
    .addOption(new Option('--max-av-sync <ms>', 'target: largest |A/V sync error|').argParser(parseMs).default(DEFAULT_TARGETS.maxAbsAvSyncMs))
    .addOption(new Option('--max-leading <ms>', 'target: latest first content frame (default: one frame)').argParser(parseMs))
    .addOption(new Option('--max-end-error <ms>', 'target: largest |end error|').argParser(parseMs).default(DEFAULT_TARGETS.maxAbsEndErrorMs))
    .action(async (video: string, flags: VerifyFlags) => {
      const tools = findFfmpeg(flags.ffmpeg ?? context.env.BBB_CAPTURE_FFMPEG);
      if (!flags.recording) {
        if (flags.duration === undefined) throw new CaptureError('USAGE', 'verify needs --recording <dir> (a synthetic recording) or --duration <time> (the light check)');
        const check = await verifyOutput({ video, expectedDuration: flags.duration, expectAudio: flags.audio, tools, signal: context.signal });
        context.stdout.write(`${JSON.stringify({ ok: true, ...check }, null, 2)}\n`);
        return;
      }
      const report = await measureFidelity({
        video,
        recordingDir: flags.recording,
        from: flags.from,
        to: flags.to,
        tools,
        signal: context.signal,
        maxWidth: flags.maxWidth,
        sources: flags.sources,
      });
      if (!flags.assert) {
        context.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
        return;
      }
      const failed = checkTargets(report, {
        minDeliveredRatio: flags.minDelivered,
        maxAbsAvSyncMs: flags.maxAvSync,
        maxLeadingMs: flags.maxLeading ?? null,
        maxAbsEndErrorMs: flags.maxEndError,
      });
      context.stdout.write(`${JSON.stringify({ ...report, failedChecks: failed }, null, 2)}\n`);
      if (failed.length > 0) {
        throw new CaptureError('VERIFY_FAILED', `${failed.length} target${failed.length === 1 ? '' : 's'} missed: ${failed.map((f) => `${f.check} (${f.message})`).join('; ')}`);
      }
    });
}
