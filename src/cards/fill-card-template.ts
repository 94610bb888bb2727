/**
 * A card template's `{{name}}` placeholders replaced by the job's values, each HTML-escaped so a
 * meeting called "<b>Q&A</b>" shows as typed and a value can never add markup or script.
 */
import { CaptureError } from '../errors.js';

/** What a card template may show. */
export interface CardVariables {
  meetingName: string;
  /** The meeting's date, "12 March 2024" (UTC). */
  date: string;
  names: readonly string[];
  lines: readonly string[];
  width: number;
  height: number;
}

/** The placeholders a template may use. */
export const CARD_PLACEHOLDERS = ['meetingName', 'date', 'names', 'lines', 'width', 'height'] as const;

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/**
 * Fills a template: `{{meetingName}}`, `{{date}}`, `{{width}}`, `{{height}}` as escaped text;
 * `{{names}}` and `{{lines}}` as one escaped `<li>` per item. Throws USAGE for an unknown name.
 */
export function fillCardTemplate(template: string, values: CardVariables): string {
  return template.replace(/\{\{\s*([A-Za-z]+)\s*\}\}/g, (_all, name: string) => {
    switch (name) {
      case 'meetingName':
        return escapeHtml(values.meetingName);
      case 'date':
        return escapeHtml(values.date);
      case 'width':
        return String(values.width);
      case 'height':
        return String(values.height);
      case 'names':
        return values.names.map((n) => `<li>${escapeHtml(n)}</li>`).join('');
      case 'lines':
        return values.lines.map((l) => `<li>${escapeHtml(l)}</li>`).join('');
      default:
        throw new CaptureError('USAGE', `the card template uses {{${name}}}: known are ${CARD_PLACEHOLDERS.map((p) => `{{${p}}}`).join(', ')}`);
    }
  });
}

/** "12 March 2024" for a meeting start (ms since the epoch, read in UTC as the output name is); "" when unknown. */
export function cardDate(startTime: number): string {
  if (!(startTime > 0)) return '';
  return new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(startTime));
}
