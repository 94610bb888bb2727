/**
 * Which whiteboard events BBB stores with one slide image: every version of every shape of that
 * slide that is drawn before the image ends and not replaced before it starts (publish script's
 * svg_render_shape / build_tldraw_shape). So shapes drawn earlier reappear when a slide is shown
 * again, and an undone shape is stored with its undo time.
 */
import type { PlannedImage, PlannedShape, SamplePlan } from './plan-sample.js';

export interface WhiteboardEvent {
  shape: PlannedShape;
  /** Index of the version within shape.versions. */
  version: number;
  time: number;
  points: number[];
  /** BBB's draw id: a counter over all shape events of the recording, in time order. */
  drawId: number;
}

/** The events stored with `image`, in time order (the player needs them sorted). */
export function whiteboardEventsOnImage(plan: SamplePlan, image: PlannedImage): WhiteboardEvent[] {
  const all = plan.shapes
    .flatMap((shape) => shape.versions.map((v, version) => ({ shape, version, time: v.time, points: v.points, out: shape.versions[version + 1]?.time })))
    .sort((a, b) => a.time - b.time || a.shape.id - b.shape.id)
    .map((event, i) => ({ ...event, drawId: i + 1 }));
  if (image.slide === null) return [];
  return all.filter((e) => e.shape.slide === image.slide && e.time < image.end && (e.out === undefined || e.out > image.start)).map(({ out: _out, ...event }) => event);
}
