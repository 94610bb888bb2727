import { describe, expect, it } from 'vitest';
import { parseOutTime } from '../../../src/publish/parse-out-time.js';
import { rtmpArgs } from '../../../src/publish/rtmp-args.js';

describe('rtmpArgs', () => {
  const url = 'rtmp://127.0.0.1:1935/live/key';

  it('sends the file at real-time pace, H.264 + AAC copied into FLV, reporting progress on stdout', () => {
    const args = rtmpArgs({ input: '/out/talk.mp4', from: 0, url });
    expect(args).toContain('-re');
    expect(args.indexOf('-re')).toBeLessThan(args.indexOf('-i')); // an input option
    expect(args).not.toContain('-ss');
    expect(args.slice(args.indexOf('-progress'), args.indexOf('-progress') + 2)).toEqual(['-progress', 'pipe:1']);
    expect(args.slice(args.indexOf('-c'), args.indexOf('-c') + 2)).toEqual(['-c', 'copy']);
    expect(args.slice(-3)).toEqual(['-f', 'flv', url]);
  });

  it('resumes with an input seek to where the broken stream stopped', () => {
    const args = rtmpArgs({ input: '/out/talk.mp4', from: 12.3456, url });
    expect(args.slice(args.indexOf('-ss'), args.indexOf('-ss') + 2)).toEqual(['-ss', '12.346']);
    expect(args.indexOf('-ss')).toBeLessThan(args.indexOf('-i'));
  });
});

describe('parseOutTime', () => {
  it('reads out_time_us and out_time, and nothing else', () => {
    expect(parseOutTime('out_time_us=2500000')).toBe(2.5);
    expect(parseOutTime('out_time=00:01:02.500000')).toBeCloseTo(62.5, 6);
    expect(parseOutTime('out_time_us=N/A')).toBeUndefined();
    expect(parseOutTime('out_time_ms=2500000')).toBeUndefined();
    expect(parseOutTime('progress=continue')).toBeUndefined();
  });
});
