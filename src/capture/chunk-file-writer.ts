/**
 * Writes recorder chunks to disk in sequence order as they arrive, so a capture of any length
 * uses the same memory. Chunks can arrive out of order (each is read asynchronously in the page);
 * early ones wait in a small map until their turn.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { toCaptureError } from '../errors.js';

export class ChunkFileWriter {
  private readonly stream: WriteStream;
  private readonly waiting = new Map<number, Buffer>();
  private next = 0;
  private failure: Error | undefined;
  private chain: Promise<void> = Promise.resolve();
  bytes = 0;

  constructor(readonly file: string) {
    this.stream = createWriteStream(file);
    this.stream.on('error', (error) => (this.failure ??= error));
  }

  /** Accepts chunk `sequence`; resolves when it (and any chunks it unblocked) are written. */
  write(sequence: number, data: Buffer): Promise<void> {
    this.waiting.set(sequence, data);
    this.chain = this.chain.then(() => this.drain());
    return this.chain;
  }

  private async drain(): Promise<void> {
    for (let chunk = this.waiting.get(this.next); chunk; chunk = this.waiting.get(this.next)) {
      this.waiting.delete(this.next);
      this.next++;
      if (this.failure) throw toCaptureError(this.failure);
      this.bytes += chunk.length;
      if (!this.stream.write(chunk)) await once(this.stream, 'drain');
    }
  }

  /** Throws the first write error (disk full, permissions) as a CaptureError. */
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
