import { describe, expect, it } from 'vitest';
import { streamableCopyArgs } from '../../../src/publish/streamable-copy-args.js';

describe('streamableCopyArgs', () => {
  it('remuxes an MP4 into fragmented MP4 without re-encoding', () => {
    const args = streamableCopyArgs('mp4', '/w/in.mp4', '/w/stream.mp4')!;
    expect(args.slice(args.indexOf('-i'), args.indexOf('-i') + 2)).toEqual(['-i', '/w/in.mp4']);
    expect(args.slice(args.indexOf('-c'), args.indexOf('-c') + 2)).toEqual(['-c', 'copy']);
    expect(args.slice(args.indexOf('-movflags'), args.indexOf('-movflags') + 2)).toEqual(['-movflags', 'frag_keyframe+delay_moov+default_base_moof']);
    expect(args.slice(-3)).toEqual(['-f', 'mp4', '/w/stream.mp4']);
  });

  it('leaves the formats read front to back as they are (M4A is written fragmented for a pipe)', () => {
    for (const format of ['mkv', 'webm', 'mp3', 'opus', 'm4a'] as const) expect(streamableCopyArgs(format, '/a', '/b')).toBeNull();
  });
});
