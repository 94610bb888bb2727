/**
 * How late whiteboard and cursor changes show in an output, from where its pictures change. The
 * truth says when each shape appears or is undone and when the cursor moves; the slide code says
 * where the slide is on screen (its code box against where the truth drew it on the slide). A
 * change shows in the first frame, from just before its instant on, whose slide area differs from
 * the frame before (decode-video-codes.ts `changes`), outside the videos drawn over it. Only the
 * frames up to the next instant of anything the recording changes (another shape, a slide, the
 * chat...) are looked at, so a change is never credited with another's picture; instants with
 * another one beside them, or while the screen share hides the slide, are not expected.
 */
import { CHANGED_CELLS_DEFAULTS } from '../frame-code/changed-cells.js';
import type { Box } from '../frame-code/raster.js';
import type { SampleTruth } from '../sample/sample-truth.js';
import type { DecodedVideo } from './decode-video-codes.js';
import type { ChangeLatencyReport, PageChangesReport } from './fidelity-report.js';
import { median, round } from './stats.js';

/** A change is looked for from this long before its instant (a frame's time is rounded to the ms, an output may be early by that). */
const EARLY_S = 0.02;
/** ... to this long after it, at most. */
const LATE_S = 1;
/** Instants closer than this to another one are not measured on their own. */
const APART_S = 0.05;

const inside = (t: number, intervals: ReadonlyArray<{ start: number; end: number }>) => intervals.some((i) => t >= i.start && t < i.end);

/** Every instant at which the truth says the picture can change, seconds, sorted. */
function allInstants(truth: SampleTruth): number[] {
  const times = [
    ...truth.slides.flatMap((s) => [s.start, s.end]),
    ...truth.shapes.flatMap((s) => (s.end === null ? [s.start] : [s.start, s.end])),
    ...truth.cursor.map((c) => c.time),
    ...truth.chat.map((c) => c.time),
    ...truth.panzooms.map((p) => p.time),
    ...(truth.screenshare?.intervals ?? []).flatMap((i) => [i.start, i.end]),
    ...(truth.captions?.cues ?? []).flatMap((c) => [c.start, c.end]),
    ...(truth.polls ?? []).map((p) => p.time),
    ...(truth.webcams?.cameras ?? []).flatMap((c) => c.intervals.flatMap((i) => [i.start, i.end])),
  ];
  return Array.from(new Set(times)).sort((a, b) => a - b);
}

/** The slide's box on screen (video pixels): from the slide code's most frequent box. */
function slideBox(video: DecodedVideo, truth: SampleTruth): Box | undefined {
  const picture = truth.slidePicture;
  if (!picture) return undefined;
  const counts = new Map<string, { box: Box; n: number }>();
  for (const frame of video.frames) {
    for (const code of frame.codes) {
      if (code.kind !== 'slide') continue;
      const key = `${code.box.x},${code.box.y},${code.box.w},${code.box.h}`;
      const entry = counts.get(key) ?? { box: code.box, n: 0 };
      entry.n++;
      counts.set(key, entry);
    }
  }
  const code = [...counts.values()].sort((a, b) => b.n - a.n)[0]?.box;
  if (!code) return undefined;
  const scale = code.w / picture.codeBox.w;
  return { x: code.x - picture.codeBox.x * scale, y: code.y - picture.codeBox.y * scale, w: picture.width * scale, h: picture.height * scale };
}

function latency(offsets: number[], expected: number): ChangeLatencyReport {
  const m = median(offsets);
  return {
    expected,
    measured: offsets.length,
    medianMs: m === null ? null : round(m * 1000),
    maxMs: offsets.length ? round(Math.max(...offsets) * 1000) : null,
  };
}

/**
 * Whiteboard and cursor change lateness in `video` (decoded with `changes`); output t=0 is
 * source `from`. `exclude` are boxes (video pixels) where videos are drawn over the page. Null
 * when the slide cannot be found or the frames carry no change cells.
 */
export function measurePageChanges(video: DecodedVideo, truth: SampleTruth, options: { from: number; to: number; exclude: readonly Box[] }): PageChangesReport | null {
  if (video.frames.length === 0 || video.frames[0]!.changedCells === undefined) return null;
  const slide = slideBox(video, truth);
  if (!slide) return null;
  const { from, to } = options;
  // The grid cells whose centre lies on the slide and not in a video.
  const cell = CHANGED_CELLS_DEFAULTS.cell;
  const sx = video.width / video.analysisWidth;
  const sy = video.height / video.analysisHeight;
  const columns = Math.ceil(video.analysisWidth / cell);
  const within = (x: number, y: number, b: Box) => x >= b.x && x < b.x + b.w && y >= b.y && y < b.y + b.h;
  const onSlide = (index: number) => {
    const x = ((index % columns) + 0.5) * cell * sx;
    const y = (Math.floor(index / columns) + 0.5) * cell * sy;
    return within(x, y, slide) && !options.exclude.some((b) => within(x, y, { x: b.x - cell * sx, y: b.y - cell * sy, w: b.w + 2 * cell * sx, h: b.h + 2 * cell * sy }));
  };
  const changedAt = video.frames.map((f) => (f.changedCells ?? []).some(onSlide));
  const instants = allInstants(truth);
  const hidden = truth.screenshare?.intervals ?? [];
  const shownSlide = (t: number) => truth.slides.find((s) => t >= s.start && t < s.end)?.index;

  const after = (due: number) => instants[instants.indexOf(due) + 1] ?? Number.POSITIVE_INFINITY;
  const apart = (due: number) => {
    const i = instants.indexOf(due);
    return due - (instants[i - 1] ?? Number.NEGATIVE_INFINITY) >= APART_S && after(due) - due >= APART_S;
  };
  const measure = (due: number): number | undefined => {
    const start = due - from - EARLY_S;
    const end = Math.min(due + LATE_S, after(due)) - from;
    const k = video.frames.findIndex((f, j) => f.time >= start && f.time < end && changedAt[j]);
    return k < 0 ? undefined : video.frames[k]!.time - (due - from);
  };
  // A change counts where it is inside the part and shows: the slide up, no screen share over it.
  const visible = (t: number) => t > from && t < to && !inside(t, hidden) && apart(t);

  const shapeInstants = truth.shapes.flatMap((s) =>
    s.end === null
      ? [{ t: s.start, slide: s.slide }]
      : [
          { t: s.start, slide: s.slide },
          { t: s.end, slide: s.slide },
        ],
  );
  const shapeDue = Array.from(new Set(shapeInstants.filter((s) => visible(s.t) && shownSlide(s.t) === s.slide).map((s) => s.t)));
  const cursorDue = truth.cursor.filter((c, i) => i > 0 && visible(c.time) && !(c.x < 0 && truth.cursor[i - 1]!.x < 0)).map((c) => c.time);
  const offsets = (due: number[]) => due.map(measure).filter((o): o is number => o !== undefined);
  return { whiteboard: latency(offsets(shapeDue), shapeDue.length), cursor: latency(offsets(cursorDue), cursorDue.length) };
}
