/**
 * Reads the list a batch (or `enqueue`) works through, in one of three forms:
 *
 * - text: one playback URL a line; blank lines and lines starting with `#` are skipped;
 * - CSV (`.csv`): a header row naming the columns (`url` required; `output`, `from`, `to`,
 *   `layout`, `resolution`, `format` optional), or no header when the first cell is a URL, in
 *   which case the columns are `url,output,from,to,layout`; quoting as in RFC 4180;
 * - JSON (`.json`, or text starting with `[` or `{`): an array of URLs or of objects with those
 *   keys, or `{"items": [...]}`.
 *
 * Every row is checked before anything runs; all bad rows are reported together, each named by
 * file and line (or array index), because a batch that fails on row 412 after three hours is worse
 * than one that refuses to start.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseTime } from '../options/parse-values.js';
import { CaptureError } from '../errors.js';
import type { OutputFormat } from '../compose/output-format.js';
import type { PageLayout } from '../player/layout-css.js';
import { checkOutputName } from '../job/check-output-name.js';
import { RESOLUTIONS, type Resolution } from '../options/record-options.js';
import { parsePlaybackUrl } from '../recording/parse-playback-url.js';
import { FORMATS, LAYOUTS, type CaptureSettings } from './capture-settings.js';

/** One recording to export, as the list gives it. */
export interface BatchItem {
  /** 0-based position among the list's items. */
  index: number;
  /** Where it came from, for messages: `talks.csv line 4`. */
  source: string;
  url: string;
  /** Output file name asked for by the list (sanitised later), if any. */
  output?: string | undefined;
  settings: CaptureSettings;
}

/** The columns (CSV) and keys (JSON) an item may have. */
export const ITEM_FIELDS = ['url', 'output', 'from', 'to', 'layout', 'resolution', 'format'] as const;
type ItemField = (typeof ITEM_FIELDS)[number];

const HEADERLESS_COLUMNS: readonly ItemField[] = ['url', 'output', 'from', 'to', 'layout'];
const MAX_REPORTED = 20;

/** Which of the three forms a list is in. */
export type ListFormat = 'text' | 'csv' | 'json';

/** The form of a list: by extension, else JSON when it looks like JSON, else text. */
export function detectListFormat(fileName: string, text: string): ListFormat {
  const ext = path.extname(fileName).toLowerCase();
  if (ext === '.csv') return 'csv';
  if (ext === '.json') return 'json';
  return /^\s*[[{]/.test(text) ? 'json' : 'text';
}

/** Reads and parses a list file; throws USAGE naming every bad row. */
export async function readBatchList(file: string): Promise<BatchItem[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new CaptureError('USAGE', `cannot read the list ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, { cause: error });
  }
  return parseBatchList(text, path.basename(file));
}

/** Parses a list's text; `fileName` picks the form and names rows in messages. */
export function parseBatchList(text: string, fileName: string): BatchItem[] {
  const body = text.replace(/^\uFEFF/, '');
  const format = detectListFormat(fileName, body);
  const problems: string[] = [];
  const rows = format === 'json' ? jsonRows(body, fileName, problems) : format === 'csv' ? csvRows(body, fileName, problems) : textRows(body, fileName);
  const items: BatchItem[] = [];
  for (const row of rows) {
    const item = toItem(row, items.length, problems);
    if (item) items.push(item);
  }
  if (problems.length > 0) {
    const shown = problems.slice(0, MAX_REPORTED);
    const more = problems.length > shown.length ? `\n(and ${problems.length - shown.length} more)` : '';
    throw new CaptureError('USAGE', `${problems.length} bad ${problems.length === 1 ? 'row' : 'rows'} in ${fileName}:\n  ${shown.join('\n  ')}${more}`, {
      detail: problems.join('\n'),
    });
  }
  if (items.length === 0) throw new CaptureError('USAGE', `${fileName} lists no recordings`);
  return items;
}

/** A row before validation: where it is and its raw fields. */
interface RawRow {
  source: string;
  fields: Partial<Record<string, unknown>>;
}

function textRows(text: string, fileName: string): RawRow[] {
  const rows: RawRow[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    rows.push({ source: `${fileName} line ${i + 1}`, fields: { url: trimmed } });
  });
  return rows;
}

/** Splits CSV into records of cells, keeping the line each record starts on. */
export function splitCsv(text: string): Array<{ line: number; cells: string[] }> {
  const records: Array<{ line: number; cells: string[] }> = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let line = 1;
  let recordLine = 1;
  let atRecordStart = true;
  let comment = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (atRecordStart && !quoted) {
      recordLine = line;
      comment = c === '#';
      atRecordStart = false;
    }
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else {
        if (c === '\n') line++;
        cell += c;
      }
      continue;
    }
    if (c === '\n' || (c === '\r' && text[i + 1] === '\n')) {
      if (c === '\r') i++;
      cells.push(cell);
      if (!comment && cells.some((v) => v.trim() !== '')) records.push({ line: recordLine, cells });
      cells = [];
      cell = '';
      line++;
      atRecordStart = true;
      continue;
    }
    if (comment) continue;
    if (c === '"' && cell.trim() === '') {
      cell = '';
      quoted = true;
    } else if (c === ',') {
      cells.push(cell);
      cell = '';
    } else cell += c;
  }
  if (!atRecordStart) {
    cells.push(cell);
    if (!comment && cells.some((v) => v.trim() !== '')) records.push({ line: recordLine, cells });
  }
  return records;
}

function csvRows(text: string, fileName: string, problems: string[]): RawRow[] {
  const records = splitCsv(text);
  if (records.length === 0) return [];
  const first = records[0]!;
  let columns: readonly string[];
  let body = records;
  if (/^\s*https?:\/\//i.test(first.cells[0] ?? '')) columns = HEADERLESS_COLUMNS;
  else {
    columns = first.cells.map((c) => c.trim().toLowerCase());
    body = records.slice(1);
    const unknown = columns.filter((c) => c !== '' && !(ITEM_FIELDS as readonly string[]).includes(c));
    if (unknown.length > 0) problems.push(`${fileName} line ${first.line}: unknown column ${unknown.map((c) => `"${c}"`).join(', ')} (expected ${ITEM_FIELDS.join(', ')})`);
    if (!columns.includes('url')) {
      problems.push(`${fileName} line ${first.line}: the header has no "url" column (expected a header such as url,output,from,to,layout, or a URL in the first cell)`);
      return [];
    }
  }
  return body.map((record) => {
    const source = `${fileName} line ${record.line}`;
    if (record.cells.length > columns.length && record.cells.slice(columns.length).some((c) => c.trim() !== '')) {
      problems.push(`${source}: ${record.cells.length} cells but only ${columns.length} columns`);
    }
    const fields: Record<string, unknown> = {};
    columns.forEach((column, i) => {
      const value = record.cells[i]?.trim();
      if (column && value) fields[column] = value;
    });
    return { source, fields };
  });
}

function jsonRows(text: string, fileName: string, problems: string[]): RawRow[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    problems.push(`${fileName}: not valid JSON (${(error as Error).message})`);
    return [];
  }
  const list = Array.isArray(doc) ? doc : doc && typeof doc === 'object' && Array.isArray((doc as { items?: unknown }).items) ? (doc as { items: unknown[] }).items : undefined;
  if (!list) {
    problems.push(`${fileName}: expected an array of URLs or objects, or {"items": [...]}`);
    return [];
  }
  return list.flatMap((entry, i): RawRow[] => {
    const source = `${fileName} item ${i + 1}`;
    if (typeof entry === 'string') return [{ source, fields: { url: entry } }];
    if (!entry || typeof entry !== 'object' || Array.isArray(entry)) {
      problems.push(`${source}: expected a URL string or an object with "url", got ${JSON.stringify(entry)}`);
      return [];
    }
    const unknown = Object.keys(entry).filter((k) => !(ITEM_FIELDS as readonly string[]).includes(k));
    if (unknown.length > 0) problems.push(`${source}: unknown key ${unknown.map((k) => `"${k}"`).join(', ')} (expected ${ITEM_FIELDS.join(', ')})`);
    return [{ source, fields: entry as Record<string, unknown> }];
  });
}

function seconds(value: unknown, name: string): number {
  if (typeof value === 'number') {
    if (Number.isFinite(value) && value >= 0) return value;
  } else if (typeof value === 'string') {
    try {
      return parseTime(value);
    } catch {
      // reported below
    }
  }
  throw new Error(`${name} ${JSON.stringify(value)} is not a time (expected seconds, h:mm:ss or 1h2m3s)`);
}

function choice<T extends string>(value: unknown, name: string, choices: readonly T[]): T {
  if (typeof value === 'string' && (choices as readonly string[]).includes(value)) return value as T;
  throw new Error(`${name} ${JSON.stringify(value)} is not one of ${choices.join(', ')}`);
}

function toItem(row: RawRow, index: number, problems: string[]): BatchItem | undefined {
  const f = row.fields;
  const bad: string[] = [];
  const attempt = <T>(fn: () => T): T | undefined => {
    try {
      return fn();
    } catch (error) {
      bad.push((error as Error).message);
      return undefined;
    }
  };
  let url: string | undefined;
  if (typeof f.url !== 'string' || f.url.trim() === '') bad.push('no url');
  else {
    url = f.url.trim();
    attempt(() => parsePlaybackUrl(url!));
  }
  const settings: CaptureSettings = {};
  if (f.from !== undefined && f.from !== '') settings.from = attempt(() => seconds(f.from, 'from'));
  if (f.to !== undefined && f.to !== '') settings.to = attempt(() => seconds(f.to, 'to'));
  if (f.layout !== undefined) settings.layout = attempt(() => choice<PageLayout>(f.layout, 'layout', LAYOUTS));
  if (f.resolution !== undefined) settings.resolution = attempt(() => choice<Resolution>(f.resolution, 'resolution', Object.keys(RESOLUTIONS) as Resolution[]));
  if (f.format !== undefined) settings.format = attempt(() => choice<OutputFormat>(f.format, 'format', FORMATS));
  if (settings.from !== undefined && settings.to !== undefined && !(settings.from < settings.to)) bad.push(`from ${settings.from} s is not before to ${settings.to} s`);
  let output: string | undefined;
  if (f.output !== undefined) {
    if (typeof f.output !== 'string') bad.push(`output ${JSON.stringify(f.output)} is not a file name`);
    else output = f.output.trim() || undefined;
    // The whole value becomes one file name (separators turn into spaces): too long is refused
    // now rather than cut, or failing at the rename after the capture.
    if (output !== undefined) attempt(() => checkOutputName(output!));
  }
  if (bad.length > 0) {
    problems.push(`${row.source}: ${bad.join('; ')}`);
    return undefined;
  }
  return { index, source: row.source, url: url!, output, settings };
}
