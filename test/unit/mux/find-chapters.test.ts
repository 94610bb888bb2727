import { describe, expect, it } from 'vitest';
import { findChapters, MIN_CHAPTER_S, type ChapterSources } from '../../../src/mux/find-chapters.js';

const P = 'abc-123';
const image = (inS: number, outS: number, href: string) => `<image id="i" class="slide" in="${inS}" out="${outS}" xlink:href="${href}" width="1600" height="1200"/>`;
const svg = (...images: string[]) => `<svg>\n${images.join('\n')}\n</svg>`;

function sources(over: Partial<ChapterSources>): ChapterSources {
  return { shapesSvg: '', shares: [], presentationText: '', from: 0, to: 100, ...over };
}

describe('findChapters', () => {
  it('makes one chapter per slide change and per screen-share start and end, titled from the slide text', () => {
    const shapesSvg = svg(
      image(0, 10, `presentation/${P}/slide-1.png`),
      image(10, 30, `presentation/${P}/slide-2.png`),
      image(30, 40, 'presentation/deskshare.png'),
      image(40, 60, `presentation/${P}/slide-2.png`),
      image(60, 100, `presentation/${P}/svgs/slide3.svg`),
    );
    const presentationText = JSON.stringify({ [P]: { 'slide-1': 'Welcome\nto the course', 'slide-2': '<b>Agenda</b>', 'slide-3': '  ' } });
    expect(findChapters(sources({ shapesSvg, presentationText, shares: [{ start: 30, stop: 40 }] }))).toEqual([
      { start: 0, end: 10, title: 'Welcome' },
      { start: 10, end: 30, title: 'Agenda' },
      { start: 30, end: 40, title: 'Screen share' },
      { start: 40, end: 60, title: 'Agenda' },
      // An empty slide text: its number.
      { start: 60, end: 100, title: 'Slide 3' },
    ]);
  });

  it('takes screen shares from deskshare.xml even where shapes.svg shows no deskshare picture', () => {
    const shapesSvg = svg(image(0, 100, `presentation/${P}/slide-1.png`));
    expect(findChapters(sources({ shapesSvg, shares: [{ start: 20, stop: 50 }] })).map((c) => [c.start, c.title])).toEqual([
      [0, 'Slide 1'],
      [20, 'Screen share'],
      [50, 'Slide 1'],
    ]);
  });

  it("puts chapters on the part's timeline: what shows at from is at 0, nothing past to", () => {
    const shapesSvg = svg(image(0, 10, `presentation/${P}/slide-1.png`), image(10, 20, `presentation/${P}/slide-2.png`), image(20, 100, `presentation/${P}/slide-3.png`));
    expect(findChapters(sources({ shapesSvg, from: 5, to: 19 }))).toEqual([
      { start: 0, end: 5, title: 'Slide 1' },
      { start: 5, end: 14, title: 'Slide 2' },
    ]);
  });

  it(`joins changes closer than ${MIN_CHAPTER_S} s to their chapter's start, titled after what it shows longest`, () => {
    const shapesSvg = svg(
      image(0, 1, `presentation/${P}/slide-1.png`),
      image(1, 2, `presentation/${P}/slide-2.png`),
      image(2, 2.9, `presentation/${P}/slide-3.png`),
      image(2.9, 20, `presentation/${P}/slide-4.png`),
      image(20, 22.99, `presentation/${P}/slide-5.png`),
      image(22.99, 40, `presentation/${P}/slide-6.png`),
    );
    // 0 (1), 1 (2), 2 (3), 2.9 (4) are one chapter, mostly slide 4; 20 starts one, 22.99 joins it.
    expect(findChapters(sources({ shapesSvg, to: 40 }))).toEqual([
      { start: 0, end: 20, title: 'Slide 4' },
      { start: 20, end: 40, title: 'Slide 6' },
    ]);
    // Exactly MIN_CHAPTER_S apart: two chapters.
    const apart = svg(image(0, 3, `presentation/${P}/slide-1.png`), image(3, 10, `presentation/${P}/slide-2.png`));
    expect(findChapters(sources({ shapesSvg: apart, to: 10 })).map((c) => c.start)).toEqual([0, 3]);
  });

  it('has no chapters without slides or shares, and survives a broken text index', () => {
    expect(findChapters(sources({}))).toEqual([]);
    const shapesSvg = svg(image(0, 100, `presentation/${P}/slide-7.png`));
    expect(findChapters(sources({ shapesSvg, presentationText: '{not json' }))).toEqual([{ start: 0, end: 100, title: 'Slide 7' }]);
  });
});
