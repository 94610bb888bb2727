/**
 * panzooms.xml. For BBB < 2.6 each viewBox is the visible part of the slide in slide pixels. In a
 * tldraw recording (`tldraw="true"`) x and y are the tldraw camera offset and width/height are
 * slide pixels that the player scales with the slide (to at most 1440×1080); the sample only zooms
 * into the top-left corner, where both readings give x = y = 0.
 */
import { formatSeconds } from './format-seconds.js';
import type { SamplePlan } from './plan-sample.js';

export function panzoomsXml(plan: SamplePlan): string {
  const tldraw = plan.whiteboard === 'tldraw' ? ' tldraw="true"' : '';
  const events = plan.panzooms.map(
    ({ time, viewBox }) => `  <event timestamp="${formatSeconds(time)}">\n    <viewBox>${viewBox.map((v) => v.toFixed(1)).join(' ')}</viewBox>\n  </event>`,
  );
  return ['<?xml version="1.0" encoding="UTF-8"?>', `<recording id="panzoom_events"${tldraw}>`, ...events, '</recording>', ''].join('\n');
}
