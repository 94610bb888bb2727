/**
 * Where a capture writes while it works, shared by both engines: the output directory is checked
 * up front (a clear OUTPUT_NOT_WRITABLE before any browser starts), work files go to a hidden
 * directory beside the output (same filesystem, so the final rename is atomic), the finished file
 * is written under a hidden partial name and renamed only when complete and verified.
 */
import { access, constants, mkdir, mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { CaptureError } from '../errors.js';
import { fetchRecordingInfo, type RecordingInfo } from '../recording/fetch-recording-info.js';
import { parsePlaybackUrl, type PlaybackTarget } from '../recording/parse-playback-url.js';
import { durableRename } from './durable-rename.js';
import type { RecordEvent } from './record-events.js';

export interface OutputWorkDir {
  /** Hidden work directory beside the output. */
  workDir: string;
  /** Hidden name the result is written under until it is complete. */
  partial: string;
  /** Gives the partial file its final name, flushed to disk (durableRename). */
  commit(): Promise<void>;
  /** Removes the partial file and (unless kept) the work directory; returns the kept directory. */
  cleanup(keep: boolean): Promise<string | undefined>;
}

/** Checks that the output's directory is writable, then makes the work directory. */
export async function openOutputWorkDir(output: string): Promise<OutputWorkDir> {
  const dir = path.dirname(path.resolve(output));
  try {
    await mkdir(dir, { recursive: true });
    await access(dir, constants.W_OK);
  } catch (error) {
    throw new CaptureError('OUTPUT_NOT_WRITABLE', `cannot write to ${dir}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, { cause: error });
  }
  const workDir = await mkdtemp(path.join(dir, '.bbb-capture-'));
  const partial = path.join(dir, `.${path.basename(output)}.partial`);
  return {
    workDir,
    partial,
    commit: () => durableRename(partial, output),
    async cleanup(keep) {
      await rm(partial, { force: true }).catch(() => undefined);
      if (keep) return workDir;
      await rm(workDir, { recursive: true, force: true }).catch(() => undefined);
      return undefined;
    },
  };
}

/**
 * The start both engines share: the URL parsed, metadata.xml read (proving it is a BBB recording
 * before anything else starts), then the output directory checked and the work directory made.
 */
export async function openRecordingJob(options: { url: string; output: string; signal?: AbortSignal | undefined; onEvent: (event: RecordEvent) => void }): Promise<{ target: PlaybackTarget; recording: RecordingInfo; out: OutputWorkDir }> {
  const target = parsePlaybackUrl(options.url);
  options.onEvent({ type: 'stage', stage: 'metadata', message: `reading ${target.filesUrl}metadata.xml` });
  const recording = await fetchRecordingInfo(target, { signal: options.signal });
  return { target, recording, out: await openOutputWorkDir(options.output) };
}
