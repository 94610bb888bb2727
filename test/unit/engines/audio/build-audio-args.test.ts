import { describe, expect, it } from 'vitest';
import { audioCutFilter } from '../../../../src/compose/build-composite-args.js';
import { audioExportArgs, type AudioExportPlan } from '../../../../src/engines/audio/build-audio-args.js';

const plan: AudioExportPlan = {
  source: '/w/media.webm',
  from: 1.5,
  duration: 4,
  format: 'm4a',
  audioBitrate: 192_000,
  tags: { title: 'Algebra: week 1', date: '2025-01-01', comment: 'abc-123' },
  streamable: false,
  chapters: null,
  output: '/out/.talk.m4a.partial',
};

/** The value following `flag` (every occurrence). */
const valuesOf = (args: string[], flag: string) => args.flatMap((a, i) => (a === flag ? [args[i + 1]] : []));

describe('audioExportArgs', () => {
  it('takes only the sound of the media, cut by samples as the compositor cuts it, for exactly the part', () => {
    const args = audioExportArgs(plan);
    expect(valuesOf(args, '-i')).toEqual(['/w/media.webm']);
    expect(valuesOf(args, '-map')).toEqual(['0:a:0']);
    expect(args).toContain('-vn');
    expect(valuesOf(args, '-af')).toEqual([audioCutFilter(1.5, 4)]);
    expect(valuesOf(args, '-t')).toEqual(['4.000000']);
    expect(args.at(-1)).toBe('/out/.talk.m4a.partial');
  });

  it("tags the talk (title, date, record id) and drops the media's own tags", () => {
    const args = audioExportArgs(plan);
    expect(valuesOf(args, '-metadata')).toEqual(['title=Algebra: week 1', 'date=2025-01-01', 'comment=abc-123']);
    expect(valuesOf(args, '-map_metadata:g')).toEqual(['-1']);
    expect(valuesOf(args, '-map_metadata:s')).toEqual(['-1']);
    expect(valuesOf(audioExportArgs({ ...plan, tags: { ...plan.tags, date: undefined } }), '-metadata')).toEqual(['title=Algebra: week 1', 'comment=abc-123']);
  });

  it('takes the chapters, with their titles, from an ffmetadata file, and none without one', () => {
    const args = audioExportArgs({ ...plan, chapters: '/w/chapters.ffmeta' });
    expect(valuesOf(args, '-i')).toEqual(['/w/media.webm', '/w/chapters.ffmeta']);
    expect(args.slice(args.indexOf('/w/chapters.ffmeta') - 3, args.indexOf('/w/chapters.ffmeta'))).toEqual(['-f', 'ffmetadata', '-i']);
    expect(valuesOf(args, '-map_chapters')).toEqual(['1']);
    // A bare -map_metadata -1 strips the chapters' titles; -dn drops the text track M4A keeps them in.
    expect(valuesOf(args, '-map_metadata')).toEqual([]);
    expect(args).not.toContain('-dn');
    expect(valuesOf(audioExportArgs(plan), '-map_chapters')).toEqual(['-1']);
  });

  it('writes AAC in M4A (ipod muxer) with the index first, or fragmented for a pipe', () => {
    const args = audioExportArgs(plan);
    expect(valuesOf(args, '-c:a')).toEqual(['aac']);
    expect(valuesOf(args, '-b:a')).toEqual(['192000']);
    expect(valuesOf(args, '-f')).toEqual(['ipod']);
    expect(valuesOf(args, '-movflags')).toEqual(['+faststart']);
    expect(valuesOf(audioExportArgs({ ...plan, streamable: true }), '-movflags')).toEqual(['frag_keyframe+delay_moov+default_base_moof']);
  });

  it('writes VBR MP3 at quality 2 and Opus in Ogg', () => {
    const mp3 = audioExportArgs({ ...plan, format: 'mp3' });
    expect(valuesOf(mp3, '-c:a')).toEqual(['libmp3lame']);
    expect(valuesOf(mp3, '-q:a')).toEqual(['2']);
    expect(valuesOf(mp3, '-b:a')).toEqual([]);
    expect(valuesOf(mp3, '-f')).toEqual(['mp3']);
    const opus = audioExportArgs({ ...plan, format: 'opus' });
    expect(valuesOf(opus, '-c:a')).toEqual(['libopus']);
    expect(valuesOf(opus, '-ar')).toEqual(['48000']);
    expect(valuesOf(opus, '-f')).toEqual(['ogg']);
    expect(opus).not.toContain('-movflags');
  });
});
