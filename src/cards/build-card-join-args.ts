/**
 * ffmpeg command lines and scripts of the card join (see plan-card-join.ts and join-cards.ts),
 * built by pure functions so every flag can be read, tested and explained here.
 *
 * The packet-for-packet join rests on three facts about H.264 in MP4/Matroska and AAC:
 * - The joined file has one sample description (avcC) for its video: the first part's. The intro
 *   is encoded with its own SPS/PPS numbered 1 (x264 sps-id=1, so they cannot clash with the
 *   export's, numbered 0) and the export's SPS/PPS are written in front of the intro's stream, so
 *   the intro's avcC carries both and each part finds its own. The export's packets are untouched.
 * - With B-frames the export's first packet is decoded before it is shown (its dts is negative); the
 *   intro, without B-frames, stops that much earlier so decode times keep rising across the join,
 *   its last picture staying up until the export's first is shown at exactly the intro's length.
 * - An AAC stream starts with 1024 samples of encoder delay that its own file's edit list hides.
 *   Joined mid-stream, the export's delay is played; the intro's sound is cut so that it, the
 *   export's delay and nothing else come before the export's first real sample at the intro's
 *   length, the remainder skipped at the start of the file by the intro's own edit list.
 */
import { opusLeadFilter } from '../compose/build-composite-args.js';
import type { OutputFormat } from '../compose/output-format.js';
import { AAC_FRAME } from './plan-card-join.js';
import type { MainChapter } from './probe-main-output.js';

/** Card sound: the --card-audio file or silence, encoded as the export's. */
export interface CardAudio {
  /** --card-audio, or null for silence. */
  file: string | null;
  sampleRate: number;
  channels: number;
  /** ffmpeg channel layout name ("stereo"). */
  layout: string;
  bitrate: number;
}

/**
 * How many samples of sound a card is encoded from, and how far its first sample is moved (in
 * samples, negative: earlier), so that its AAC packets end exactly where the next part's begin.
 * Intro: packets from −(delay + extra) to length − 1024 (the export's own delay follows). Outro:
 * packets from 0, a whole number of frames covering the length.
 */
export function cardAudioSamples(length: number, sampleRate: number, position: 'intro' | 'outro'): { samples: number; shift: number } {
  const total = Math.round(length * sampleRate);
  const frames = Math.ceil(total / AAC_FRAME);
  // Encoded from frames − 1 frames of sound: with the encoder's delay that is exactly `frames` packets.
  const samples = (frames - 1) * AAC_FRAME;
  return position === 'intro' ? { samples, shift: total - frames * AAC_FRAME } : { samples, shift: AAC_FRAME };
}

/** How many pictures the intro has at `fps` so that its last one is decoded before the export's first packet (`firstDts` ≤ 0). */
export function introFrames(length: number, fps: number, firstDts: number): number {
  return Math.max(1, Math.ceil((length + Math.min(0, firstDts)) * fps - 1e-6));
}

/** The scale and colour conversion of a card picture (sRGB PNG) to the export's frame. */
function pictureFilter(width: number, height: number, colour: { space?: string | undefined; range?: string | undefined }): string {
  const matrix = colour.space === 'smpte170m' || colour.space === 'bt470bg' ? 'bt601' : 'bt709';
  return `scale=${width}:${height}:out_color_matrix=${matrix}:out_range=${colour.range === 'pc' ? 'pc' : 'tv'},setsar=1,format=yuv420p`;
}

/** Encodes a card picture to a raw H.264 stream (Annex B) with the export's profile and level. */
export function cardVideoArgs(plan: {
  picture: string;
  fps: number;
  frames: number;
  width: number;
  height: number;
  profile: string;
  level: string;
  colour: { space?: string | undefined; primaries?: string | undefined; transfer?: string | undefined; range?: string | undefined };
  output: string;
}): string[] {
  const tags = [
    ...(plan.colour.space ? ['-colorspace', plan.colour.space] : []),
    ...(plan.colour.primaries ? ['-color_primaries', plan.colour.primaries] : []),
    ...(plan.colour.transfer ? ['-color_trc', plan.colour.transfer] : []),
    ...(plan.colour.range ? ['-color_range', plan.colour.range] : []),
  ];
  return [
    '-hide_banner',
    '-nostdin',
    '-y',
    '-loop',
    '1',
    '-framerate',
    String(plan.fps),
    '-i',
    plan.picture, // one picture, repeated at the card's rate
    '-frames:v',
    String(plan.frames),
    '-vf',
    pictureFilter(plan.width, plan.height, plan.colour),
    '-c:v',
    'libx264',
    '-preset',
    'veryfast',
    '-profile:v',
    plan.profile,
    '-level:v',
    plan.level, // what the export's avcC says the decoder must support
    '-pix_fmt',
    'yuv420p',
    // sps-id=1: the card's parameter sets sit beside the export's (id 0) in one avcC.
    // bframes=0: decode order is display order, so the card never decodes after the export starts.
    '-x264-params',
    'sps-id=1:bframes=0',
    ...tags,
    '-f',
    'h264',
    plan.output, // raw Annex B: its parameter sets are in the stream, where the export's are put in front
  ];
}

/** Muxes a card's raw H.264 with its sound into a file the concat demuxer joins to the export. */
export function cardMuxArgs(plan: {
  video: string;
  fps: number;
  audio: CardAudio | null;
  position: 'intro' | 'outro';
  length: number;
  /** The export's video time scale (MP4): the card's must be the same for packets to keep their times. */
  timescale: number;
  format: OutputFormat;
  output: string;
}): string[] {
  const args = ['-hide_banner', '-nostdin', '-y', '-framerate', String(plan.fps), '-i', plan.video];
  if (plan.audio) {
    const a = plan.audio;
    const { samples, shift } = cardAudioSamples(plan.length, a.sampleRate, plan.position);
    if (a.file) args.push('-i', a.file);
    else args.push('-f', 'lavfi', '-i', `anullsrc=r=${a.sampleRate}:cl=${a.layout}`); // silence
    args.push(
      '-map',
      '0:v:0',
      '-map',
      '1:a:0',
      // The export's rate and layout; padded with silence, cut to whole AAC frames, placed so the packets meet the next part's exactly.
      '-af',
      `aresample=${a.sampleRate},aformat=channel_layouts=${a.layout},apad,atrim=end_sample=${samples},asetpts=PTS${shift >= 0 ? '+' : '-'}${Math.abs(shift)}/SR/TB`,
      '-c:a',
      'aac',
      '-b:a',
      String(a.bitrate),
      '-ar',
      String(a.sampleRate),
      '-ac',
      String(a.channels),
    );
  } else {
    args.push('-map', '0:v:0');
  }
  args.push(
    '-c:v',
    'copy', // the card's H.264 as encoded, with the export's parameter sets in front
    ...(plan.format === 'mp4' ? ['-video_track_timescale', String(plan.timescale)] : []),
    '-f',
    plan.format === 'mp4' ? 'mp4' : 'matroska',
    plan.output,
  );
  return args;
}

/** A path quoted for an ffconcat script. */
function quote(file: string): string {
  return `'${file.replace(/'/g, "'\\''")}'`;
}

/**
 * The ffconcat script of the join: each part for exactly its length. No `inpoint`: it makes the
 * demuxer seek, and a seek to 0 drops the AAC delay packet before 0 the sound's timing relies on.
 */
export function concatScript(parts: ReadonlyArray<{ file: string; duration: number }>): string {
  return ['ffconcat version 1.0', ...parts.flatMap((p) => [`file ${quote(p.file)}`, `duration ${p.duration.toFixed(6)}`]), ''].join('\n');
}

function metaEscape(text: string): string {
  return text.replace(/[=;#\\\n]/g, (c) => `\\${c}`);
}

/**
 * The joined file's chapters (ffmetadata), or null when the export has none: the intro and outro
 * as chapters of their own, the export's moved by the intro's length.
 */
export function joinedChapters(chapters: readonly MainChapter[], intro: number, outro: number, mainDuration: number): string | null {
  if (chapters.length === 0) return null;
  const all = [
    ...(intro > 0 ? [{ start: 0, end: intro, title: 'Title' }] : []),
    ...chapters.map((c) => ({ start: c.start + intro, end: c.end + intro, title: c.title })),
    ...(outro > 0 ? [{ start: intro + mainDuration, end: intro + mainDuration + outro, title: 'Credits' }] : []),
  ];
  const ms = (s: number) => Math.round(s * 1000);
  return [';FFMETADATA1', ...all.flatMap((c) => ['[CHAPTER]', 'TIMEBASE=1/1000', `START=${ms(c.start)}`, `END=${ms(c.end)}`, `title=${metaEscape(c.title)}`]), ''].join('\n');
}

/** What both joins take besides their parts. */
interface JoinCommon {
  main: string;
  /** Intro length: the export's subtitles move by it. */
  offset: number;
  hasAudio: boolean;
  subtitles: boolean;
  /** ffmetadata with the joined chapters, or null. */
  chapters: string | null;
  format: OutputFormat;
  output: string;
}

function subtitleAndChapterArgs(plan: JoinCommon, mainInput: number, chapterInput: number): string[] {
  return [
    ...(plan.subtitles ? ['-map', `${mainInput}:s`] : []), // the export's subtitle tracks, moved by the intro's length (-itsoffset)
    '-map_metadata',
    String(mainInput), // the export's title and tags
    '-map_chapters',
    plan.chapters ? String(chapterInput) : '-1',
  ];
}

/** The packet-for-packet join: the concat demuxer over the parts, the export's subtitles and chapters moved. */
export function joinCopyArgs(plan: JoinCommon & { script: string }): string[] {
  return [
    '-hide_banner',
    '-nostdin',
    '-y',
    '-copyts', // the parts' own times: the intro's sound starts before zero, which its edit list hides
    '-auto_convert',
    '0', // no Annex B conversion: the export's packets are copied byte for byte
    '-f',
    'concat',
    '-safe',
    '0',
    '-i',
    plan.script,
    '-itsoffset',
    String(plan.offset),
    '-i',
    plan.main,
    ...(plan.chapters ? ['-f', 'ffmetadata', '-i', plan.chapters] : []),
    '-map',
    '0:v:0',
    ...(plan.hasAudio ? ['-map', '0:a:0'] : []),
    ...subtitleAndChapterArgs(plan, 1, 2),
    '-c',
    'copy',
    '-f',
    plan.format === 'mp4' ? 'mp4' : 'matroska',
    plan.output,
  ];
}

/** The re-encoding join (WebM, or an export the cards cannot be matched to): one concat filter. */
export function joinReencodeArgs(
  plan: JoinCommon & {
    intro: { picture: string; length: number } | null;
    outro: { picture: string; length: number } | null;
    width: number;
    height: number;
    fps: number;
    audio: CardAudio | null;
    videoBitrate: number;
    /** WebM: samples the joined sound's timestamps move later by (opusLeadFilter; 0 or absent: none). */
    opusLead?: number | undefined;
  },
): string[] {
  // WebM: the export's own timestamps (its video at 0); ffmpeg would otherwise start it at its Opus
  // sound's first packet, 7 ms before 0, and the export's sound would follow its picture 7 ms late.
  const args = ['-hide_banner', '-nostdin', '-y', ...(plan.format === 'webm' ? ['-copyts'] : []), '-i', plan.main];
  const graph: string[] = [];
  const segments: string[] = [];
  let input = 1;
  const card = (which: 'intro' | 'outro', c: { picture: string; length: number }) => {
    const v = input++;
    args.push('-loop', '1', '-framerate', String(plan.fps), '-t', String(c.length), '-i', c.picture);
    graph.push(`[${v}:v]${pictureFilter(plan.width, plan.height, {})},fps=${plan.fps}[${which}v]`);
    let seg = `[${which}v]`;
    if (plan.audio && plan.hasAudio) {
      const a = input++;
      if (plan.audio.file) args.push('-i', plan.audio.file);
      else args.push('-f', 'lavfi', '-i', `anullsrc=r=${plan.audio.sampleRate}:cl=${plan.audio.layout}`);
      graph.push(`[${a}:a]aresample=${plan.audio.sampleRate},aformat=channel_layouts=${plan.audio.layout},apad,atrim=0:${c.length},asetpts=PTS-STARTPTS[${which}a]`);
      seg += `[${which}a]`;
    }
    segments.push(seg);
  };
  if (plan.intro) card('intro', plan.intro);
  graph.push(`[0:v:0]scale=${plan.width}:${plan.height},setsar=1,fps=${plan.fps},format=yuv420p[mainv]`);
  let main = '[mainv]';
  if (plan.audio && plan.hasAudio) {
    // WebM: the export's Opus sound decodes from just before 0 (its CodecDelay is rounded to whole
    // milliseconds); those samples are cut so that nothing before the join's 0 asks the muxer to move the video.
    const start = plan.format === 'webm' ? ':first_pts=0' : '';
    graph.push(`[0:a:0]aresample=${plan.audio.sampleRate}${start},aformat=channel_layouts=${plan.audio.layout}[maina]`);
    main += '[maina]';
  }
  segments.splice(plan.intro ? 1 : 0, 0, main);
  if (plan.outro) card('outro', plan.outro);
  const withAudio = Boolean(plan.audio && plan.hasAudio);
  // Opus into WebM: where the muxer would move the video past the encoder's pre-skip, the sound moves instead.
  const lead = withAudio && plan.format === 'webm' ? opusLeadFilter(plan.opusLead ?? 0) : '';
  graph.push(`${segments.join('')}concat=n=${segments.length}:v=1:a=${withAudio ? 1 : 0}[v]${withAudio ? (lead ? '[joined]' : '[a]') : ''}`);
  if (lead) graph.push(`[joined]${lead}[a]`);
  const mainAgain = input++;
  args.push('-itsoffset', String(plan.offset), '-i', plan.main);
  const chapterInput = input++;
  if (plan.chapters) args.push('-f', 'ffmetadata', '-i', plan.chapters);
  const webm = plan.format === 'webm';
  args.push(
    '-filter_complex',
    graph.join(';'),
    '-map',
    '[v]',
    ...(withAudio ? ['-map', '[a]'] : []),
    ...subtitleAndChapterArgs(plan, mainAgain, chapterInput),
    ...(webm
      ? ['-c:v', 'libvpx-vp9', '-b:v', String(plan.videoBitrate), '-deadline', 'good', '-cpu-used', '4', '-row-mt', '1', '-c:a', 'libopus']
      : ['-c:v', 'libx264', '-preset', 'veryfast', '-crf', '20', '-pix_fmt', 'yuv420p', '-c:a', 'aac']),
    ...(withAudio ? ['-b:a', String(plan.audio!.bitrate), '-ar', String(plan.audio!.sampleRate)] : []),
    '-c:s',
    'copy',
    '-f',
    webm ? 'webm' : plan.format === 'mp4' ? 'mp4' : 'matroska',
    plan.output,
  );
  return args;
}
