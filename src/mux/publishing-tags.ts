/**
 * The container tags of an export, from the recording's metadata: what a media library or a
 * video platform shows as its title, date and description.
 */
import type { RecordingInfo } from '../recording/fetch-recording-info.js';

/** Tags for the ffmetadata file: title, date, creation_time, description and comment. */
export function publishingTags(info: Pick<RecordingInfo, 'recordId' | 'meetingName' | 'startTime'>): Record<string, string> {
  const start = new Date(info.startTime);
  const valid = Number.isFinite(start.getTime());
  const about = `BigBlueButton recording ${info.recordId}`;
  return {
    title: info.meetingName,
    // MP4 keeps creation_time in its movie header, Matroska as DateUTC; `date` is the tag players list.
    ...(valid ? { date: start.toISOString().slice(0, 10), creation_time: start.toISOString() } : {}),
    description: about,
    comment: about,
  };
}
