import { describe, expect, it } from 'vitest';
import { audioEncodeArgs, deskshareEncodeArgs, pngEncodeArgs, webcamsEncodeArgs } from '../../../src/sample/sample-encode-args.js';
import { TONE_SCHEDULE, toneExpression, toneStartSamples } from '../../../src/sample/tone-schedule.js';

const argAfter = (args: string[], flag: string) => args[args.indexOf(flag) + 1];

describe('sample ffmpeg command lines', () => {
  const webcams = webcamsEncodeArgs({ output: '/o/video/webcams.webm', width: 640, height: 480, fps: 30, tone: TONE_SCHEDULE, channels: 2, totalSamples: 288_000 });

  it('reads rgb24 frames from stdin at the webcam size and rate', () => {
    expect(argAfter(webcams, '-pix_fmt')).toBe('rgb24');
    expect(argAfter(webcams, '-video_size')).toBe('640x480');
    expect(argAfter(webcams, '-framerate')).toBe('30');
    expect(webcams).toContain('pipe:0');
    expect(webcams).toContain('-nostdin');
  });

  it('encodes VP8 and Opus deterministically', () => {
    expect(argAfter(webcams, '-c:v')).toBe('libvpx');
    expect(argAfter(webcams, '-c:a')).toBe('libopus');
    expect(argAfter(webcams, '-threads')).toBe('1');
    expect(argAfter(webcams, '-fflags')).toBe('+bitexact');
    expect(argAfter(webcams, '-flags:v')).toBe('+bitexact');
    expect(argAfter(webcams, '-flags:a')).toBe('+bitexact');
    // Realtime mode adapts its speed to the wall clock: never deterministic.
    expect(argAfter(webcams, '-deadline')).toBe('good');
    expect(argAfter(webcams, '-g')).toBe('30');
    expect(argAfter(webcams, '-f')).toBe('rawvideo');
    expect(webcams.at(-3)).toBe('-f');
    expect(webcams.at(-2)).toBe('webm');
    expect(webcams.at(-1)).toBe('/o/video/webcams.webm');
  });

  it('never limits frames (that would close the audio early in ffmpeg 5)', () => {
    expect(webcams).not.toContain('-frames:v');
  });

  it('cuts the audio to the exact sample and offsets it by the Opus pre-skip', () => {
    expect(argAfter(webcams, '-af')).toBe('atrim=end_sample=288000');
    expect(argAfter(webcams, '-itsoffset')).toBe(String(312 / 48_000));
    expect(argAfter(webcams, '-i')).toBe('pipe:0');
    expect(webcams.find((a) => a.startsWith('aevalsrc='))).toContain('channel_layout=stereo:sample_rate=48000');
  });

  it('pads the deskshare video with black frames made by ffmpeg', () => {
    const desk = deskshareEncodeArgs({ output: 'd.webm', width: 1280, height: 720, fps: 15, blackBefore: 405, blackAfter: 30 });
    expect(argAfter(desk, '-vf')).toBe('format=yuv420p,tpad=start=405:stop=30:start_mode=add:stop_mode=add:color=black');
    expect(desk).not.toContain('-c:a');
    expect(argAfter(desk, '-framerate')).toBe('15');
  });

  it('writes audio-only recordings from the tone source alone', () => {
    const audio = audioEncodeArgs({ output: 'a.webm', tone: TONE_SCHEDULE, channels: 2, totalSamples: 48_000 });
    expect(audio).not.toContain('pipe:0');
    expect(argAfter(audio, '-c:a')).toBe('libopus');
  });

  it('numbers PNG sequences from 1 and scales thumbnails with area averaging', () => {
    const png = pngEncodeArgs({ width: 1600, height: 1200, frameCount: 4, output: 's/slide-%d.png', thumbnails: { output: 't/thumb-%d.png', width: 150, height: 112 } });
    expect(argAfter(png, '-start_number')).toBe('1');
    expect(argAfter(png, '-filter_complex')).toContain('scale=150:112:flags=area');
    expect(png.filter((a) => a === 'png')).toHaveLength(2);
    const single = pngEncodeArgs({ width: 800, height: 600, frameCount: 1, output: 'logo.png' });
    expect(single).toContain('-update');
  });
});

describe('tone schedule', () => {
  it('starts a burst every 2 s from 0.5 s while it fits', () => {
    expect(toneStartSamples(48_000 * 6)).toEqual([24_000, 120_000, 216_000]);
    expect(toneStartSamples(24_000 + 2159)).toEqual([]);
    expect(toneStartSamples(24_000 + 2160)).toEqual([24_000]);
  });

  it('builds an expression on the sample index with escaped commas', () => {
    const expr = toneExpression();
    expect(expr).toContain('gte(n\\,24000)');
    expect(expr).toContain('mod(n-24000\\,96000)');
    expect(expr).not.toMatch(/[^\\],/);
  });
});
