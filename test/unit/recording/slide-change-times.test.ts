import { describe, expect, it } from 'vitest';
import { slideChangeTimes } from '../../../src/recording/slide-change-times.js';

describe('slideChangeTimes', () => {
  it('lists every time an image comes in, each showing of an image included, sorted and unique', () => {
    const svg = `<svg><image id="image1" class="slide" in="0.0" out="12.3" xlink:href="presentation/p/slide-1.png"/>
      <image id="image2" class="slide" in="12.3 40.5" out="20.0 50.1" xlink:href="presentation/p/slide-2.png"/>
      <image id="image3" in="20.0" out="40.5" xlink:href="presentation/deskshare.png"/>
      <g class="canvas" timestamp="13.0"/><image id="image4" in="12.3" out="13" href="presentation/p/slide-3.png"/></svg>`;
    expect(slideChangeTimes(svg)).toEqual([0, 12.3, 20, 40.5]);
  });

  it('is empty without images', () => {
    expect(slideChangeTimes('')).toEqual([]);
  });
});
