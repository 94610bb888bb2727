/**
 * Default output names from the recording: "<meeting name> <yyyy-mm-dd hh-mm>.<ext>", made safe
 * for every common filesystem (no separators, no control, bidi or reserved characters, no leading
 * dot, bounded length in bytes).
 */
import type { RecordingInfo } from '../recording/fetch-recording-info.js';
import { truncateUtf8 } from './truncate-utf8.js';

/** The most bytes in one file name: Linux NAME_MAX (ext4, XFS, btrfs, NFS, tmpfs). */
export const NAME_MAX_BYTES = 255;
/** What the hidden name a file is written under adds to it: `.NAME.partial` (output-work-dir, record-composed). */
export const PARTIAL_NAME_BYTES = '.'.length + '.partial'.length;
/** The longest part `record --split` puts before the extension: `NAME.presenter-N.EXT` (fewer than 1000 presenters). */
export const LONGEST_SPLIT_PART = '.presenter-999';
/**
 * The cap of a generated base name (no extension): with the longest split part, the longest
 * extension (`.webm`) and the partial prefix and suffix it is still one valid file name. A batch's
 * `-2`, `-3`… suffix (at most 6 bytes) fits in the room left for the split part.
 */
export const MAX_BASE_BYTES = NAME_MAX_BYTES - PARTIAL_NAME_BYTES - LONGEST_SPLIT_PART.length - '.webm'.length;

/** A string made safe to use as one path segment, at most `maxBytes` bytes of UTF-8. */
export function sanitizeFileName(name: string, maxBytes = MAX_BASE_BYTES): string {
  const cleaned = name
    .normalize('NFC')
    // Bidi marks, embeddings, overrides and isolates are invisible and reorder what is shown:
    // "x\u202Egnp.exe" is shown as "xexe.png". Removed, not replaced: they take up no place.
    .replace(/[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]+/g, '')
    // C0 and C1 controls and DEL: a file name is shown in terminals and logs (C1 has CSI, NEL).
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this strips
    .replace(/[\u0000-\u001f\u007f-\u009f<>:"/\\|?*]+/g, ' ')
    // Words that are only dots were path parts ("..").
    .split(/\s+/)
    .filter((word) => !/^\.+$/.test(word))
    .join(' ')
    .trim()
    .replace(/^\.+/, '')
    .replace(/[. ]+$/, '');
  // Cut on a grapheme boundary, then trim again: the cut may end on a space or a dot.
  const short = truncateUtf8(cleaned, maxBytes).replace(/[. ]+$/, '');
  return /^(con|prn|aux|nul|com\d|lpt\d)$/i.test(short) || short === '' ? `recording${short ? `-${short}` : ''}` : short;
}

/** "<meeting name> <date time, UTC>" for a recording; a long meeting name is cut, the date kept. */
export function defaultOutputBase(recording: Pick<RecordingInfo, 'meetingName' | 'startTime' | 'recordId'>): string {
  const date = recording.startTime > 0 ? new Date(recording.startTime).toISOString().slice(0, 16).replace('T', ' ').replace(':', '-') : recording.recordId;
  const full = sanitizeFileName(`${recording.meetingName} ${date}`, Infinity);
  if (Buffer.byteLength(full) <= MAX_BASE_BYTES) return full;
  // The date tells apart two sessions of one course, so it is the meeting name that gives way.
  return sanitizeFileName(`${sanitizeFileName(recording.meetingName, MAX_BASE_BYTES - Buffer.byteLength(date) - 1)} ${date}`);
}
