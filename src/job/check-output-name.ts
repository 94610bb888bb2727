/**
 * A name the user chose (`record -o`, a batch list's `output`) is refused up front when a file
 * the capture writes for it would not fit in one file name: otherwise the capture runs to the end
 * and fails at the very last step, the rename of its hidden `.NAME.partial` file.
 */
import { CaptureError } from '../errors.js';
import { LONGEST_SPLIT_PART, NAME_MAX_BYTES, PARTIAL_NAME_BYTES } from './output-name.js';
import { truncateUtf8 } from './truncate-utf8.js';

/**
 * Throws USAGE when `fileName` (one path segment, extension included), written under its partial
 * name — and with `split`, as `NAME.presenter-N.EXT` too — is longer than NAME_MAX bytes.
 */
export function checkOutputName(fileName: string, options: { split?: boolean } = {}): void {
  const longest = Buffer.byteLength(fileName) + PARTIAL_NAME_BYTES + (options.split ? LONGEST_SPLIT_PART.length : 0);
  if (longest <= NAME_MAX_BYTES) return;
  const room = NAME_MAX_BYTES - PARTIAL_NAME_BYTES - (options.split ? LONGEST_SPLIT_PART.length : 0);
  throw new CaptureError(
    'USAGE',
    `the output name "${truncateUtf8(fileName, 60)}…" is ${Buffer.byteLength(fileName)} bytes; file names hold ${NAME_MAX_BYTES} bytes, and bbb-capture needs room for its temporary name${options.split ? ' and the --split names' : ''}: use at most ${room} bytes`,
  );
}
