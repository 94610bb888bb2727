import { describe, expect, it } from 'vitest';
import { audioCutFilter } from '../../../../src/compose/build-composite-args.js';
import { audioTrackArgs } from '../../../../src/engines/render/audio-track-args.js';

const valueAfter = (args: string[], flag: string) => args[args.indexOf(flag) + 1];

describe('audioTrackArgs', () => {
  it("cuts the recording's sound by samples and encodes it to AAC in MP4, for the join to copy", () => {
    const args = audioTrackArgs({ source: '/w/webcams.webm', from: 2, duration: 3.5, audioBitrate: 192_000, output: '/w/audio.m4a' });
    expect(valueAfter(args, '-i')).toBe('/w/webcams.webm');
    expect(valueAfter(args, '-map')).toBe('0:a:0');
    expect(args).toContain('-vn');
    expect(valueAfter(args, '-af')).toBe(audioCutFilter(2, 3.5));
    expect(valueAfter(args, '-c:a')).toBe('aac');
    expect(valueAfter(args, '-b:a')).toBe('192000');
    expect(valueAfter(args, '-ar')).toBe('48000');
    expect(args.slice(-3)).toEqual(['-f', 'mp4', '/w/audio.m4a']);
  });
});
