/**
 * Feeds drawn frames to an ffmpeg reading rawvideo on stdin, one frame at a time: memory stays at
 * a couple of frames however long the video, and nothing but the encoded file touches the disk.
 */
import { CaptureError, throwIfAborted } from '../errors.js';
import { Raster } from '../frame-code/raster.js';
import { startProcess } from './run-process.js';

export interface RawVideoJob {
  ffmpeg: string;
  args: readonly string[];
  width: number;
  height: number;
  frameCount: number;
  /**
   * Draws frame `index` into `raster`. The raster is one of two reused buffers and still holds
   * what was drawn into it two frames ago, so a caller may skip redrawing unchanged pictures.
   */
  draw: (raster: Raster, index: number) => void;
  signal?: AbortSignal | undefined;
  /** Called now and then with the share of frames written (0..1). */
  onProgress?: ((fraction: number) => void) | undefined;
  label?: string;
}

/** Runs ffmpeg, writes every frame to its stdin with backpressure, and waits for it to finish. */
export async function streamRawVideo(job: RawVideoJob): Promise<void> {
  const label = job.label ?? 'ffmpeg';
  const child = startProcess(job.ffmpeg, job.args, { signal: job.signal, label, failureCode: 'FFMPEG_FAILED', missingCode: 'FFMPEG_MISSING' });
  const stdin = child.stdin as NodeJS.WritableStream & { destroy?: () => void };
  // An early ffmpeg exit surfaces as EPIPE here and as the real error from `done`.
  let writeError: unknown;
  stdin.on('error', (error) => {
    writeError ??= error;
  });
  // Two buffers: one being drawn while the other is still queued for the pipe.
  const rasters = [new Raster(job.width, job.height), new Raster(job.width, job.height)];
  const pending: Array<Promise<void> | undefined> = [undefined, undefined];
  const step = Math.max(1, Math.floor(job.frameCount / 100));
  try {
    for (let i = 0; i < job.frameCount; i++) {
      throwIfAborted(job.signal);
      if (writeError) break;
      const slot = i % 2;
      // The buffer must not change until the stream has handed it to the pipe.
      await pending[slot];
      const raster = rasters[slot]!;
      job.draw(raster, i);
      // Waiting for the write two frames back (above) bounds what is queued to two frames, so
      // there is no need to wait for 'drain' as well.
      pending[slot] = new Promise<void>((resolve) => {
        stdin.write(raster.data, () => resolve());
      });
      if (i % step === 0) job.onProgress?.(i / job.frameCount);
    }
    await Promise.all(pending);
    stdin.end();
    await child.done;
  } catch (error) {
    // Stop ffmpeg (if it still runs) and report the most useful error: ffmpeg's own failure first.
    stdin.destroy?.();
    child.child.kill('SIGKILL');
    const outcome = await child.done.then(
      () => undefined,
      (failure: unknown) => failure,
    );
    if (job.signal?.aborted) throw new CaptureError('ABORTED', 'stopped by the user', { cause: job.signal.reason });
    throw outcome instanceof CaptureError && !(error instanceof CaptureError) ? outcome : error;
  }
  if (writeError) {
    // ffmpeg stopped reading early but exited 0: it wrote fewer frames than asked.
    throw new CaptureError('FFMPEG_FAILED', `${label} stopped reading frames early`, { cause: writeError });
  }
  job.onProgress?.(1);
}
