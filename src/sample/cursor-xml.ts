/**
 * cursor.xml: for BBB < 2.6 the cursor is a fraction of the current viewBox; in a tldraw recording
 * (`tldraw="true"`) it is a point on the tldraw page. `-1 -1` hides it in both.
 */
import { formatSeconds } from './format-seconds.js';
import { SLIDE_HEIGHT, SLIDE_WIDTH, type SamplePlan } from './plan-sample.js';
import { toTldrawPage } from './tldraw-page.js';

function viewBoxAt(plan: SamplePlan, time: number): [number, number, number, number] {
  return plan.panzooms.filter((p) => p.time <= time).at(-1)?.viewBox ?? [0, 0, SLIDE_WIDTH, SLIDE_HEIGHT];
}

const round5 = (v: number) => String(Math.round(v * 100_000) / 100_000);

export function cursorXml(plan: SamplePlan): string {
  const tldraw = plan.whiteboard === 'tldraw';
  const events = plan.cursor.map(({ time, x, y }) => {
    let position = '-1.0 -1.0';
    if (x >= 0 && y >= 0) {
      if (tldraw) position = `${toTldrawPage(x * SLIDE_WIDTH)} ${toTldrawPage(y * SLIDE_HEIGHT)}`;
      else {
        const [vx, vy, vw, vh] = viewBoxAt(plan, time);
        position = `${round5((x * SLIDE_WIDTH - vx) / vw)} ${round5((y * SLIDE_HEIGHT - vy) / vh)}`;
      }
    }
    return `  <event timestamp="${formatSeconds(time)}">\n    <cursor>${position}</cursor>\n  </event>`;
  });
  return ['<?xml version="1.0" encoding="UTF-8"?>', `<recording id="cursor_events"${tldraw ? ' tldraw="true"' : ''}>`, ...events, '</recording>', ''].join('\n');
}
