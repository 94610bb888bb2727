/**
 * Where ffmpeg and ffprobe come from, in order: an explicit path (--ffmpeg / BBB_CAPTURE_FFMPEG,
 * resolved by the CLI), the optional `ffmpeg-static` package when its binary really installed,
 * then the system's `ffmpeg` on PATH (Debian's package). ffprobe is looked for beside ffmpeg first.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { CaptureError } from '../errors.js';

/** Paths of the two ffmpeg tools bbb-capture uses. */
export interface FfmpegTools {
  ffmpeg: string;
  ffprobe: string;
}

function onPath(name: string, envPath: string | undefined): string | undefined {
  for (const dir of (envPath ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

function ffmpegStaticBinary(): string | undefined {
  try {
    const require = createRequire(import.meta.url);
    const binary = require('ffmpeg-static') as string | null;
    return binary && existsSync(binary) ? binary : undefined;
  } catch {
    return undefined;
  }
}

/** Finds ffmpeg/ffprobe; throws FFMPEG_MISSING naming what was tried. */
export function findFfmpeg(explicit: string | undefined, envPath: string | undefined = process.env.PATH): FfmpegTools {
  if (explicit) {
    if (!existsSync(explicit)) throw new CaptureError('FFMPEG_MISSING', `ffmpeg not found at ${explicit} (from --ffmpeg or BBB_CAPTURE_FFMPEG)`);
    const sibling = path.join(path.dirname(explicit), 'ffprobe');
    return { ffmpeg: explicit, ffprobe: existsSync(sibling) ? sibling : (onPath('ffprobe', envPath) ?? 'ffprobe') };
  }
  const ffmpeg = ffmpegStaticBinary() ?? onPath('ffmpeg', envPath);
  if (!ffmpeg) {
    throw new CaptureError('FFMPEG_MISSING', 'ffmpeg not found: install it (apt-get install ffmpeg) or pass --ffmpeg PATH');
  }
  const sibling = path.join(path.dirname(ffmpeg), 'ffprobe');
  const ffprobe = existsSync(sibling) ? sibling : onPath('ffprobe', envPath);
  if (!ffprobe) throw new CaptureError('FFMPEG_MISSING', `ffprobe not found beside ${ffmpeg} or on PATH: install ffmpeg (apt-get install ffmpeg)`);
  return { ffmpeg, ffprobe };
}
