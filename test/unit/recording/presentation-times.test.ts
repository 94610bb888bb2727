import { describe, expect, it } from 'vitest';
import { presentationTimes } from '../../../src/recording/presentation-times.js';

describe('presentationTimes', () => {
  it("takes slides, strokes, pan/zoom, cursor and tldraw shapes, not the chat's or the screen share's times", () => {
    const docs = {
      xml: [
        '<svg><image in="0.0" out="5.5"/><g timestamp="2.5" undo="-1"/></svg>',
        '<recording><event timestamp="1.0"/></recording>',
        '<recording><event timestamp="1.5"/></recording>',
        '<popcorn><chattimeline in="3.0"/></popcorn>',
        '<recording><event start_timestamp="4.0" stop_timestamp="4.5"/></recording>',
        '',
      ],
      json: ['[{"timestamp": 2.0}]', '[{"timestamp": 6}]', ''],
      vtt: ['00:07.000 --> 00:08.000'],
    };
    expect(presentationTimes(docs).sort((a, b) => a - b)).toEqual([0, 1, 1.5, 2, 2.5, 5.5]);
  });
});
