/**
 * Chapters of an export: one per slide change of shapes.svg and per screen-share start and end
 * (deskshare.xml, and the deskshare pictures shapes.svg shows meanwhile), on the output's
 * timeline. A slide's chapter is titled by the first line of its text (presentation_text.json),
 * else "Slide N"; a share's is "Screen share". A change closer than MIN_CHAPTER_S to its chapter's
 * start joins that chapter (flipping through slides makes one chapter, not five), which is then
 * titled after what it shows longest.
 */
import type { DeskshareInterval } from '../recording/timeline-times.js';
import { slideTitle } from './slide-title.js';

/** A chapter, seconds on the output's timeline. */
export interface Chapter {
  start: number;
  end: number;
  title: string;
}

/** Shortest chapter a change starts; closer changes join the chapter before. */
export const MIN_CHAPTER_S = 3;

/** What findChapters reads. */
export interface ChapterSources {
  shapesSvg: string;
  shares: readonly DeskshareInterval[];
  /** presentation_text.json: {"<presentation id>": {"slide-N": "text", …}, …}; '' without one. */
  presentationText: string;
  /** The exported part of the recording, seconds; `to` is its end. */
  from: number;
  to: number;
}

const SHARE = 'Screen share';

interface Shown {
  start: number;
  end: number;
  /** What is shown: equal keys are the same picture (a slide, or the share). */
  key: string;
  title: string;
}

const attr = (tag: string, name: string): string | undefined => new RegExp(`\\s${name}="([^"]*)"`).exec(tag)?.[1];

function slideTexts(json: string): Record<string, Record<string, unknown>> {
  try {
    const doc = JSON.parse(json || '{}') as unknown;
    return doc && typeof doc === 'object' && !Array.isArray(doc) ? (doc as Record<string, Record<string, unknown>>) : {};
  } catch {
    // A broken text index only costs the titles: "Slide N" instead.
    return {};
  }
}

function shownImages(sources: ChapterSources): Shown[] {
  const texts = slideTexts(sources.presentationText);
  const shown: Shown[] = [];
  for (const [tag] of sources.shapesSvg.matchAll(/<image\b[^>]*>/g)) {
    if (attr(tag, 'class') !== 'slide') continue;
    const start = Number(attr(tag, 'in'));
    const end = Number(attr(tag, 'out'));
    if (!(Number.isFinite(start) && end > start)) continue;
    const href = attr(tag, 'xlink:href') ?? attr(tag, 'href') ?? '';
    if (/(^|\/)deskshare\.png$/.test(href)) {
      shown.push({ start, end, key: 'share', title: SHARE });
      continue;
    }
    // presentation/<id>/slide-N.png (BBB < 3), presentation/<id>/svgs/slideN.svg (BBB 3).
    const m = /presentation\/([^/]+)\/(?:svgs\/slide|slide-)(\d+)\.\w+$/.exec(href);
    const pres = m?.[1] ?? '';
    const n = m?.[2];
    const entry = texts[pres];
    const text = n && entry && typeof entry === 'object' ? [entry[`slide-${n}`], entry[`slide-${n}.txt`], entry[n]].find((v): v is string => typeof v === 'string') : undefined;
    shown.push({ start, end, key: `${pres}/${n ?? href}`, title: (text !== undefined ? slideTitle(text) : undefined) ?? (n ? `Slide ${n}` : 'Slide') });
  }
  return shown;
}

/** Chapters of the part [from, to) of a recording. */
export function findChapters(sources: ChapterSources): Chapter[] {
  const { from, to } = sources;
  const images = shownImages(sources);
  const shares = [...sources.shares.map((s) => ({ start: s.start, end: s.stop, key: 'share', title: SHARE })), ...images.filter((i) => i.key === 'share')];
  const slides = images.filter((i) => i.key !== 'share');
  const at = (t: number): Shown | undefined => shares.find((s) => s.start <= t && t < s.end) ?? slides.find((s) => s.start <= t && t < s.end);
  const instants = [from, ...[...shares, ...slides].flatMap((s) => [s.start, s.end]).filter((t) => t > from && t < to)];
  const marks: Array<{ time: number; key: string; title: string }> = [];
  for (const t of [...new Set(instants)].sort((a, b) => a - b)) {
    const now = at(t);
    // Nothing shown (a gap between images): the last picture stays, as in the player.
    if (now && now.key !== marks.at(-1)?.key) marks.push({ time: Math.round((t - from) * 1000) / 1000, key: now.key, title: now.title });
  }
  const length = to - from;
  const groups: Array<Array<{ time: number; end: number; title: string }>> = [];
  marks.forEach((mark, i) => {
    const part = { time: mark.time, end: marks[i + 1]?.time ?? length, title: mark.title };
    const group = groups.at(-1);
    if (group && mark.time - group[0]!.time < MIN_CHAPTER_S) group.push(part);
    else groups.push([part]);
  });
  return groups.map((group) => {
    const shownFor = new Map<string, number>();
    for (const p of group) shownFor.set(p.title, (shownFor.get(p.title) ?? 0) + (p.end - p.time));
    // The longest shown, the earliest of equals (Map keeps first-seen order).
    const title = [...shownFor].reduce((best, entry) => (entry[1] > best[1] ? entry : best))[0];
    return { start: group[0]!.time, end: group.at(-1)!.end, title };
  });
}
