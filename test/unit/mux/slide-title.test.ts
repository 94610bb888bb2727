import { describe, expect, it } from 'vitest';
import { MAX_TITLE_LENGTH, slideTitle } from '../../../src/mux/slide-title.js';

describe('slideTitle', () => {
  it('takes the first non-empty line, without markup, entities decoded, whitespace collapsed', () => {
    expect(slideTitle('\n\n  Introduction \t to   BBB\nsecond line')).toBe('Introduction to BBB');
    expect(slideTitle('<p><b>Q&amp;A</b> &lt;live&gt;</p><p>more</p>')).toBe('Q&A <live>');
    expect(slideTitle('<div></div><br/>Agenda<br>1. Intro')).toBe('Agenda');
    expect(slideTitle('\f\u0000Page 2\r\nnext')).toBe('Page 2');
    expect(slideTitle('&#x41;&#66;c')).toBe('ABc');
  });

  it('keeps right-to-left text in its logical order, bidi marks included', () => {
    expect(slideTitle('مقدمة في البرمجة\nسطر ثان')).toBe('مقدمة في البرمجة');
    expect(slideTitle('\u200Fשלום עולם')).toBe('\u200Fשלום עולם');
  });

  it('has no title for an empty slide, and cuts long ones at a character boundary', () => {
    expect(slideTitle('')).toBeUndefined();
    expect(slideTitle('  \n <p> </p>\n')).toBeUndefined();
    const long = slideTitle('😀'.repeat(200))!;
    expect(Array.from(long)).toHaveLength(MAX_TITLE_LENGTH);
    expect(long.endsWith('😀…')).toBe(true);
  });
});
