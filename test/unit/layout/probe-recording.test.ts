import { describe, expect, it } from 'vitest';
import { screenshareIntervals, slideChanges } from '../../../src/layout/probe-recording.js';

describe('slideChanges', () => {
  it('lists shapes.svg slide images by their start time', () => {
    const svg = `<svg><image id="image2" class="slide" in="4.2" out="5.4" xlink:href="presentation/p/slide-2.png" width="1600"/>
      <image id="image1" class="slide" in="0.0" out="4.2" xlink:href="presentation/p/slide-1.png"/>
      <g class="canvas"><g class="shape"/></g></svg>`;
    expect(slideChanges(svg)).toEqual([
      { time: 0, image: 'presentation/p/slide-1.png' },
      { time: 4.2, image: 'presentation/p/slide-2.png' },
    ]);
  });
  it('is empty without shapes.svg', () => {
    expect(slideChanges('')).toEqual([]);
  });
});

describe('screenshareIntervals', () => {
  it('reads deskshare.xml events', () => {
    const xml = '<recording id="deskshare_events"><event start_timestamp="5.4" stop_timestamp="6.6" video_width="1280" video_height="720"/></recording>';
    expect(screenshareIntervals(xml)).toEqual([{ start: 5.4, end: 6.6 }]);
  });
});
