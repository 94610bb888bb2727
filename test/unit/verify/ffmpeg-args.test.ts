import { describe, expect, it } from 'vitest';
import { CaptureError } from '../../../src/errors.js';
import { audioDecodeArgs } from '../../../src/verify/analyse-audio.js';
import { analysisSize, parseFrameTimes, videoDecodeArgs } from '../../../src/verify/decode-video-codes.js';
import { parseProbeOutput, probeArgs } from '../../../src/recording/probe-media.js';
import { blackdetectArgs, parseLeadingBlack, parseMaxVolume, volumedetectArgs } from '../../../src/verify/verify-output.js';

const argAfter = (args: string[], flag: string) => args[args.indexOf(flag) + 1];

describe('video decode arguments', () => {
  it('stream raw rgb24 frames, every frame once, timestamps in µs to a file', () => {
    const args = videoDecodeArgs({ video: '/v/out.mp4', width: 960, height: 540, scale: true, framesFile: 'frames.txt' });
    expect(argAfter(args, '-i')).toBe('/v/out.mp4');
    expect(argAfter(args, '-fps_mode')).toBe('passthrough');
    expect(argAfter(args, '-pix_fmt')).toBe('rgb24');
    expect(argAfter(args, '-f')).toBe('rawvideo');
    expect(args.at(-1)).toBe('pipe:1');
    expect(args).toContain('-copyts');
    expect(argAfter(args, '-vf')).toBe(
      'settb=AVTB,scale=960:540:flags=area,format=yuv420p,scale=flags=fast_bilinear,format=rgb24,metadata=mode=add:key=bbb_capture:value=1,metadata=mode=print:file=frames.txt',
    );
  });

  it('skip the scaler at native size', () => {
    const args = videoDecodeArgs({ video: 'a.webm', width: 640, height: 480, scale: false, framesFile: 'f.txt' });
    expect(argAfter(args, '-vf')).not.toContain('flags=area');
  });

  it('size analysis frames to at most maxWidth, even, keeping the aspect', () => {
    expect(analysisSize(1920, 1080, 960)).toEqual({ width: 960, height: 540 });
    expect(analysisSize(1280, 720, 960)).toEqual({ width: 960, height: 540 });
    expect(analysisSize(640, 480, 960)).toEqual({ width: 640, height: 480 });
    expect(analysisSize(1366, 768, 961)).toEqual({ width: 960, height: 540 });
  });

  it('parse frame times from the metadata print file', () => {
    const text =
      'frame:0    pts:0       pts_time:0\nbbb_capture=1\nframe:1    pts:33367   pts_time:0.033367\nbbb_capture=1\nframe:2    pts:NOPTS   pts_time:NOPTS\nbbb_capture=1\n';
    const times = parseFrameTimes(text);
    expect(times.slice(0, 2)).toEqual([0, 33367]);
    expect(times[2]).toBeNaN();
  });
});

describe('audio decode arguments', () => {
  it('48 kHz mono float PCM with sample 0 at container time 0', () => {
    const args = audioDecodeArgs('/v/out.mp4');
    expect(argAfter(args, '-map')).toBe('0:a:0');
    expect(argAfter(args, '-af')).toBe('aresample=48000:first_pts=0');
    expect(argAfter(args, '-ac')).toBe('1');
    expect(argAfter(args, '-f')).toBe('f32le');
    expect(args).toContain('-copyts');
  });
});

describe('ffprobe', () => {
  it('asks for JSON', () => {
    expect(argAfter(probeArgs('x.mp4'), '-of')).toBe('json');
  });

  it('parses streams, rates and missing durations (WebM)', () => {
    const probe = parseProbeOutput(
      JSON.stringify({
        streams: [
          { index: 0, codec_name: 'vp8', codec_type: 'video', width: 640, height: 480, avg_frame_rate: '15/1', start_time: '0.000000' },
          { index: 1, codec_name: 'opus', codec_type: 'audio', sample_rate: '48000', channels: 2, start_time: '-0.007000' },
        ],
        format: { format_name: 'matroska,webm', start_time: '-0.007000', duration: '6.008000' },
      }),
      'x.webm',
    );
    expect(probe).toEqual({
      formatName: 'matroska,webm',
      duration: 6.008,
      startTime: -0.007,
      video: { codec: 'vp8', width: 640, height: 480, frameRate: 15, startTime: 0, duration: null },
      audio: { codec: 'opus', sampleRate: 48000, channels: 2, startTime: -0.007, duration: null },
    });
  });

  it('rejects files without streams', () => {
    expect(() => parseProbeOutput('{"streams":[],"format":{}}', 'x.txt')).toThrow(CaptureError);
    expect(() => parseProbeOutput('not json', 'x.txt')).toThrow(/unreadable/);
  });
});

describe('verifyOutput helpers', () => {
  it('builds blackdetect over the opening and volumedetect over the whole track', () => {
    const black = blackdetectArgs('v.mp4');
    expect(black.indexOf('-t')).toBeLessThan(black.indexOf('-i'));
    expect(argAfter(black, '-vf')).toContain('blackdetect=d=0');
    expect(argAfter(volumedetectArgs('v.mp4'), '-af')).toBe('volumedetect');
    expect(volumedetectArgs('v.mp4')).not.toContain('-t');
  });

  it('reads the leading black run only when it starts with the video', () => {
    const log = '[blackdetect @ 0x1] black_start:0 black_end:1.0333 black_duration:1.0333\n[blackdetect @ 0x1] black_start:2 black_end:2.5 black_duration:0.5\n';
    expect(parseLeadingBlack(log)).toBeCloseTo(1.0333, 6);
    expect(parseLeadingBlack('[blackdetect @ 0x1] black_start:2 black_end:2.5 black_duration:0.5')).toBe(0);
    expect(parseLeadingBlack('[blackdetect @ 0x1] black_start:0.2 black_end:0.4 black_duration:0.2', 0.2)).toBeCloseTo(0.2, 6);
    expect(parseLeadingBlack('')).toBe(0);
  });

  it('reads max_volume', () => {
    expect(parseMaxVolume('[Parsed_volumedetect_0 @ 0x1] mean_volume: -26.0 dB\n[Parsed_volumedetect_0 @ 0x1] max_volume: -5.8 dB')).toBe(-5.8);
    expect(parseMaxVolume('max_volume: -inf dB')).toBe(-Infinity);
    expect(parseMaxVolume('nothing')).toBeNull();
  });
});
