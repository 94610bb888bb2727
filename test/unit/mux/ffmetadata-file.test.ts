import { describe, expect, it } from 'vitest';
import { ffmetadataFile } from '../../../src/mux/ffmetadata-file.js';

describe('ffmetadataFile', () => {
  it('writes tags and millisecond chapters, escaping = ; # \\ and line breaks', () => {
    const text = ffmetadataFile({ title: 'Q=A; #3 \\ part\nTwo', comment: 'plain' }, [
      { start: 0, end: 6.0004, title: 'Slide 1' },
      { start: 6.0004, end: 14, title: 'a=b;c#d\\e\r\nf' },
    ]);
    expect(text).toBe(`;FFMETADATA1
title=Q\\=A\\; \\#3 \\\\ part\\
Two
comment=plain
[CHAPTER]
TIMEBASE=1/1000
START=0
END=6000
title=Slide 1
[CHAPTER]
TIMEBASE=1/1000
START=6000
END=14000
title=a\\=b\\;c\\#d\\\\e\\
f
`);
  });

  it('writes only the header and tags without chapters', () => {
    expect(ffmetadataFile({ title: 'x' }, [])).toBe(';FFMETADATA1\ntitle=x\n');
  });
});
