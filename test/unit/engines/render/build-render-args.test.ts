import { describe, expect, it } from 'vitest';
import { frameListFile, frameTimesArgs, parseFrameTimes } from '../../../../src/compose/build-composite-args.js';
import { joinArgs, segmentEncodeArgs, segmentListFile } from '../../../../src/engines/render/build-render-args.js';

const argAfter = (args: string[], flag: string) => args[args.indexOf(flag) + 1];

describe('frameListFile', () => {
  it('holds each picture until the next on a 1 ms time base and ends exactly at the segment end', () => {
    const text = frameListFile(
      [
        { file: '0-0.jpg', timeMs: 1000 },
        { file: '0-1.jpg', timeMs: 1033 },
        { file: "it's.jpg", timeMs: 2600 },
      ],
      3000,
    );
    expect(text.split('\n')).toEqual([
      'ffconcat version 1.0',
      "file '0-0.jpg'",
      'option framerate 1000',
      'duration 0.033',
      "file '0-1.jpg'",
      'option framerate 1000',
      'duration 1.567',
      "file 'it'\\''s.jpg'",
      'option framerate 1000',
      'duration 0.399',
      "file 'it'\\''s.jpg'",
      'option framerate 1000',
      'duration 0.001',
      '',
    ]);
  });

  it('handles a picture in the last millisecond and rejects bad input', () => {
    expect(frameListFile([{ file: 'a.jpg', timeMs: 999 }], 1000)).toBe("ffconcat version 1.0\nfile 'a.jpg'\noption framerate 1000\nduration 0.001\n");
    expect(() => frameListFile([], 1000)).toThrow(/at least one frame/);
    expect(() =>
      frameListFile(
        [
          { file: 'a', timeMs: 5 },
          { file: 'b', timeMs: 5 },
        ],
        10,
      ),
    ).toThrow(/increase/);
  });
});

describe('segmentEncodeArgs', () => {
  it('encodes H.264 with exact timestamps, no B-frames, a keyframe first, into MP4', () => {
    const args = segmentEncodeArgs({ list: '/w/segment-0.ffconcat', output: '/w/segment-0.mp4', crf: 18, durationMs: 2667 });
    expect(argAfter(args, '-f')).toBe('concat');
    expect(argAfter(args, '-i')).toBe('/w/segment-0.ffconcat');
    expect(argAfter(args, '-c:v')).toBe('libx264');
    expect(argAfter(args, '-bf')).toBe('0');
    expect(argAfter(args, '-fps_mode')).toBe('passthrough');
    expect(argAfter(args, '-force_key_frames')).toBe('expr:gte(t,n_forced*2)');
    expect(args.slice(-3)).toEqual(['-f', 'mp4', '/w/segment-0.mp4']);
  });
});

describe('segmentListFile and joinArgs', () => {
  it('places segments by their exact durations', () => {
    expect(
      segmentListFile([
        { file: '/w/s0.mp4', durationMs: 2667 },
        { file: '/w/s1.mp4', durationMs: 2666 },
      ]),
    ).toBe("ffconcat version 1.0\nfile '/w/s0.mp4'\nduration 2.667\nfile '/w/s1.mp4'\nduration 2.666\n");
  });

  it('copies the video and cuts the audio by sample count at the same instant', () => {
    const args = joinArgs({
      segmentList: '/w/segments.ffconcat',
      audioSource: '/w/media.webm',
      from: 2,
      duration: 3.5,
      output: '/o/.x.mp4.partial',
      format: 'mp4',
      audioBitrate: 192_000,
    });
    expect(args.filter((a) => a === '-i').length).toBe(2);
    expect(argAfter(args, '-c:v')).toBe('copy');
    expect(argAfter(args, '-af')).toBe('asetpts=N/SR/TB,atrim=start=2.000000:end=5.500000,asetpts=PTS-STARTPTS');
    expect(argAfter(args, '-c:a')).toBe('aac');
    expect(argAfter(args, '-t')).toBe('3.500000');
    expect(args).toContain('+faststart');
    expect(args.slice(-3)).toEqual(['-f', 'mp4', '/o/.x.mp4.partial']);
    expect(args).not.toContain('-ss');
  });

  it('copies a sound already cut and encoded during the rendering (audioTrackArgs) instead of encoding it again', () => {
    const args = joinArgs({ segmentList: 'l', audioSource: '/w/audio.m4a', audioEncoded: true, from: 2, duration: 3.5, output: 'o.mp4', format: 'mp4', audioBitrate: 1 });
    expect(args.filter((a) => a === '-map')).toHaveLength(2);
    expect(args).not.toContain('-af');
    expect(args).not.toContain('aac');
    expect(argAfter(args, '-c:a')).toBe('copy');
    expect(argAfter(args, '-t')).toBe('3.500000');
  });

  it('writes Matroska without faststart, and video only without a source', () => {
    const args = joinArgs({ segmentList: 'l', audioSource: undefined, from: 0, duration: 1, output: 'o.mkv', format: 'mkv', audioBitrate: 1 });
    expect(args).not.toContain('-af');
    expect(args).not.toContain('+faststart');
    expect(args.filter((a) => a === '-map')).toHaveLength(1);
    expect(args.slice(-3)).toEqual(['-f', 'matroska', 'o.mkv']);
  });
});

describe('frame times', () => {
  it('lists video packet times without decoding', () => {
    expect(frameTimesArgs('v.webm')).toEqual(['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'packet=pts_time', '-of', 'csv=p=0', 'v.webm']);
  });

  it('parses and sorts packet times, skipping blanks and N/A', () => {
    expect(parseFrameTimes('0.000000\n0.067000\n0.033000,\nN/A\n\n')).toEqual([0, 0.033, 0.067]);
  });
});
