/**
 * Default output names from the recording: "<meeting name> <yyyy-mm-dd hh-mm>.<ext>", made safe
 * for every common filesystem (no separators, no control or reserved characters, no leading dot,
 * bounded length).
 */
import type { RecordingInfo } from '../recording/fetch-recording-info.js';

/** A string made safe to use as one path segment. */
export function sanitizeFileName(name: string, maxLength = 150): string {
  const cleaned = name
    .normalize('NFC')
    .replace(/[\u0000-\u001f\u007f<>:"/\\|?*]+/g, ' ')
    // Words that are only dots were path parts ("..").
    .split(/\s+/)
    .filter((word) => !/^\.+$/.test(word))
    .join(' ')
    .trim()
    .replace(/^\.+/, '')
    .replace(/[. ]+$/, '');
  const short = cleaned.length > maxLength ? cleaned.slice(0, maxLength).trim() : cleaned;
  return /^(con|prn|aux|nul|com\d|lpt\d)$/i.test(short) || short === '' ? `recording${short ? `-${short}` : ''}` : short;
}

/** "<meeting name> <date time, UTC>" for a recording. */
export function defaultOutputBase(recording: Pick<RecordingInfo, 'meetingName' | 'startTime' | 'recordId'>): string {
  const date = recording.startTime > 0 ? new Date(recording.startTime).toISOString().slice(0, 16).replace('T', ' ').replace(':', '-') : recording.recordId;
  return sanitizeFileName(`${recording.meetingName} ${date}`);
}
