/**
 * Joins the rendered card pictures to a finished export (the "main part"): reads the export's
 * parameters, encodes each card to match, and joins the parts packet for packet where the codecs
 * allow (the export is copied byte for byte), by re-encoding otherwise. The export's subtitle
 * tracks and chapters move by the intro's length; the cards become chapters of their own.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { RecordEvent } from '../progress/record-event.js';
import type { OutputFormat } from '../compose/output-format.js';
import { probeWebmOpusShift } from '../mux/probe-webm-opus-shift.js';
import type { FfmpegTools } from '../process/find-ffmpeg.js';
import { runProcess } from '../process/run-process.js';
import { cardMuxArgs, cardVideoArgs, concatScript, introFrames, joinCopyArgs, joinedChapters, joinReencodeArgs, type CardAudio } from './build-card-join-args.js';
import type { CardOptions } from './card-options.js';
import { matroskaIntro } from './matroska-intro.js';
import { planCardJoin } from './plan-card-join.js';
import { mainParameterSets, probeMainOutput } from './probe-main-output.js';
import type { CardPictures } from './render-cards.js';

/** What the join did. */
export interface CardJoinResult {
  /** True when the export was joined without re-encoding. */
  copied: boolean;
  /** Seconds the cards added. */
  added: number;
}

/** Joins `pictures` around `main` into `output`; work files go to `workDir`. */
export async function joinCards(
  main: string,
  output: string,
  pictures: CardPictures,
  cards: CardOptions,
  options: {
    format: OutputFormat;
    workDir: string;
    tools: FfmpegTools;
    audioBitrate: number;
    videoBitrate: number;
    signal: AbortSignal | undefined;
    onEvent: (event: RecordEvent) => void;
  },
): Promise<CardJoinResult> {
  const ffmpeg = (args: string[], label: string) =>
    runProcess(options.tools.ffmpeg, args, { signal: options.signal, label, failureCode: 'FFMPEG_FAILED', missingCode: 'FFMPEG_MISSING' });
  const probe = await probeMainOutput(main, options);
  const plan = planCardJoin(probe, options.format);
  if (plan.mode === 'reencode') options.onEvent({ type: 'warning', message: plan.reason });
  const video = probe.video!;
  // Matroska (no edit lists) places the export where the intro's whole AAC frames end: see matroska-intro.ts.
  const mkvIntro =
    plan.mode === 'copy' && options.format === 'mkv' && pictures.intro ? matroskaIntro(cards.length, probe.audio?.sampleRate ?? null, plan.fps, video.firstDts) : null;
  const intro = mkvIntro?.duration ?? (pictures.intro ? cards.length : 0);
  const outro = pictures.outro ? cards.length : 0;
  const audio: CardAudio | null = probe.audio
    ? { file: cards.audio, sampleRate: probe.audio.sampleRate, channels: probe.audio.channels, layout: probe.audio.layout, bitrate: options.audioBitrate }
    : null;
  const chapterText = joinedChapters(probe.chapters, intro, outro, probe.duration);
  const chapters = chapterText === null ? null : path.join(options.workDir, 'card-chapters.txt');
  if (chapters) await writeFile(chapters, chapterText!);
  const common = { main, offset: intro, hasAudio: probe.audio !== null, subtitles: probe.subtitles > 0, chapters, format: options.format, output };
  options.onEvent({ type: 'stage', stage: 'mux', message: plan.mode === 'copy' ? 'joining the cards without re-encoding the export' : 'joining the cards (re-encoding)' });

  if (plan.mode === 'reencode') {
    // Opus into WebM: see probeWebmOpusShift.
    const opusLead = options.format === 'webm' && probe.audio ? await probeWebmOpusShift(options.tools, options.workDir, options.signal) : 0;
    await ffmpeg(
      joinReencodeArgs({
        ...common,
        intro: pictures.intro ? { picture: pictures.intro, length: intro } : null,
        outro: pictures.outro ? { picture: pictures.outro, length: outro } : null,
        width: video.width,
        height: video.height,
        fps: plan.fps,
        audio,
        videoBitrate: options.videoBitrate,
        opusLead,
      }),
      'ffmpeg (joining the cards)',
    );
    return { copied: false, added: intro + outro };
  }

  const ext = options.format === 'mp4' ? 'mp4' : 'mkv';
  const sets = await mainParameterSets(main, options);
  const parts: Array<{ file: string; duration: number }> = [];
  const encode = async (which: 'intro' | 'outro', picture: string, length: number): Promise<string> => {
    const raw = path.join(options.workDir, `card-${which}.h264`);
    const frames = which === 'intro' ? (mkvIntro?.frames ?? introFrames(length, plan.fps, video.firstDts)) : Math.max(1, Math.round(length * plan.fps));
    await ffmpeg(
      cardVideoArgs({ picture, fps: plan.fps, frames, width: video.width, height: video.height, profile: plan.profile, level: plan.level, colour: video.colour, output: raw }),
      `ffmpeg (${which} card)`,
    );
    // The export's SPS/PPS in front: the card's file then describes both in its avcC (see build-card-join-args.ts).
    await writeFile(raw, Buffer.concat([sets, await readFile(raw)]));
    const file = path.join(options.workDir, `card-${which}.${ext}`);
    await ffmpeg(
      // A Matroska intro's sound is cut like an outro's: from zero, in whole frames.
      cardMuxArgs({ video: raw, fps: plan.fps, audio, position: mkvIntro ? 'outro' : which, length, timescale: video.timescale, format: options.format, output: file }),
      `ffmpeg (${which} card)`,
    );
    return file;
  };
  if (pictures.intro) parts.push({ file: await encode('intro', pictures.intro, cards.length), duration: intro });
  parts.push({ file: main, duration: probe.duration });
  if (pictures.outro) parts.push({ file: await encode('outro', pictures.outro, outro), duration: outro });
  const script = path.join(options.workDir, 'cards.ffconcat');
  await writeFile(script, concatScript(parts));
  await ffmpeg(joinCopyArgs({ ...common, script }), 'ffmpeg (joining the cards)');
  return { copied: true, added: intro + outro };
}
