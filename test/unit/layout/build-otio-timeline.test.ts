import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildOtioTimeline, relativeFileUrl } from '../../../src/layout/build-otio-timeline.js';
import { slideMarkers } from '../../../src/layout/write-otio-timeline.js';
import { checkOtio } from './otio-check.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'otio-'));
  for (const f of ['Talk 1.content.mp4', 'Talk 1.webcams.mp4', 'Talk 1.presenter-1.mp4']) await writeFile(path.join(dir, f), '');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const shapes = `<svg><image id="image1" class="slide" in="0" out="3.5" xlink:href="presentation/abc/svgs/slide1.svg"/>
<image id="image2" class="slide" in="3.5" out="7" xlink:href="presentation/abc/slide-2.png"/>
<image id="image3" class="slide" in="7" out="8" xlink:href="presentation/abc/slide-3.png"/>
<image id="image4" class="slide" in="8" out="12" xlink:href="presentation/deskshare.png"/></svg>`;

describe('slideMarkers', () => {
  it('puts the slide shown at the start at 0 and each later change at its time in the part', () => {
    expect(slideMarkers(shapes, 2, 8)).toEqual([
      { time: 0, name: 'slide1.svg' },
      { time: 1.5, name: 'Slide 2' },
      { time: 5, name: 'Slide 3' },
      { time: 6, name: 'Screen share' },
    ]);
    expect(slideMarkers(shapes, 0, 5)).toEqual([
      { time: 0, name: 'slide1.svg' },
      { time: 3.5, name: 'Slide 2' },
    ]);
  });
});

describe('buildOtioTimeline', () => {
  const input = {
    name: 'Talk 1',
    rate: 30,
    duration: 10,
    dir: '',
    tracks: [
      { name: 'Content', kind: 'Video' as const, file: '', markers: slideMarkers(shapes, 0, 10) },
      { name: 'Webcams', kind: 'Video' as const, file: '' },
      { name: 'Presenter 1', kind: 'Video' as const, file: '' },
      { name: 'Sound', kind: 'Audio' as const, file: '' },
    ],
  };
  const withFiles = () => {
    const files = ['Talk 1.content.mp4', 'Talk 1.webcams.mp4', 'Talk 1.presenter-1.mp4', 'Talk 1.content.mp4'].map((f) => path.join(dir, f));
    return { ...input, dir, tracks: input.tracks.map((t, i) => ({ ...t, file: files[i]! })) };
  };

  it('is an OTIO timeline of whole-file clips with relative references to files that exist', () => {
    const doc = JSON.parse(JSON.stringify(buildOtioTimeline(withFiles()))) as Record<string, unknown>;
    const markers = checkOtio(doc, 30, dir);
    expect(markers).toEqual([
      { track: 'Content', frame: 0, name: 'slide1.svg' },
      { track: 'Content', frame: 105, name: 'Slide 2' },
      { track: 'Content', frame: 210, name: 'Slide 3' },
      { track: 'Content', frame: 240, name: 'Screen share' },
    ]);
    const tracks = (
      doc.tracks as {
        children: Array<{
          name: string;
          kind: string;
          children: Array<{ media_references: { DEFAULT_MEDIA: { target_url: string } }; source_range: { duration: { value: number } } }>;
        }>;
      }
    ).children;
    expect(tracks.map((t) => [t.name, t.kind])).toEqual([
      ['Content', 'Video'],
      ['Webcams', 'Video'],
      ['Presenter 1', 'Video'],
      ['Sound', 'Audio'],
    ]);
    expect(tracks[0]!.children[0]!.media_references.DEFAULT_MEDIA.target_url).toBe('Talk%201.content.mp4');
    expect(tracks[0]!.children[0]!.source_range.duration.value).toBe(300);
  });

  it('leaves out markers past the end, and the check catches a reference to a missing file', () => {
    const doc = buildOtioTimeline({ ...withFiles(), duration: 5 });
    expect(checkOtio(doc, 30, dir).map((m) => m.frame)).toEqual([0, 105]);
    const broken = buildOtioTimeline({ ...withFiles(), tracks: [{ name: 'X', kind: 'Video', file: path.join(dir, 'gone.mp4') }] });
    expect(() => checkOtio(broken, 30, dir)).toThrow(/gone\.mp4 does not exist/);
  });

  it('makes references relative to the timeline, segment by segment', () => {
    expect(relativeFileUrl('/out', '/out/sub dir/a#1.mp4')).toBe('sub%20dir/a%231.mp4');
  });
});
