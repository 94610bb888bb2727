/**
 * The instants at which a recording's own timelines say the picture can change, read from its
 * documents as the player reads them: slide `in`/`out` (shapes.svg), shape `timestamp`/`undo`,
 * pan/zoom and cursor `timestamp`, chat `in`, deskshare `start_timestamp`/`stop_timestamp`,
 * layout.xml events (all XML attributes); tldraw.json shapes, polls and external videos (JSON
 * keys); caption cues (WebVTT). Pure functions over the documents' text.
 */

/** The text of a recording's timeline documents; a missing document is ''. */
export interface TimelineDocuments {
  /** XML documents: shapes.svg, panzooms.xml, cursor.xml, slides_new.xml, deskshare.xml, layout.xml. */
  xml: readonly string[];
  /** JSON documents: tldraw.json, polls.json, external_videos.json. */
  json: readonly string[];
  /** WebVTT caption files. */
  vtt: readonly string[];
}

/** A screen-share interval from deskshare.xml, seconds. */
export interface DeskshareInterval {
  start: number;
  stop: number;
}

// Every time-bearing attribute of BBB's XML timelines. `undo="-1"` (never removed) is skipped as
// a negative value.
const XML_TIME_ATTRIBUTE = /\s(?:in|out|timestamp|undo|start_timestamp|stop_timestamp)="(-?[0-9.]+)"/g;
const JSON_TIME_KEYS = new Set(['timestamp', 'undo', 'start', 'in', 'out']);
const VTT_CUE = /((?:\d+:)?\d{1,2}:\d{2}\.\d{3})\s+-->\s+((?:\d+:)?\d{1,2}:\d{2}\.\d{3})/g;

/** Time attributes of XML timelines, seconds (non-negative only). */
export function xmlTimes(xml: string): number[] {
  const times: number[] = [];
  for (const m of xml.matchAll(XML_TIME_ATTRIBUTE)) {
    const t = Number(m[1]);
    if (Number.isFinite(t) && t >= 0) times.push(t);
  }
  return times;
}

/** Numeric time keys anywhere in a JSON document (tldraw shapes, polls, external videos). */
export function jsonTimes(text: string): number[] {
  if (text.trim() === '') return [];
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    // A malformed optional document adds no instants; the player ignores it too.
    return [];
  }
  const times: number[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) {
        const t = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
        if (JSON_TIME_KEYS.has(key) && typeof t === 'number' && Number.isFinite(t) && t >= 0) times.push(t);
        else walk(value);
      }
    }
  };
  walk(doc);
  return times;
}

function vttSeconds(stamp: string): number {
  const parts = stamp.split(':').map(Number);
  return parts.reduce((acc, p) => acc * 60 + p, 0);
}

/** Cue start and end times of a WebVTT file, seconds. */
export function vttTimes(vtt: string): number[] {
  const times: number[] = [];
  for (const m of vtt.matchAll(VTT_CUE)) times.push(vttSeconds(m[1]!), vttSeconds(m[2]!));
  return times;
}

/** Every instant named by the recording's documents, seconds, unsorted. */
export function timelineTimes(docs: TimelineDocuments): number[] {
  return [...docs.xml.flatMap(xmlTimes), ...docs.json.flatMap(jsonTimes), ...docs.vtt.flatMap(vttTimes)];
}

/** Screen-share intervals of deskshare.xml. */
export function deskshareIntervals(xml: string): DeskshareInterval[] {
  const intervals: DeskshareInterval[] = [];
  for (const m of xml.matchAll(/<event\b[^>]*>/g)) {
    const start = Number(/\sstart_timestamp="([0-9.]+)"/.exec(m[0])?.[1]);
    const stop = Number(/\sstop_timestamp="([0-9.]+)"/.exec(m[0])?.[1]);
    if (Number.isFinite(start) && Number.isFinite(stop) && stop > start) intervals.push({ start, stop });
  }
  return intervals;
}
