/**
 * Helpers for the watch and hook tests: recordings copied under new record ids (laid out as BBB
 * publishes them), the JSON-line events of a running `watch` as they come, and the check that an
 * export is a real video of the recording (probed, and its frame codes decoded).
 */
import { cp, readdir, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { ResultPromise } from 'execa';
import { expect } from '@playwright/test';
import { findFfmpeg } from '../../../src/process/find-ffmpeg.js';
import { decodeVideoCodes } from '../../../src/verify/decode-video-codes.js';
import { probeMedia } from '../../../src/recording/probe-media.js';

const tools = findFfmpeg(process.env.BBB_CAPTURE_FFMPEG);

/** A BBB-shaped record id (`<40 hex>-<13 digits>`) made from a letter and a number. */
export function fakeRecordId(letter: string, n: number): string {
  return `${letter.repeat(40)}-${String(1_735_766_832_000 + n)}`;
}

/**
 * Copies the recording in `source` to `<root>/<newId>` without its metadata.xml and returns that
 * file's text for the new id; `write` then publishes it (the caller decides how and when).
 */
export async function copyWithoutMetadata(source: string, root: string, newId: string): Promise<string> {
  const oldId = path.basename(source);
  const temp = path.join(root, `.${newId}.copying`);
  await rm(temp, { recursive: true, force: true });
  await cp(source, temp, { recursive: true, filter: (src) => path.basename(src) !== 'metadata.xml' });
  // Renamed into place whole, as BBB moves a processed recording into published/.
  await rename(temp, path.join(root, newId));
  return (await readFile(path.join(source, 'metadata.xml'), 'utf8')).replaceAll(oldId, newId);
}

/** The JSON events a running CLI prints, collected as they come. */
export class EventStream {
  readonly events: Array<Record<string, unknown>> = [];
  #buffer = '';

  constructor(child: ResultPromise) {
    child.stdout?.on('data', (chunk: Buffer) => {
      this.#buffer += chunk.toString();
      const lines = this.#buffer.split('\n');
      this.#buffer = lines.pop()!;
      for (const line of lines) if (line.startsWith('{')) this.events.push(JSON.parse(line) as Record<string, unknown>);
    });
  }

  /** watch events named `event` (for `recordId` when given). */
  of(event: string, recordId?: string): Array<Record<string, unknown>> {
    return this.events.filter((e) => e.type === 'watch' && e.event === event && (recordId === undefined || e.recordId === recordId));
  }

  /** Resolves with the first watch event `event` for `recordId` (at least `count` of them). */
  async waitFor(event: string, recordId?: string, options: { count?: number; timeoutMs?: number } = {}): Promise<Record<string, unknown>> {
    const deadline = Date.now() + (options.timeoutMs ?? 120_000);
    const count = options.count ?? 1;
    while (Date.now() < deadline) {
      const found = this.of(event, recordId);
      if (found.length >= count) return found[count - 1]!;
      const failed = this.of('failed', recordId);
      if (failed.length > 0) throw new Error(`watch failed: ${JSON.stringify(failed[0])}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`no ${count} × "${event}" ${recordId ?? ''} in ${options.timeoutMs ?? 120_000} ms; events: ${JSON.stringify(this.events)}`);
  }
}

/**
 * What a viewer gets: H.264 + AAC of the recording's length, whose frames show the recording's
 * webcam (its frame codes, read back from the decoded video, advancing).
 */
export async function expectRealVideo(file: string, seconds: number): Promise<void> {
  const probe = await probeMedia(file, { tools });
  expect(probe.video?.codec, file).toBe('h264');
  expect(probe.audio?.codec, file).toBe('aac');
  expect(Math.abs(probe.duration - seconds), `${file} lasts ${probe.duration} s`).toBeLessThanOrEqual(0.2);
  const decoded = await decodeVideoCodes({ video: file, stream: probe.video!, tools });
  const camera = decoded.frames.flatMap((f) => f.codes.filter((c) => c.kind === 'camera').map((c) => c.value));
  expect(camera.length, `${file}: frames with a readable webcam code`).toBeGreaterThanOrEqual(decoded.frames.length / 2);
  expect(new Set(camera).size, `${file}: distinct webcam frames`).toBeGreaterThan(seconds * 10);
}

/** Files (not hidden) in a directory. */
export async function visibleFiles(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((f) => !f.startsWith('.')).sort();
}
