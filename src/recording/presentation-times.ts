/**
 * The instants whose change shows inside the presentation: slides, strokes and pan/zoom
 * (shapes.svg, panzooms.xml), the cursor (cursor.xml) and BBB 3.0's whiteboard (tldraw.json).
 * Chat, captions, polls, layout and the videos change elsewhere on the page.
 */
import { jsonTimes, type TimelineDocuments, xmlTimes } from './timeline-times.js';

/** Every instant (seconds, unsorted) of the presentation's own documents; `docs` in the order fetch-recording-files.ts reads them. */
export function presentationTimes(docs: TimelineDocuments): number[] {
  // xml: shapes.svg, panzooms.xml, cursor.xml, ...; json: tldraw.json, ...
  return [...docs.xml.slice(0, 3).flatMap(xmlTimes), ...jsonTimes(docs.json[0] ?? '')];
}
