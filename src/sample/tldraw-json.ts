/**
 * tldraw.json of a BBB 3.0 recording: `bbb_version` (≥ 3.0.0 selects the player's tldraw v2
 * whiteboard) and, keyed by image number, each slide image's shapes as tldraw v2 shape records.
 * The records match @bigbluebutton/tlschema 2.0.0-alpha (what the player bundles): tldraw
 * validates every property and rejects unknown ones, so nothing extra may be added.
 */
import { TLDRAW_BBB_VERSION, type PlannedShape, type SamplePlan } from './plan-sample.js';
import { TLDRAW_SCALE, toTldrawPage } from './tldraw-page.js';
import { whiteboardEventsOnImage, type WhiteboardEvent } from './whiteboard-events-on-image.js';

/** tldraw's colour names for the plan's colours (none of them near a code colour). */
const TLDRAW_COLORS: Record<string, string> = { '#ff0000': 'red', '#0000ff': 'blue', '#008000': 'green', '#000000': 'black' };

const scaled = (v: number) => Math.round(v * TLDRAW_SCALE * 100) / 100;

function props(shape: PlannedShape, points: number[], complete: boolean): { x: number; y: number; type: string; props: Record<string, unknown> } {
  const color = TLDRAW_COLORS[shape.color] ?? 'black';
  const x = toTldrawPage(points[0]!);
  const y = toTldrawPage(points[1]!);
  switch (shape.kind) {
    case 'pencil': {
      const segmentPoints = [];
      for (let i = 0; i + 1 < points.length; i += 2) segmentPoints.push({ x: scaled(points[i]! - points[0]!), y: scaled(points[i + 1]! - points[1]!), z: 0.5 });
      return {
        x,
        y,
        type: 'draw',
        props: { color, fill: 'none', dash: 'draw', size: 'm', segments: [{ type: 'free', points: segmentPoints }], isComplete: complete, isClosed: false, isPen: false },
      };
    }
    case 'line': {
      const handle = (id: string, index: string, hx: number, hy: number) => ({ id, type: 'vertex', canBind: false, canSnap: true, index, x: hx, y: hy });
      return {
        x,
        y,
        type: 'line',
        props: {
          color,
          dash: 'draw',
          size: 'm',
          spline: 'line',
          handles: { start: handle('start', 'a1', 0, 0), end: handle('end', 'a2', scaled(points[2]! - points[0]!), scaled(points[3]! - points[1]!)) },
        },
      };
    }
    case 'rectangle':
      return {
        x,
        y,
        type: 'geo',
        props: {
          w: scaled(points[2]! - points[0]!),
          h: scaled(points[3]! - points[1]!),
          geo: 'rectangle',
          color,
          labelColor: 'black',
          fill: 'none',
          dash: 'draw',
          size: 'm',
          font: 'draw',
          text: '',
          align: 'middle',
          verticalAlign: 'middle',
          growY: 0,
          url: '',
        },
      };
    case 'text':
      return { x, y, type: 'text', props: { color, size: 'l', font: 'draw', align: 'start', w: scaled(points[2]!), text: shape.text ?? '', scale: 1, autoSize: false } };
  }
}

/** One tldraw.json shape entry: BBB's draw id, times, and the tldraw record. */
function tldrawEntry(event: WhiteboardEvent, index: number) {
  const { shape } = event;
  const body = props(shape, event.points, event.version === shape.versions.length - 1);
  return {
    id: event.drawId,
    timestamp: event.time,
    undo: shape.undo ?? -1,
    shape_data: {
      x: body.x,
      y: body.y,
      rotation: 0,
      isLocked: false,
      opacity: 1,
      meta: {},
      id: `shape:sample${shape.id}`,
      type: body.type,
      props: body.props,
      // The player re-parents every shape onto its current page.
      parentId: 'page:1',
      // Fractional index: a1, a2, … keeps shapes in drawing order.
      index: `a${index + 1}`,
      typeName: 'shape',
    },
  };
}

/** The tldraw.json document (only for tldraw recordings). */
export function tldrawJson(plan: SamplePlan): string {
  const document: Record<string, unknown> = { bbb_version: TLDRAW_BBB_VERSION };
  // BBB writes an entry only for images that have shapes; the sample writes one for every slide
  // image, so the player has a current entry (and picks tldraw v2) from t = 0 on.
  for (const image of plan.images) {
    if (image.slide === null) continue;
    const shapeOrder = new Map<number, number>();
    const shapes = whiteboardEventsOnImage(plan, image).map((event) => {
      if (!shapeOrder.has(event.shape.id)) shapeOrder.set(event.shape.id, shapeOrder.size);
      return tldrawEntry(event, shapeOrder.get(event.shape.id)!);
    });
    document[String(image.id)] = { shapes, timestamp: image.start };
  }
  return `${JSON.stringify(document)}\n`;
}
