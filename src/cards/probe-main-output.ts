/**
 * What joining cards to an export needs to know about the export (the "main part"): its streams'
 * codec parameters (to encode cards that can be joined to it packet for packet), when its first
 * video packet is decoded (B-frames start decoding before they are shown), its subtitle tracks and
 * chapters, and its H.264 parameter sets.
 */
import type { FfmpegTools } from '../process/find-ffmpeg.js';
import { runProcess, runProcessBinary } from '../process/run-process.js';

/** A chapter of the main part, seconds. */
export interface MainChapter {
  start: number;
  end: number;
  title: string;
}

/** ffprobe's view of the main part, as the join plan reads it. */
export interface MainOutputProbe {
  duration: number;
  video: {
    codec: string;
    profile: string;
    /** level_idc: 31 for 3.1. */
    level: number;
    pixFmt: string;
    width: number;
    height: number;
    /** Denominator of the stream's time base: the MP4 track's timescale. */
    timescale: number;
    /** avg_frame_rate; null when unknown. */
    frameRate: number | null;
    sampleAspect: string;
    colour: { space?: string | undefined; primaries?: string | undefined; transfer?: string | undefined; range?: string | undefined };
    /** Decode time of the first packet, seconds (negative with B-frames). */
    firstDts: number;
  } | null;
  audio: { codec: string; profile: string; sampleRate: number; channels: number; layout: string } | null;
  subtitles: number;
  chapters: MainChapter[];
}

interface RawProbe {
  format?: { duration?: string };
  streams?: Array<Record<string, unknown> & { codec_type?: string; tags?: Record<string, string> }>;
  chapters?: Array<{ start_time?: string; end_time?: string; tags?: Record<string, string> }>;
  packets?: Array<{ dts_time?: string; pts_time?: string }>;
}

const num = (v: unknown): number => (typeof v === 'number' ? v : Number(v));
const known = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' && v !== 'unknown' ? v : undefined);

function ratio(text: unknown): number | null {
  const [a, b] = String(text ?? '')
    .split('/')
    .map(Number);
  return a !== undefined && b !== undefined && a > 0 && b > 0 ? a / b : null;
}

/** ffprobe arguments: every stream, the chapters and the format duration, as JSON. */
export function mainProbeArgs(file: string): string[] {
  return [
    '-v',
    'error',
    '-show_entries',
    'format=duration:stream=index,codec_type,codec_name,profile,level,pix_fmt,width,height,time_base,avg_frame_rate,sample_aspect_ratio,color_space,color_primaries,color_transfer,color_range,sample_rate,channels,channel_layout:chapter=start_time,end_time:chapter_tags=title',
    '-show_chapters',
    '-of',
    'json',
    file,
  ];
}

/** ffprobe arguments: the decode time of the first video packet (B-frames start decoding before they are shown). */
export function firstPacketArgs(file: string): string[] {
  return ['-v', 'error', '-select_streams', 'v:0', '-read_intervals', '%+#1', '-show_entries', 'packet=dts_time,pts_time', '-of', 'json', file];
}

/** Parses the output of mainProbeArgs and firstPacketArgs. */
export function parseMainProbe(streamsJson: string, packetJson: string): MainOutputProbe {
  const data = JSON.parse(streamsJson) as RawProbe;
  const first = (JSON.parse(packetJson) as RawProbe).packets?.[0];
  const streams = data.streams ?? [];
  const v = streams.find((s) => s.codec_type === 'video');
  const a = streams.find((s) => s.codec_type === 'audio');
  return {
    duration: num(data.format?.duration),
    video: v
      ? {
          codec: String(v.codec_name),
          profile: String(v.profile ?? ''),
          level: num(v.level),
          pixFmt: String(v.pix_fmt ?? ''),
          width: num(v.width),
          height: num(v.height),
          timescale: Number(String(v.time_base ?? '1/1000').split('/')[1]),
          frameRate: ratio(v.avg_frame_rate),
          sampleAspect: String(v.sample_aspect_ratio ?? '1:1'),
          colour: { space: known(v.color_space), primaries: known(v.color_primaries), transfer: known(v.color_transfer), range: known(v.color_range) },
          firstDts: Number.isFinite(num(first?.dts_time)) ? num(first?.dts_time) : 0,
        }
      : null,
    audio: a
      ? {
          codec: String(a.codec_name),
          profile: String(a.profile ?? ''),
          sampleRate: num(a.sample_rate),
          channels: num(a.channels),
          layout: String(a.channel_layout ?? (num(a.channels) === 1 ? 'mono' : 'stereo')),
        }
      : null,
    subtitles: streams.filter((s) => s.codec_type === 'subtitle').length,
    chapters: (data.chapters ?? []).map((c) => ({ start: num(c.start_time), end: num(c.end_time), title: c.tags?.title ?? '' })),
  };
}

/** Probes the main part. */
export async function probeMainOutput(file: string, options: { tools: FfmpegTools; signal: AbortSignal | undefined }): Promise<MainOutputProbe> {
  const run = (args: string[]) =>
    runProcess(options.tools.ffprobe, args, { signal: options.signal, label: 'ffprobe', failureCode: 'FFMPEG_FAILED', missingCode: 'FFMPEG_MISSING', timeoutMs: 60_000 });
  const streams = await run(mainProbeArgs(file));
  const packet = await run(firstPacketArgs(file));
  return parseMainProbe(streams.stdout, packet.stdout);
}

/** The SPS and PPS NAL units (Annex B, with start codes) of the main part's first video packet. */
export async function mainParameterSets(file: string, options: { tools: FfmpegTools; signal: AbortSignal | undefined }): Promise<Buffer> {
  const annexB = await runProcessBinary(
    options.tools.ffmpeg,
    [
      '-hide_banner',
      '-nostdin',
      '-loglevel',
      'error',
      '-i',
      file,
      '-map',
      '0:v:0',
      '-c',
      'copy',
      '-bsf:v',
      'h264_mp4toannexb', // the parameter sets of the avcC written in front of the first keyframe
      '-frames:v',
      '1',
      '-f',
      'h264',
      'pipe:1',
    ],
    { signal: options.signal, label: 'ffmpeg (parameter sets)', failureCode: 'FFMPEG_FAILED', missingCode: 'FFMPEG_MISSING', timeoutMs: 60_000 },
  );
  return h264ParameterSets(annexB);
}

/** The SPS (7) and PPS (8) NAL units of an Annex B stream, each with a 4-byte start code. */
export function h264ParameterSets(annexB: Buffer): Buffer {
  const starts: Array<{ at: number; payload: number }> = [];
  for (let i = 0; i + 3 <= annexB.length; i++) {
    if (annexB[i] === 0 && annexB[i + 1] === 0 && annexB[i + 2] === 1) {
      starts.push({ at: i > 0 && annexB[i - 1] === 0 ? i - 1 : i, payload: i + 3 });
      i += 2;
    }
  }
  const sets: Buffer[] = [];
  starts.forEach((s, k) => {
    const type = annexB[s.payload]! & 0x1f;
    const end = k + 1 < starts.length ? starts[k + 1]!.at : annexB.length;
    if (type === 7 || type === 8) sets.push(Buffer.concat([Buffer.from([0, 0, 0, 1]), annexB.subarray(s.payload, end)]));
  });
  return Buffer.concat(sets);
}
