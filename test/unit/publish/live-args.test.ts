import { describe, expect, it } from 'vitest';
import { liveAudioArgs } from '../../../src/publish/live-audio-args.js';
import { LIVE_CLOCK_BASE_SECONDS, livePartArgs } from '../../../src/publish/live-part-args.js';
import { liveStreamArgs } from '../../../src/publish/live-stream-args.js';

const argAfter = (args: string[], flag: string) => args[args.indexOf(flag) + 1];

describe('liveAudioArgs', () => {
  it('encodes the export’s sound once, cut by samples, to ADTS at 48 kHz', () => {
    const args = liveAudioArgs({ source: '/w/media.webm', from: 12.5, duration: 30, audioBitrate: 128000, output: '/w/live.aac' });
    expect(argAfter(args, '-af')).toBe('asetpts=N/SR/TB,atrim=start=12.500000:end=42.500000,asetpts=PTS-STARTPTS');
    expect(argAfter(args, '-ar')).toBe('48000');
    expect(args.slice(-3)).toEqual(['-f', 'adts', '/w/live.aac']);
  });
});

describe('livePartArgs', () => {
  it('remuxes a part without re-encoding onto the stream’s clock, the sound placed against the picture', () => {
    const args = livePartArgs({ video: '/w/segment-3.mp4', audio: '/w/live-3.aac', start: 12, audioOffset: 0.005333, output: '/w/live-3.ts' });
    expect(argAfter(args, '-c')).toBe('copy');
    expect(args).toContain('-copyts');
    // -itsoffset applies to the input after it: the sound.
    expect(args.indexOf('-itsoffset')).toBeGreaterThan(args.indexOf('/w/segment-3.mp4'));
    expect(args.indexOf('-itsoffset')).toBeLessThan(args.indexOf('/w/live-3.aac'));
    expect(argAfter(args, '-itsoffset')).toBe('0.005333');
    expect(Number(argAfter(args, '-output_ts_offset'))).toBeCloseTo(LIVE_CLOCK_BASE_SECONDS + 12, 6);
    expect(args.slice(-3)).toEqual(['-f', 'mpegts', '/w/live-3.ts']);
  });
});

describe('liveStreamArgs', () => {
  it('reads MPEG-TS from stdin at native pace and copies it into FLV, reporting progress on stdout', () => {
    const url = 'rtmp://127.0.0.1:1935/live/key';
    const args = liveStreamArgs(url);
    expect(args.indexOf('-re')).toBeLessThan(args.indexOf('-i'));
    expect(argAfter(args, '-i')).toBe('pipe:0');
    // It starts on the first part alone, not once a second one is rendered.
    expect(Number(argAfter(args, '-analyzeduration'))).toBeLessThanOrEqual(1_000_000);
    expect(argAfter(args, '-progress')).toBe('pipe:1');
    expect(argAfter(args, '-c')).toBe('copy');
    expect(args.slice(-3)).toEqual(['-f', 'flv', url]);
  });
});
