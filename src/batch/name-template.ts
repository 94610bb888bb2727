/**
 * `--name-template`: output names built from the recording's metadata, e.g.
 * `{meetingName} {date} {recordId}`. Without a template the name is the one `record` uses
 * (defaultOutputBase: meeting name, date and time).
 */
import { CaptureError } from '../errors.js';
import { defaultOutputBase, sanitizeFileName } from '../job/output-name.js';
import type { RecordingInfo } from '../recording/fetch-recording-info.js';

/** The placeholders a template may use. */
export const NAME_FIELDS = ['meetingName', 'date', 'time', 'recordId', 'meetingId'] as const;
export type NameField = (typeof NAME_FIELDS)[number];

const PLACEHOLDER = /\{([^{}]*)\}/g;

/** Throws USAGE when the template uses an unknown placeholder or names nothing. */
export function validateNameTemplate(template: string): void {
  const unknown = [...template.matchAll(PLACEHOLDER)].map((m) => m[1]!).filter((name) => !(NAME_FIELDS as readonly string[]).includes(name));
  if (unknown.length > 0) {
    throw new CaptureError(
      'USAGE',
      `--name-template "${template}": unknown placeholder ${unknown.map((n) => `{${n}}`).join(', ')} (expected ${NAME_FIELDS.map((n) => `{${n}}`).join(', ')})`,
    );
  }
  if (template.trim() === '') throw new CaptureError('USAGE', '--name-template is empty');
}

/** The values of the placeholders for a recording (date and time in UTC, as record's names). */
export function nameFields(recording: Pick<RecordingInfo, 'meetingName' | 'startTime' | 'recordId' | 'meetingId'>): Record<NameField, string> {
  const iso = recording.startTime > 0 ? new Date(recording.startTime).toISOString() : '';
  return {
    meetingName: recording.meetingName,
    date: iso ? iso.slice(0, 10) : '',
    time: iso ? iso.slice(11, 16).replace(':', '-') : '',
    recordId: recording.recordId,
    meetingId: recording.meetingId,
  };
}

/** The output base name (no extension, sanitised) for a recording. */
export function outputBaseFor(recording: Pick<RecordingInfo, 'meetingName' | 'startTime' | 'recordId' | 'meetingId'>, template: string | undefined): string {
  if (template === undefined) return defaultOutputBase(recording);
  const fields = nameFields(recording);
  // Each value is sanitised on its own too, so a meeting called "../x" cannot add a path part.
  const text = template.replace(PLACEHOLDER, (_m, name: string) => {
    const value = fields[name as NameField];
    return value ? sanitizeFileName(value, 1000) : '';
  });
  return sanitizeFileName(text.replace(/\s+/g, ' '));
}
