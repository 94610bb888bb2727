/**
 * Which slides an output showed and how late slide changes came, from the slide codes. The
 * player changes slides on its time event (10 Hz by default, `f=`), so a change may come up to
 * one event period late even in a perfect capture.
 */
import type { Interval } from '../sample/sample-truth.js';
import type { DecodedFrame } from './decode-video-codes.js';
import type { SlidesReport } from './fidelity-report.js';
import { median, round } from './stats.js';

/** A slide of the truth: its number and when it is shown. */
export type SlideShowing = Interval & { index: number };

const MIN_VISIBLE_S = 0.3;
/** A change is looked for this far around its expected time. */
const SEARCH_S = 2;
const EPS = 1e-6;

function overlap(a: Interval, b: Interval): number {
  return Math.max(0, Math.min(a.end, b.end) - Math.max(a.start, b.start));
}

/** Measures slides over the decoded frames; output t=0 is source `from`. */
export function measureSlides(
  frames: readonly DecodedFrame[],
  slides: readonly SlideShowing[],
  options: { from: number; to: number; hiddenBy?: readonly Interval[] },
): SlidesReport {
  const { from, to } = options;
  const range = { start: from, end: to };
  const visible = new Map<number, number>();
  for (const slide of slides) {
    const shown = { start: Math.max(slide.start, from), end: Math.min(slide.end, to) };
    // The screen share takes the presentation's place while it runs.
    const hidden = (options.hiddenBy ?? []).reduce((sum, share) => sum + overlap(shown, share), 0);
    visible.set(slide.index, (visible.get(slide.index) ?? 0) + overlap(slide, range) - hidden);
  }
  const expected = [...visible]
    .filter(([, s]) => s >= MIN_VISIBLE_S)
    .map(([i]) => i)
    .sort((a, b) => a - b);

  // The slide on screen in each frame, and the moments it changed.
  const found = new Set<number>();
  const changes: Array<{ time: number; index: number }> = [];
  let current = -1;
  for (const frame of frames) {
    let index = -1;
    for (const code of frame.codes) {
      if (code.kind !== 'slide') continue;
      found.add(code.value);
      index = code.value;
    }
    if (index >= 0 && index !== current) {
      changes.push({ time: frame.time, index });
      current = index;
    }
  }

  // Each change inside the range (not the first slide: it is there from the start).
  const offsets: number[] = [];
  const ordered = [...slides].sort((a, b) => a.start - b.start);
  for (let i = 1; i < ordered.length; i++) {
    const slide = ordered[i]!;
    const previous = ordered[i - 1]!;
    // A change only shows when a different slide was up just before.
    if (slide.start <= from + EPS || slide.start >= to - EPS || previous.index === slide.index || previous.end < slide.start - EPS) continue;
    const due = slide.start - from;
    let best: number | undefined;
    for (const change of changes) {
      if (change.index !== slide.index || Math.abs(change.time - due) > SEARCH_S) continue;
      if (best === undefined || Math.abs(change.time - due) < Math.abs(best - due)) best = change.time;
    }
    if (best !== undefined) offsets.push(best - due);
  }
  const offset = median(offsets);
  return {
    expected,
    seen: expected.filter((i) => found.has(i)),
    missing: expected.filter((i) => !found.has(i)),
    changesMeasured: offsets.length,
    changeOffsetMs: offset === null ? null : round(offset * 1000),
    changeOffsetMaxMs: offsets.length ? round(Math.max(...offsets) * 1000) : null,
  };
}
