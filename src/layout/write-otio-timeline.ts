/**
 * Writes `NAME.otio` beside a --split export (see build-otio-timeline.ts): the content, webcams and
 * presenter files as video tracks, the content file's sound as the audio track, and the slide
 * changes of the exported part as markers on the content clip.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { OpenedRecording } from '../recording/open-recording.js';
import { buildOtioTimeline } from './build-otio-timeline.js';
import type { ComposedLayoutResult } from './compose-layout.js';
import { slideChanges } from './probe-recording.js';

/** Slide changes (and screen shares) of the part [from, from + duration) on the output's timeline: the slide shown at the start at 0, then each change. */
export function slideMarkers(shapesSvg: string, from: number, duration: number): Array<{ time: number; name: string }> {
  const changes = slideChanges(shapesSvg);
  const name = (image: string) => {
    // BBB shows deskshare.png while the screen is shared.
    if (/(^|\/)deskshare\.png$/.test(image)) return 'Screen share';
    const number = /slide-(\d+)\.\w+$/.exec(image)?.[1];
    return number ? `Slide ${number}` : path.basename(image) || 'Slide';
  };
  const atStart = changes.filter((c) => c.time <= from).at(-1);
  const within = changes.filter((c) => c.time > from && c.time < from + duration);
  return [...(atStart ? [{ time: 0, name: name(atStart.image) }] : []), ...within.map((c) => ({ time: c.time - from, name: name(c.image) }))];
}

/** Writes the timeline of `split` to `partial` (the hidden name of `file`, NAME.otio). */
export async function writeOtioTimeline(
  file: string,
  partial: string,
  split: NonNullable<ComposedLayoutResult['split']>,
  recording: OpenedRecording,
  part: { from: number; duration: number; fps: number },
): Promise<void> {
  const markers = slideMarkers(recording.docs.xml[0] ?? '', part.from, part.duration);
  const timeline = buildOtioTimeline({
    name: path.basename(file, '.otio'),
    rate: part.fps,
    duration: part.duration,
    dir: path.dirname(file),
    tracks: [
      { name: 'Content', kind: 'Video', file: split.content, markers },
      ...(split.webcams ? [{ name: 'Webcams', kind: 'Video' as const, file: split.webcams }] : []),
      ...split.presenters.map((p) => ({ name: `Presenter ${p.presenter}`, kind: 'Video' as const, file: p.file })),
      { name: 'Sound', kind: 'Audio', file: split.content },
    ],
  });
  await writeFile(partial, `${JSON.stringify(timeline, null, 2)}\n`);
}
