import { describe, expect, it } from 'vitest';
import { parseWebVtt, type WebVttFile } from '../../../src/mux/parse-webvtt.js';
import { serializeWebVtt } from '../../../src/mux/serialize-webvtt.js';
import { shiftWebVtt } from '../../../src/mux/shift-webvtt.js';

const VTT = `\uFEFFWEBVTT - lecture captions
Kind: captions

STYLE
::cue { color: yellow }

NOTE written by hand

1
00:00:01.000 --> 00:00:04.000 align:start line:90%
Caption <b>one</b>

00:05.000 --> 00:08.000
Caption two, karaoke <00:00:06.500>here

3
01:00:00.000 --> 01:00:02.500
An hour in
`;

function parsed(text: string): WebVttFile {
  const result = parseWebVtt(text);
  if (!result.ok) throw new Error(result.reason);
  return result.file;
}

describe('parseWebVtt', () => {
  it('reads cues with ids, settings and markup, keeps STYLE, drops NOTE, accepts mm:ss and hh:mm:ss', () => {
    const file = parsed(VTT);
    expect(file.header).toBe('WEBVTT - lecture captions\nKind: captions');
    expect(file.blocks).toEqual(['STYLE\n::cue { color: yellow }']);
    expect(file.cues).toEqual([
      { id: '1', start: 1, end: 4, settings: 'align:start line:90%', text: 'Caption <b>one</b>' },
      { id: '', start: 5, end: 8, settings: '', text: 'Caption two, karaoke <00:00:06.500>here' },
      { id: '3', start: 3600, end: 3602.5, settings: '', text: 'An hour in' },
    ]);
  });

  it('refuses what is not WebVTT (SRT, HTML, empty), skips cues with broken timings', () => {
    expect(parseWebVtt('1\n00:00:01,000 --> 00:00:02,000\nhello\n').ok).toBe(false);
    expect(parseWebVtt('<html><body>404</body></html>').ok).toBe(false);
    expect(parseWebVtt('').ok).toBe(false);
    expect(parseWebVtt('WEBVTTX\n').ok).toBe(false);
    const file = parsed('WEBVTT\n\n00:00:01,000 --> 00:00:02.000\nbad comma\n\n00:03.000 --> 00:02.000\nbackwards\n\n00:04.000 --> 00:05.000\ngood\n');
    expect(file.cues.map((c) => c.text)).toEqual(['good']);
  });
});

describe('shiftWebVtt', () => {
  it('moves cues back by from, cuts those straddling either end, drops those outside', () => {
    const file = parsed(VTT);
    const part = shiftWebVtt(file, 2, 6);
    expect(part.cues.map((c) => [c.start, c.end, c.text])).toEqual([
      [0, 2, 'Caption <b>one</b>'],
      // Cut at the part's end; the karaoke timestamp moves with it and stays inside the cue.
      [3, 4, 'Caption two, karaoke <00:00:04.000>here'],
    ]);
    expect(shiftWebVtt(file, 0, Number.POSITIVE_INFINITY).cues).toEqual(file.cues);
    expect(shiftWebVtt(file, 3599, 3601).cues.map((c) => [c.start, c.end])).toEqual([[1, 2]]);
    // A cue that only touches the part's edges is not in it.
    expect(shiftWebVtt(file, 4, 5).cues).toEqual([]);
  });

  it('writes back what it read, on the new timeline, readable again', () => {
    const text = serializeWebVtt(shiftWebVtt(parsed(VTT), 1.5, 3605));
    expect(text).toBe(`WEBVTT - lecture captions
Kind: captions

STYLE
::cue { color: yellow }

1
00:00:00.000 --> 00:00:02.500 align:start line:90%
Caption <b>one</b>

00:00:03.500 --> 00:00:06.500
Caption two, karaoke <00:00:05.000>here

3
00:59:58.500 --> 01:00:01.000
An hour in
`);
    expect(parsed(text).cues).toHaveLength(3);
  });
});
