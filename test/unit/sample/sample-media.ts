/** Helpers for the sample tests: probe media, decode frames and audio, hash a directory. */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { Raster } from '../../../src/frame-code/raster.js';
import { findFfmpeg } from '../../../src/process/find-ffmpeg.js';
import { runProcess, runProcessBinary } from '../../../src/process/run-process.js';

export const tools = findFfmpeg(process.env.BBB_CAPTURE_FFMPEG);

const processOptions = (label: string) => ({ label, failureCode: 'FFMPEG_FAILED', missingCode: 'FFMPEG_MISSING' }) as const;

export interface Probe {
  format: { duration: string; format_name: string };
  streams: Array<{
    codec_type: string;
    codec_name: string;
    width?: number;
    height?: number;
    r_frame_rate?: string;
    sample_rate?: string;
    channels?: number;
    nb_read_frames?: string;
  }>;
}

/** ffprobe's JSON for a file, with frames counted. */
export async function probe(file: string): Promise<Probe> {
  const { stdout } = await runProcess(
    tools.ffprobe,
    [
      '-v',
      'error',
      '-count_frames',
      '-show_entries',
      'format=duration,format_name:stream=codec_type,codec_name,width,height,r_frame_rate,sample_rate,channels,nb_read_frames',
      '-of',
      'json',
      file,
    ],
    processOptions('ffprobe'),
  );
  return JSON.parse(stdout) as Probe;
}

/** Decoded frames with the given indices (in order), as rasters of the video's size. */
export async function decodeFrames(file: string, width: number, height: number, indices: number[], scaleTo?: { width: number; height: number }): Promise<Raster[]> {
  const select = indices.map((n) => `eq(n\\,${n})`).join('+');
  const w = scaleTo?.width ?? width;
  const h = scaleTo?.height ?? height;
  const filter = `select=${select}${scaleTo ? `,scale=${w}:${h}:flags=bilinear` : ''}`;
  const data = await runProcessBinary(
    tools.ffmpeg,
    ['-v', 'error', '-i', file, '-vf', filter, '-fps_mode', 'passthrough', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'],
    processOptions('ffmpeg'),
  );
  const size = w * h * 3;
  return Array.from({ length: data.length / size }, (_, i) => new Raster(w, h, data.subarray(i * size, (i + 1) * size)));
}

/** A picture file (PNG, SVG) decoded to a raster `width` pixels wide (scaled, keeping its aspect). */
export async function decodePicture(file: string, width: number): Promise<Raster> {
  const data = await runProcessBinary(
    tools.ffmpeg,
    ['-v', 'error', '-i', file, '-vf', `scale=${width}:-2:flags=area`, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'],
    processOptions('ffmpeg'),
  );
  return new Raster(width, data.length / (width * 3), data);
}

/** The first audio track decoded to 16-bit samples of channel 0 (and the channel count). */
export async function decodeAudio(file: string): Promise<{ left: Int16Array; right: Int16Array }> {
  const data = await runProcessBinary(tools.ffmpeg, ['-v', 'error', '-i', file, '-map', '0:a:0', '-f', 's16le', '-ac', '2', 'pipe:1'], processOptions('ffmpeg'));
  const all = new Int16Array(data.buffer, data.byteOffset, data.length / 2);
  const left = new Int16Array(all.length / 2);
  const right = new Int16Array(all.length / 2);
  for (let i = 0; i < left.length; i++) {
    left[i] = all[2 * i]!;
    right[i] = all[2 * i + 1]!;
  }
  return { left, right };
}

/** sha256 of every file under dir, keyed by relative path. */
export async function hashTree(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const full = path.join(entry.parentPath, entry.name);
    out[path.relative(dir, full)] = createHash('sha256')
      .update(await readFile(full))
      .digest('hex');
  }
  return out;
}
