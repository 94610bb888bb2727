/**
 * `bbb-capture record <playback-url | recording-dir>`: one recording to one video file.
 * A local recording directory (as in /var/bigbluebutton/published/presentation/<id>) is served by
 * the built-in server with the bundled stand-in player, or a real player build given with --player.
 */
import { stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type Command, Option } from 'commander';
import { findChromium } from '../../browser/find-chromium.js';
import { CaptureError } from '../../errors.js';
import { AUDIO_FORMATS } from '../../options/audio-format.js';
import type { PageLayout } from '../../player/layout-css.js';
import { findFfmpeg } from '../../process/find-ffmpeg.js';
import type { ComposedLayout } from '../../layout/compose-options.js';
import { readLayoutFile } from '../../layout/layout-spec.js';
import { checkOutputName } from '../../job/check-output-name.js';
import type { RecordEvent } from '../../progress/record-event.js';
import { CAPTIONS_MODES, type CaptionsMode } from '../../mux/captions-mode.js';
import {
  ENGINE_CHOICES,
  QUALITY_BITS_PER_MEGAPIXEL,
  RESOLUTIONS,
  type EngineChoice,
  type ExportFormat,
  type Quality,
  type RecordOptions,
  type Resolution,
} from '../../options/record-options.js';
import { acceptAnyCertificate } from '../../recording/accept-any-certificate.js';
import { startServer, type RunningServer } from '../../server/start-server.js';
import type { CliContext } from '../cli-context.js';
import { resolveCardOptions, type CardFlags } from '../resolve-card-options.js';
import { addCredentialOptions, resolveCredentials, type CredentialFlags } from './credential-options.js';
import { oneOf, parseAmount, parseTime, parseWorkers } from '../../options/parse-values.js';
import { createProgressReporter } from '../progress-reporter.js';
import { deliverExport, exportFacts } from '../../deliver/deliver-export.js';
import { webhookPayload } from '../../deliver/webhook-payload.js';
import { toCaptureError } from '../../errors.js';
import { addDeliveryOptions, drainWebhooks, openWebhookSender, resolveDeliveryOptions, type DeliveryFlags } from './delivery-options.js';

const DEFAULT_FONT = '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf';

/** Layouts `record` composes with ffmpeg (batch and the farm capture page layouts only). */
const COMPOSED_LAYOUTS = ['presenters', 'custom'] as const;
type ComposedLayoutName = (typeof COMPOSED_LAYOUTS)[number];
const PAGE_LAYOUTS: PageLayout[] = ['player', 'content', 'webcams'];

interface RecordFlags extends CredentialFlags {
  output?: string;
  format?: ExportFormat;
  engine: EngineChoice;
  resolution: Resolution;
  layout: PageLayout | ComposedLayoutName;
  from?: number;
  to?: number;
  fps?: number;
  quality: Quality;
  videoBitrate?: number;
  audioBitrate: number;
  maxCaptureFps: number;
  eventRate: number;
  chromium?: string;
  ffmpeg?: string;
  player?: string;
  font?: string;
  readyTimeout: number;
  stallTimeout: number;
  captions: CaptionsMode;
  chapters: boolean;
  jobTimeout?: number;
  insecure: boolean;
  allowTruncatedMedia: boolean;
  verify: boolean;
  keepTemp: boolean;
  json: boolean;
  verbose: boolean;
  quiet: boolean;
}

/** Options shared by record and batch: capture settings and tool paths. */
export function addCaptureOptions(command: Command, composed = false): Command {
  addCredentialOptions(command);
  return command
    .addOption(
      new Option(
        '--engine <engine>',
        'auto: render where the player keeps time by its time event and the recording allows it (frame-exact, faster than real time), capture otherwise (WebM, external videos, other players), said in the output; capture: play in real time and capture the page; render: step the player instant by instant',
      )
        .choices(ENGINE_CHOICES)
        .default('auto'),
    )
    .addOption(
      new Option(
        '--format <format>',
        "container: mp4 (H.264 + AAC), mkv (H.264 + AAC) or webm (VP8/VP9 + Opus); or the sound only, from the recording's own media without a browser: m4a (AAC), mp3 (VBR) or opus (Ogg), tagged with the meeting name, date and record id; default from the output name, else mp4",
      ).argParser(oneOf(['mp4', 'mkv', 'webm', ...AUDIO_FORMATS] as const)),
    )
    .addOption(new Option('--resolution <WxH>', 'output size; the player is laid out at this size, so text stays sharp').choices(Object.keys(RESOLUTIONS)).default('1920x1080'))
    .addOption(
      new Option(
        '--layout <layout>',
        `player: the whole player without its controls; content: slides, whiteboard and screen share filling the frame; webcams: the webcam area only${composed ? "; presenters: the content beside each presenter's camera, cropped out of the webcam grid; custom: regions placed by --layout-file" : ''}`,
      )
        .choices(composed ? [...PAGE_LAYOUTS, ...COMPOSED_LAYOUTS] : PAGE_LAYOUTS)
        .default('player'),
    )
    .addOption(new Option('--from <time>', 'start of the part to export (seconds, m:ss, h:mm:ss or 1h2m3s)').argParser(parseTime))
    .addOption(new Option('--to <time>', 'end of the part to export (default: the end of the recording)').argParser(parseTime))
    .addOption(new Option('--fps <n>', 'constant output frame rate (re-encodes the video); default keeps every frame the player painted').argParser(parseAmount))
    .addOption(new Option('--quality <level>', 'capture bitrate: low (1.5), medium (3) or high (6 Mbit/s per megapixel)').choices(['low', 'medium', 'high']).default('medium'))
    .addOption(new Option('--video-bitrate <bps>', 'capture video bitrate, e.g. 8M (overrides --quality)').argParser(parseAmount))
    .addOption(new Option('--audio-bitrate <bps>', 'output audio bitrate').argParser(parseAmount).default(192_000, '192k'))
    .addOption(
      new Option('--max-capture-fps <n>', 'highest frame rate the tab capture delivers (30: twice as many frames cost more CPU than they save; see README, Benchmarks)')
        .argParser(parseAmount)
        .default(30),
    )
    .addOption(
      new Option('--event-rate <hz>', "player time-event rate (f=): how often slides, cursor and whiteboard update (the player's own default is 10)")
        .argParser(parseAmount)
        .default(15),
    )
    .addOption(new Option('--chromium <path>', 'Chromium executable (default: found automatically; env BBB_CAPTURE_CHROMIUM)'))
    .addOption(new Option('--ffmpeg <path>', 'ffmpeg executable (default: ffmpeg-static if installed, else ffmpeg on PATH; env BBB_CAPTURE_FFMPEG)'))
    .addOption(new Option('--player <dir>', 'a bbb-playback build to play local recording directories with (default: the bundled stand-in player; env BBB_CAPTURE_PLAYER)'))
    .addOption(new Option('--font <file>', 'font served for BBB 3.0 whiteboard font requests (they go to unpkg.com)').default(DEFAULT_FONT))
    .addOption(new Option('--ready-timeout <s>', 'how long the player may take to load').argParser(parseAmount).default(120))
    .addOption(new Option('--stall-timeout <s>', 'playback that does not advance for this long is an error').argParser(parseAmount).default(30))
    .addOption(
      new Option(
        '--captions <mode>',
        "the recording's captions: track (a subtitle track per language, named and tagged), burn (drawn into the picture like the player shows them; re-encodes the video), off",
      )
        .choices(CAPTIONS_MODES)
        .default('track'),
    )
    .option('--no-chapters', "no chapters (by default one per slide change and screen share, titled from the slide's text)")
    .addOption(
      new Option(
        '--job-timeout <s>',
        "wall-clock limit of one recording's job, then JOB_TIMEOUT (default: 5 min + 2x the duration for capture, 6x for render; 0 = none)",
      ).argParser(parseTime),
    )
    .option(
      '--insecure',
      "accept any TLS certificate of the recording's server (self-signed, expired, wrong host): a man in the middle could then swap the player or the media",
      false,
    )
    .option(
      '--allow-truncated-media',
      'export a recording whose media file ends well before the recording does (a file cut short), its last picture held and silence after, with a warning, instead of failing with MEDIA_TRUNCATED',
      false,
    )
    .option('--no-verify', 'skip the checks of the written file (duration, streams, sound, no black start)')
    .option('--keep-temp', 'keep the raw capture and work files (for bug reports)', false)
    .option('--json', 'progress and result as JSON lines on stdout', false)
    .option('-v, --verbose', 'log Chromium, the page console and ffmpeg', false)
    .option('-q, --quiet', 'only warnings and errors', false);
}

const FORMAT_EXTENSIONS: readonly ExportFormat[] = ['mp4', 'mkv', 'webm', ...AUDIO_FORMATS];

function formatFor(flags: Pick<RecordFlags, 'format' | 'output'>): ExportFormat {
  if (flags.format) return flags.format;
  const ext = flags.output ? path.extname(flags.output).slice(1).toLowerCase() : '';
  // .ogg is Opus in Ogg too: what most tools name it.
  if (ext === 'ogg') return 'opus';
  return FORMAT_EXTENSIONS.find((f) => f === ext) ?? 'mp4';
}

/** Resolves flags and environment into RecordOptions (without url/output/onEvent/signal). */
export function resolveCaptureOptions(flags: RecordFlags, context: CliContext): Omit<RecordOptions, 'url' | 'output' | 'onEvent' | 'signal'> {
  const { width, height } = RESOLUTIONS[flags.resolution];
  // Node's fetches (metadata, probes, downloads) take the same choice as Chromium, process-wide.
  if (flags.insecure) acceptAnyCertificate();
  const ffmpegPath = flags.ffmpeg ?? context.env.BBB_CAPTURE_FFMPEG;
  return {
    format: formatFor(flags),
    engine: flags.engine,
    width,
    height,
    // Composed layouts capture the content area; record composes the rest.
    layout: PAGE_LAYOUTS.includes(flags.layout as PageLayout) ? (flags.layout as PageLayout) : 'content',
    from: flags.from ?? 0,
    to: flags.to,
    fps: flags.fps,
    videoBitrate: Math.round(flags.videoBitrate ?? QUALITY_BITS_PER_MEGAPIXEL[flags.quality] * ((width * height) / 1e6)),
    audioBitrate: flags.audioBitrate,
    maxCaptureFps: flags.maxCaptureFps,
    eventRate: flags.eventRate,
    chromiumPath: findChromium(flags.chromium ?? context.env.BBB_CAPTURE_CHROMIUM),
    runningAsRoot: typeof process.getuid === 'function' && process.getuid() === 0,
    tools: findFfmpeg(ffmpegPath),
    fontFile: flags.font ?? DEFAULT_FONT,
    readyTimeoutMs: flags.readyTimeout * 1000,
    insecure: flags.insecure,
    allowTruncatedMedia: flags.allowTruncatedMedia,
    stallTimeoutMs: flags.stallTimeout * 1000,
    captions: flags.captions,
    chapters: flags.chapters,
    jobTimeoutSeconds: flags.jobTimeout ?? null,
    verify: flags.verify,
    keepTemp: flags.keepTemp,
    credentials: resolveCredentials(flags, context),
  };
}

/** A URL, or a local recording directory served for the duration of the capture. */
export async function resolveInput(input: string, playerDir: string | undefined, signal: AbortSignal): Promise<{ url: string; server?: RunningServer }> {
  if (/^https?:\/\//i.test(input)) return { url: input };
  const dir = path.resolve(input);
  const info = await stat(dir).catch(() => undefined);
  if (!info?.isDirectory()) throw new CaptureError('BAD_URL', `"${input}" is neither a playback URL nor a recording directory`);
  // Only this recording: the ones beside it (a whole published/ folder) stay private.
  const server = await startServer({ recordingsDir: path.dirname(dir), onlyRecording: path.basename(dir), playerDir, signal });
  return { url: server.playbackUrl(path.basename(dir)), server };
}

/** The composed layout asked for, read and validated before anything starts; null for page layouts. */
async function resolveComposedLayout(flags: { layout: string; layoutFile?: string | undefined; split: boolean }): Promise<ComposedLayout | null> {
  if (flags.layoutFile !== undefined && flags.layout !== 'custom') throw new CaptureError('USAGE', `--layout-file needs --layout custom (got --layout ${flags.layout})`);
  if (flags.layout === 'custom') {
    if (flags.layoutFile === undefined) throw new CaptureError('USAGE', '--layout custom needs --layout-file <file>');
    return { kind: 'custom', spec: await readLayoutFile(flags.layoutFile) };
  }
  if (flags.layout === 'presenters') return { kind: 'presenters' };
  if (flags.split) throw new CaptureError('USAGE', `--split needs --layout presenters or custom (got --layout ${flags.layout})`);
  return null;
}

export function registerRecord(program: Command, context: CliContext): void {
  const command = program
    .command('record')
    .description('record one BBB recording to a video file that matches the player frame for frame')
    .argument('<input>', 'playback URL (https://HOST/playback/presentation/2.3/<id> or the 2.0 playback.html?meetingId=<id> form) or a local recording directory')
    .option(
      '-o, --output <file>',
      'output file (default: "<meeting name> <date>.<format>" in the current directory); - writes a streamable file (fragmented MP4, Matroska, MP3, Ogg) to stdout after the checks, and progress and --json lines to stderr',
    );
  command
    .option(
      '--layout-file <file>',
      'JSON layout for --layout custom: {"width", "height", "background": "#rrggbb" | {"image": file}, "regions": [{"source": "content" | "webcams" | "presenters" | "presenter:N", "box": {"x", "y", "w", "h"}}]}; its size replaces --resolution',
    )
    .option(
      '--split',
      'with --layout presenters or custom: also write <output>.content.<ext>, <output>.webcams.<ext> and <output>.presenter-N.<ext> (one per presenter at the size of its own tile, black while the camera is off), all on the same timeline and of the same length',
      false,
    )
    .addOption(
      new Option(
        '--workers <n|auto>',
        'render engine: player pages rendering parts of the timeline in parallel; auto: two for parts of 5 minutes or more on a machine with two CPUs or more, else one',
      )
        .argParser(parseWorkers)
        .default('auto'),
    )
    .option(
      '--rtmp <url>',
      'stream the talk in real time to this RTMP server (rtmp://host/app/key; H.264 + AAC in FLV, mp4 or mkv only): while rendering with the render engine, once the export is cut otherwise; a dropped connection is resumed where it broke, a few times',
    )
    .option('--no-hybrid', "render engine: let the page draw every webcam and screen-share frame instead of compositing them from the recording's files (slower; for comparison)")
    .option('--chapters-file <file>', 'also write the chapters beside the video: WebVTT chapters, or JSON [{start, end, title}] when the name ends in .json')
    .option('--poster <file>', 'also write a still of the output at its size (JPEG, or PNG for *.png)')
    .addOption(new Option('--poster-at <time>', "when the poster is taken, on the output's timeline (default: half a second into the first slide)").argParser(parseTime))
    .option(
      '--intro <file.html|default>',
      "a title card before the recording: an HTML template drawn by Chromium at the output's size ({{meetingName}}, {{date}}, {{names}}, {{lines}}, {{width}}, {{height}}, HTML-escaped), or default",
    )
    .option('--outro <file.html|default>', 'a credits card after the recording (as --intro)')
    .option('--card-name <name>', 'a presenter shown on the cards (repeatable)', (value: string, all: string[]) => [...all, value], [] as string[])
    .option('--card-line <text>', 'a line shown on the cards (repeatable)', (value: string, all: string[]) => [...all, value], [] as string[])
    .addOption(new Option('--card-length <s>', 'how long each card is shown').argParser(parseAmount).default(4))
    .option('--card-audio <file>', 'sound under the cards, cut or padded with silence to --card-length (default: silence)');
  addDeliveryOptions(command);
  addCaptureOptions(command, true).action(
    async (
      input: string,
      flags: RecordFlags &
        CardFlags &
        DeliveryFlags & {
          workers: number | 'auto';
          hybrid: boolean;
          layoutFile?: string;
          split: boolean;
          chaptersFile?: string;
          poster?: string;
          posterAt?: number;
          rtmp?: string;
        },
    ) => {
      if (flags.posterAt !== undefined && flags.poster === undefined) throw new CaptureError('USAGE', '--poster-at needs --poster <file>');
      const delivery = resolveDeliveryOptions(flags, context);
      // `-o -`: stdout carries the file, so progress and JSON lines go to stderr.
      const piped = flags.output === '-';
      const out = piped ? context.stderr : context.stdout;
      const reporter = createProgressReporter({ json: flags.json, verbose: flags.verbose, quiet: flags.quiet, stdout: out, stderr: context.stderr });
      const layout = await resolveComposedLayout(flags);
      const cards = await resolveCardOptions(flags);
      if (flags.output !== undefined && !piped) checkOutputName(path.basename(flags.output), { split: flags.split });
      const base = resolveCaptureOptions(flags, context);
      if (layout?.kind === 'custom') Object.assign(base, { width: layout.spec.width, height: layout.spec.height });
      const { url, server } = await resolveInput(input, flags.player ?? context.env.BBB_CAPTURE_PLAYER, context.signal);
      const webhook = openWebhookSender(delivery, context);
      // Set once the file has its final name: an upload that fails after it leaves it there.
      let written: string | undefined;
      try {
        // Loaded when the command runs, so that --help and the other commands start without them.
        const { runJob } = await import('../../job/run-job.js');
        const result = await runJob({
          ...base,
          url,
          output: piped ? undefined : flags.output,
          pipe: piped ? { stream: context.stdout, workRoot: tmpdir() } : undefined,
          rtmpUrl: flags.rtmp,
          workers: flags.workers,
          hybrid: flags.hybrid,
          videoOnly: false,
          compose: layout ? { layout, split: flags.split } : null,
          // An explicit -o is where the user wants the file; a name made from the metadata never replaces one.
          replace: flags.output !== undefined,
          chaptersFile: flags.chaptersFile,
          poster: flags.poster === undefined ? undefined : { file: flags.poster, at: flags.posterAt },
          cards,
          signal: context.signal,
          onEvent: (event: RecordEvent) => reporter.onEvent(event),
        });
        reporter.stop();
        written = result.output;
        if (delivery.upload && !flags.quiet && !flags.json) context.stderr.write(`uploading ${result.output} to s3://${delivery.upload.bucket}/${delivery.upload.prefix}\n`);
        const uploaded = piped
          ? undefined
          : await deliverExport(result.output, exportFacts(input, 'record', result.output, result), { upload: delivery.upload, webhook, signal: context.signal });
        if (flags.json) out.write(`${JSON.stringify({ type: 'result', ...result, upload: uploaded })}\n`);
        else if (!flags.quiet)
          context.stderr.write(
            `wrote ${result.output} (${result.duration.toFixed(1)} s in ${(result.wallMs / 1000).toFixed(1)} s, ${result.engine} engine)${uploaded ? `; uploaded to ${uploaded.url} (verified by ${uploaded.verifiedBy})` : ''}\n`,
          );
      } catch (error) {
        webhook?.send(webhookPayload({ source: input, sender: 'record', output: written }, { error: toCaptureError(error) }));
        throw error;
      } finally {
        reporter.stop();
        await server?.close();
        await drainWebhooks(webhook, context);
      }
    },
  );
}
