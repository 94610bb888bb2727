/**
 * Copies a finished file to a stream the CLI does not own (stdout for `-o -`). The reader may go
 * away at any time (`| head -c`, a closed player): that is OUTPUT_CLOSED, a clear failure, not a
 * crash, and the stream is left for the process to close.
 */
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { CaptureError, abortError } from '../errors.js';

/** Codes Node gives a write to a pipe whose reader has gone. */
const CLOSED_CODES = new Set(['EPIPE', 'ECONNRESET', 'ERR_STREAM_DESTROYED', 'ERR_STREAM_PREMATURE_CLOSE', 'ERR_STREAM_WRITE_AFTER_END']);

/** Writes `file` to `stream` (not ending it); throws OUTPUT_CLOSED when the reader closes first. */
export async function streamFileTo(file: string, stream: NodeJS.WritableStream, signal: AbortSignal | undefined): Promise<void> {
  try {
    await pipeline(createReadStream(file), stream, { signal, end: false });
  } catch (error) {
    if (signal?.aborted) throw abortError(signal);
    const code = (error as NodeJS.ErrnoException).code;
    if (code && CLOSED_CODES.has(code)) throw new CaptureError('OUTPUT_CLOSED', `the reader of the output closed it before the end (${code})`, { cause: error });
    throw error;
  }
}
