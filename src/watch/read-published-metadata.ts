/**
 * Reads a published recording's metadata.xml the way `watch` needs it: whether it is there and
 * whole (valid XML that parses as a BBB recording), what it says, and a hash of its bytes that
 * tells one publication from the next.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { XMLValidator } from 'fast-xml-parser';
import { parseMetadata, type RecordingInfo } from '../recording/fetch-recording-info.js';
import { toCaptureError } from '../errors.js';

/** What a recording directory holds now. */
export type PublishedMetadata =
  | { state: 'ready'; hash: string; info: Omit<RecordingInfo, 'media' | 'mediaUrl'> }
  /** No metadata.xml (not published yet, or unpublished/deleted). */
  | { state: 'missing' }
  /** There but not (yet) a whole BBB metadata.xml: still being written, or broken. */
  | { state: 'incomplete'; reason: string };

/** Reads `<dir>/metadata.xml`. */
export async function readPublishedMetadata(dir: string): Promise<PublishedMetadata> {
  const file = path.join(dir, 'metadata.xml');
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { state: 'missing' };
    throw toCaptureError(error);
  }
  const xml = bytes.toString('utf8');
  // The parser reads a truncated file without complaint; the validator does not.
  const valid = XMLValidator.validate(xml);
  if (valid !== true) return { state: 'incomplete', reason: `metadata.xml is not whole XML yet (${valid.err.msg}, line ${valid.err.line})` };
  try {
    const info = parseMetadata(xml, { source: file, recordId: path.basename(dir) });
    return { state: 'ready', hash: createHash('sha256').update(bytes).digest('hex'), info };
  } catch (error) {
    return { state: 'incomplete', reason: toCaptureError(error).message };
  }
}
