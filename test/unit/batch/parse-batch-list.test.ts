import { describe, expect, it } from 'vitest';
import { CaptureError } from '../../../src/errors.js';
import { detectListFormat, parseBatchList, splitCsv } from '../../../src/batch/parse-batch-list.js';

const ID_A = `${'a'.repeat(40)}-1700000000000`;
const ID_B = `${'b'.repeat(40)}-1700000000001`;
const A = `https://bbb.example.org/playback/presentation/2.3/${ID_A}`;
const B = `https://bbb.example.org/playback/presentation/2.0/playback.html?meetingId=${ID_B}`;

function problems(text: string, file: string): string {
  try {
    parseBatchList(text, file);
  } catch (error) {
    expect(error).toBeInstanceOf(CaptureError);
    expect((error as CaptureError).code).toBe('USAGE');
    return (error as CaptureError).message;
  }
  throw new Error('expected the list to be refused');
}

describe('detectListFormat', () => {
  it('goes by extension, then by a leading [ or {', () => {
    expect(detectListFormat('x.csv', '[')).toBe('csv');
    expect(detectListFormat('x.JSON', 'http://')).toBe('json');
    expect(detectListFormat('x.txt', '  [ "a" ]')).toBe('json');
    expect(detectListFormat('urls', `${A}\n`)).toBe('text');
  });
});

describe('text lists', () => {
  it('takes one URL a line, skipping blanks and # comments, and names lines', () => {
    const items = parseBatchList(`# lectures\n\n${A}\r\n   ${B}  \n# end\n`, 'urls.txt');
    expect(items).toEqual([
      { index: 0, source: 'urls.txt line 3', url: A, output: undefined, settings: {} },
      { index: 1, source: 'urls.txt line 4', url: B, output: undefined, settings: {} },
    ]);
  });

  it('names every bad line at once', () => {
    const message = problems(`${A}\nnot a url\nhttps://example.org/other\n${A}\n`, 'urls.txt');
    expect(message).toMatch(/2 bad rows in urls\.txt/);
    expect(message).toMatch(/urls\.txt line 2: not a URL: "not a url"/);
    expect(message).toMatch(/urls\.txt line 3: not a BBB playback URL/);
  });

  it('refuses an empty list', () => {
    expect(() => parseBatchList('# nothing\n', 'urls.txt')).toThrow(/lists no recordings/);
  });
});

describe('CSV lists', () => {
  it('splits quoted cells with commas, doubled quotes and newlines', () => {
    expect(splitCsv('a,"b, c","say ""hi""\nthere"\r\nd,e\n')).toEqual([
      { line: 1, cells: ['a', 'b, c', 'say "hi"\nthere'] },
      { line: 3, cells: ['d', 'e'] },
    ]);
  });

  it('reads per-item options from named columns in any order', () => {
    const csv = `layout,url,output,from,to,resolution,format\ncontent,${A},"Talk: part 1.mkv",1:30,2m,1280x720,\n,${B},,,,,webm\n`;
    const items = parseBatchList(csv, 'talks.csv');
    expect(items[0]).toEqual({
      index: 0,
      source: 'talks.csv line 2',
      url: A,
      output: 'Talk: part 1.mkv',
      settings: { layout: 'content', from: 90, to: 120, resolution: '1280x720' },
    });
    expect(items[1]).toEqual({ index: 1, source: 'talks.csv line 3', url: B, output: undefined, settings: { format: 'webm' } });
  });

  it('reads a headerless file as url,output,from,to,layout', () => {
    const items = parseBatchList(`${A},first,10,20,webcams\n# skipped\n${B}\n`, 'list.csv');
    expect(items.map((i) => [i.source, i.output, i.settings])).toEqual([
      ['list.csv line 1', 'first', { from: 10, to: 20, layout: 'webcams' }],
      ['list.csv line 3', undefined, {}],
    ]);
  });

  it('names bad rows: unknown layout, bad times, from after to, extra cells', () => {
    const csv = `url,layout,from,to\n${A},sideways,,\n${B},,soon,\n${A},,30,10\n${B},player,1,2,extra\n`;
    const message = problems(csv, 'talks.csv');
    expect(message).toMatch(/4 bad rows in talks\.csv/);
    expect(message).toMatch(/talks\.csv line 2: layout "sideways" is not one of player, content, webcams/);
    expect(message).toMatch(/talks\.csv line 3: from "soon" is not a time/);
    expect(message).toMatch(/talks\.csv line 4: from 30 s is not before to 10 s/);
    expect(message).toMatch(/talks\.csv line 5: 5 cells but only 4 columns/);
  });

  it('requires a url column and names unknown ones', () => {
    expect(problems('link,name\nx,y\n', 'talks.csv')).toMatch(/line 1: unknown column "link", "name".*\n.*line 1: the header has no "url" column/);
  });
});

describe('JSON lists', () => {
  it('takes strings and objects, or {items}', () => {
    const items = parseBatchList(JSON.stringify({ items: [A, { url: B, output: 'b', from: 5, to: '1m', layout: 'player' }] }), 'list.json');
    expect(items).toEqual([
      { index: 0, source: 'list.json item 1', url: A, output: undefined, settings: {} },
      { index: 1, source: 'list.json item 2', url: B, output: 'b', settings: { from: 5, to: 60, layout: 'player' } },
    ]);
  });

  it('names bad entries and unknown keys', () => {
    const message = problems(JSON.stringify([A, 42, { url: B, lyout: 'content' }, { output: 'x' }, { url: A, from: -1 }]), 'list.json');
    expect(message).toMatch(/list\.json item 2: expected a URL string or an object/);
    expect(message).toMatch(/list\.json item 3: unknown key "lyout"/);
    expect(message).toMatch(/list\.json item 4: no url/);
    expect(message).toMatch(/list\.json item 5: from -1 is not a time/);
  });

  it('reports broken JSON', () => {
    expect(problems('[ "a", ', 'list.json')).toMatch(/list\.json: not valid JSON/);
  });
});

describe('requested output names', () => {
  it('refuses one that would not fit in a file name (counted in bytes, with its .partial name), naming the row', () => {
    const fits = `${'講'.repeat(80)}.mp4`;
    const long = `${'講'.repeat(100)}.mp4`;
    expect(parseBatchList(JSON.stringify([{ url: A, output: fits }]), 'talks.json')[0]!.output).toBe(fits);
    expect(
      problems(
        JSON.stringify([
          { url: A, output: fits },
          { url: B, output: long },
        ]),
        'talks.json',
      ),
    ).toMatch(/talks\.json item 2: the output name .* is 304 bytes/);
  });
});
