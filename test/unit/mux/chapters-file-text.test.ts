import { describe, expect, it } from 'vitest';
import { chaptersFileText } from '../../../src/mux/chapters-file-text.js';

const chapters = [
  { start: 0, end: 6, title: 'Intro & <welcome>' },
  { start: 6, end: 3725.5, title: 'مقدمة' },
];

describe('chaptersFileText', () => {
  it('writes WebVTT chapters with escaped cue text', () => {
    expect(chaptersFileText('out/lecture.vtt', chapters)).toBe(`WEBVTT

1
00:00:00.000 --> 00:00:06.000
Intro &amp; &lt;welcome&gt;

2
00:00:06.000 --> 01:02:05.500
مقدمة
`);
  });

  it('writes JSON for a .json name', () => {
    expect(JSON.parse(chaptersFileText('chapters.JSON', chapters))).toEqual(chapters);
  });
});
