import { describe, expect, it } from 'vitest';
import { renderPages, SECOND_PAGE_FROM_S } from '../../../../src/engines/render/render-pages.js';

describe('renderPages', () => {
  it('auto: two pages for a part of five minutes or more on two CPUs or more, else one', () => {
    expect(renderPages('auto', 60, 2)).toBe(1);
    expect(renderPages('auto', SECOND_PAGE_FROM_S - 0.001, 2)).toBe(1);
    expect(renderPages('auto', SECOND_PAGE_FROM_S, 2)).toBe(2);
    expect(renderPages('auto', 3600, 16)).toBe(2);
    expect(renderPages('auto', 3600, 1)).toBe(1);
  });

  it('takes a number as given', () => {
    expect(renderPages(1, 3600, 2)).toBe(1);
    expect(renderPages(3, 20, 1)).toBe(3);
  });
});
