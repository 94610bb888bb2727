/**
 * Writes recorder chunks to disk in sequence order as they arrive, so a capture of any length
 * uses the same memory. Chunks can arrive out of order (each is read asynchronously in the page);
 * early ones wait in a small map until their turn.
 *
 * The chunks come through a binding exposed to the page, and the page runs the recording's player
 * (strangers' content), so nothing it sends is trusted: a sequence number that is not the next few,
 * or a chunk that would grow the waiting map past its budget, fails the capture (CAPTURE_FAILED)
 * instead of growing memory without bound.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { CaptureError, toCaptureError } from '../../errors.js';

/** How far ahead of the next expected chunk one may arrive (the recorder reads a few at once). */
export const MAX_CHUNKS_AHEAD = 64;
/** Most bytes waiting for their turn, and the largest chunk (one second of video is a few MB). */
export const MAX_WAITING_BYTES = 64 * 1024 * 1024;

export class ChunkFileWriter {
  private readonly stream: WriteStream;
  private readonly waiting = new Map<number, Buffer>();
  private waitingBytes = 0;
  private next = 0;
  private failure: Error | undefined;
  private chain: Promise<void> = Promise.resolve();
  private readonly maxAhead: number;
  private readonly maxWaitingBytes: number;
  bytes = 0;

  constructor(
    readonly file: string,
    limits: { maxAhead?: number; maxWaitingBytes?: number } = {},
  ) {
    this.maxAhead = limits.maxAhead ?? MAX_CHUNKS_AHEAD;
    this.maxWaitingBytes = limits.maxWaitingBytes ?? MAX_WAITING_BYTES;
    this.stream = createWriteStream(file);
    this.stream.on('error', (error) => (this.failure ??= error));
  }

  /** Accepts a chunk as the page sends it (sequence, base64 text); anything else fails the capture. */
  writeBase64(sequence: unknown, base64: unknown): Promise<void> {
    if (typeof base64 !== 'string') return this.refuse(`chunk ${String(sequence)} as ${typeof base64}, not base64 text`);
    // base64 is 4 characters per 3 bytes: refuse before decoding what could not be kept anyway.
    if (base64.length > Math.ceil(this.maxWaitingBytes / 3) * 4)
      return this.refuse(`chunk ${String(sequence)} of ${base64.length} base64 characters (at most ${this.maxWaitingBytes} bytes)`);
    return this.write(sequence, Buffer.from(base64, 'base64'));
  }

  /** Accepts chunk `sequence`; resolves when it (and any chunks it unblocked) are written. */
  write(sequence: unknown, data: Buffer): Promise<void> {
    if (this.failure) return Promise.reject(toCaptureError(this.failure));
    if (typeof sequence !== 'number' || !Number.isSafeInteger(sequence) || sequence < 0)
      return this.refuse(`chunk number ${JSON.stringify(sequence) ?? String(sequence)}, not a whole number from 0`);
    if (sequence < this.next || this.waiting.has(sequence)) return this.refuse(`chunk ${sequence} twice`);
    if (sequence > this.next + this.maxAhead) return this.refuse(`chunk ${sequence} while chunk ${this.next} is due (at most ${this.maxAhead} ahead)`);
    if (sequence !== this.next && this.waitingBytes + data.length > this.maxWaitingBytes) {
      return this.refuse(`chunk ${sequence} (${data.length} bytes) while ${this.waitingBytes} bytes wait for chunk ${this.next} (at most ${this.maxWaitingBytes})`);
    }
    this.waiting.set(sequence, data);
    this.waitingBytes += data.length;
    this.chain = this.chain.then(() => this.drain());
    return this.chain;
  }

  /** Fails the capture: check() and close() throw this from now on, whatever the page does next. */
  private refuse(what: string): Promise<void> {
    this.failure ??= new CaptureError('CAPTURE_FAILED', `the page's recorder sent ${what}`);
    return Promise.reject(toCaptureError(this.failure));
  }

  private async drain(): Promise<void> {
    for (let chunk = this.waiting.get(this.next); chunk; chunk = this.waiting.get(this.next)) {
      this.waiting.delete(this.next);
      this.waitingBytes -= chunk.length;
      this.next++;
      if (this.failure) throw toCaptureError(this.failure);
      this.bytes += chunk.length;
      if (!this.stream.write(chunk)) await once(this.stream, 'drain');
    }
  }

  /** Throws the first write error (disk full, permissions) or refused chunk as a CaptureError. */
  check(): void {
    if (this.failure) throw toCaptureError(this.failure);
  }

  /** Flushes and closes the file. */
  async close(): Promise<void> {
    await this.chain.catch(() => undefined);
    this.stream.end();
    if (!this.stream.closed) await once(this.stream, 'close').catch(() => undefined);
    this.check();
    if (this.waiting.size > 0) throw toCaptureError(new Error(`capture lost chunk ${this.next} (${this.waiting.size} later chunks unwritten)`));
  }
}
