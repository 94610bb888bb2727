import { describe, expect, it } from 'vitest';
import {
  cardAudioSamples,
  cardMuxArgs,
  cardVideoArgs,
  concatScript,
  introFrames,
  joinCopyArgs,
  joinedChapters,
  joinReencodeArgs,
} from '../../../src/cards/build-card-join-args.js';
import { planCardJoin } from '../../../src/cards/plan-card-join.js';
import { h264ParameterSets, parseMainProbe, type MainOutputProbe } from '../../../src/cards/probe-main-output.js';

const probe: MainOutputProbe = {
  duration: 6,
  video: {
    codec: 'h264',
    profile: 'High',
    level: 31,
    pixFmt: 'yuv420p',
    width: 1280,
    height: 720,
    timescale: 1000,
    frameRate: 30,
    sampleAspect: '1:1',
    colour: { space: 'bt709', range: 'tv' },
    firstDts: -0.067,
  },
  audio: { codec: 'aac', profile: 'LC', sampleRate: 48000, channels: 2, layout: 'stereo' },
  subtitles: 1,
  chapters: [
    { start: 0, end: 3, title: 'One' },
    { start: 3, end: 6, title: 'Two = 2' },
  ],
};

describe('planCardJoin', () => {
  it("joins H.264 High + AAC-LC in MP4 and Matroska without re-encoding, at the export's profile and level", () => {
    expect(planCardJoin(probe, 'mp4')).toMatchObject({ mode: 'copy', profile: 'high', level: '3.1', fps: 30 });
    expect(planCardJoin(probe, 'mkv').mode).toBe('copy');
  });

  it('re-encodes, saying why, for WebM, other codecs, profiles, pixel formats and sound', () => {
    expect(planCardJoin(probe, 'webm')).toMatchObject({ mode: 'reencode', reason: expect.stringMatching(/WebM/) });
    expect(planCardJoin({ ...probe, video: { ...probe.video!, profile: 'High 4:4:4 Predictive' } }, 'mp4').reason).toMatch(/profile/);
    expect(planCardJoin({ ...probe, video: { ...probe.video!, pixFmt: 'yuv444p' } }, 'mp4').reason).toMatch(/yuv444p/);
    expect(planCardJoin({ ...probe, audio: { ...probe.audio!, codec: 'opus', profile: '' } }, 'mkv').reason).toMatch(/opus/);
  });

  it("draws cards at 30 fps when the export's rate is not a sensible constant", () => {
    expect(planCardJoin({ ...probe, video: { ...probe.video!, frameRate: 1000 } }, 'mp4').fps).toBe(30);
    expect(planCardJoin({ ...probe, video: { ...probe.video!, frameRate: 25 } }, 'mp4').fps).toBe(25);
  });
});

describe('card sound and pictures line up with the export', () => {
  it("intro: AAC packets end exactly 1024 samples before the intro's length (the export's delay follows)", () => {
    const { samples, shift } = cardAudioSamples(2, 48000, 'intro');
    expect(samples % 1024).toBe(0);
    // First packet at shift − 1024 (the encoder delay); packets of 1024 cover samples + 1024.
    const firstPacket = shift - 1024;
    expect(firstPacket + samples + 1024).toBe(2 * 48000 - 1024);
    expect(firstPacket).toBeLessThanOrEqual(-1024);
  });

  it('outro: packets from 0, whole frames covering the length', () => {
    const { samples, shift } = cardAudioSamples(4, 44100, 'outro');
    expect(shift).toBe(1024);
    expect(samples + 1024).toBeGreaterThanOrEqual(4 * 44100);
    expect(samples + 1024 - 4 * 44100).toBeLessThan(1024);
  });

  it("the intro's last picture is decoded before the export's first packet", () => {
    const n = introFrames(2, 30, -2 / 30);
    expect((n - 1) / 30).toBeLessThan(2 - 2 / 30);
    expect(n).toBe(58);
    expect(introFrames(2, 30, 0)).toBe(60);
  });
});

describe('card and join command lines', () => {
  it("encodes the card with the export's profile and level, parameter set id 1 and no B-frames", () => {
    const args = cardVideoArgs({
      picture: 'c.png',
      fps: 30,
      frames: 58,
      width: 1280,
      height: 720,
      profile: 'high',
      level: '3.1',
      colour: { space: 'bt709', range: 'tv' },
      output: 'c.h264',
    });
    expect(args.join(' ')).toContain('-profile:v high -level:v 3.1');
    expect(args.join(' ')).toContain('-x264-params sps-id=1:bframes=0');
    expect(args.slice(-3)).toEqual(['-f', 'h264', 'c.h264']);
  });

  it("muxes the card at the export's time scale and sound parameters, the intro's sound moved earlier", () => {
    const args = cardMuxArgs({
      video: 'c.h264',
      fps: 30,
      audio: { file: null, sampleRate: 48000, channels: 2, layout: 'stereo', bitrate: 192000 },
      position: 'intro',
      length: 2,
      timescale: 16000,
      format: 'mp4',
      output: 'c.mp4',
    }).join(' ');
    expect(args).toContain('anullsrc=r=48000:cl=stereo');
    expect(args).toContain('atrim=end_sample=95232,asetpts=PTS-256/SR/TB');
    expect(args).toContain('-video_track_timescale 16000');
    expect(args).toContain('-ar 48000 -ac 2');
  });

  it('joins by the concat demuxer without conversion, keeping timestamps, subtitles moved and chapters from the script', () => {
    const args = joinCopyArgs({ script: 'cards.ffconcat', main: 'main.mp4', offset: 2, hasAudio: true, subtitles: true, chapters: 'ch.txt', format: 'mp4', output: 'out.partial' });
    const text = args.join(' ');
    expect(text).toContain('-copyts -auto_convert 0 -f concat -safe 0 -i cards.ffconcat -itsoffset 2 -i main.mp4 -f ffmetadata -i ch.txt');
    expect(text).toContain('-map 0:v:0 -map 0:a:0 -map 1:s -map_metadata 1 -map_chapters 2 -c copy -f mp4 out.partial');
  });

  it('re-encodes with one concat filter over intro, export and outro', () => {
    const args = joinReencodeArgs({
      main: 'm.webm',
      offset: 2,
      hasAudio: true,
      subtitles: false,
      chapters: null,
      format: 'webm',
      output: 'o',
      intro: { picture: 'i.png', length: 2 },
      outro: { picture: 'e.png', length: 2 },
      width: 640,
      height: 360,
      fps: 30,
      audio: { file: null, sampleRate: 48000, channels: 2, layout: 'stereo', bitrate: 1e5 },
      videoBitrate: 1e6,
    });
    const graph = args[args.indexOf('-filter_complex') + 1]!;
    expect(graph).toContain('[introv][introa][mainv][maina][outrov][outroa]concat=n=3:v=1:a=1[v][a]');
    expect(args.join(' ')).toContain('-c:v libvpx-vp9');
    expect(args.join(' ')).toContain('-map_chapters -1');
    // The export on its own timestamps; its Opus decodes from just before 0: cut there, so nothing asks the muxer to move the video.
    expect(args.slice(0, 6)).toEqual(['-hide_banner', '-nostdin', '-y', '-copyts', '-i', 'm.webm']);
    expect(graph).toContain('[0:a:0]aresample=48000:first_pts=0,');
  });

  it('re-encoding to WebM, moves the joined sound by the lead the muxer check asked for, and nothing else', () => {
    const plan = {
      main: 'm.webm',
      offset: 2,
      hasAudio: true,
      subtitles: false,
      chapters: null,
      format: 'webm' as const,
      output: 'o',
      intro: { picture: 'i.png', length: 2 },
      outro: null,
      width: 640,
      height: 360,
      fps: 30,
      audio: { file: null, sampleRate: 48000, channels: 2, layout: 'stereo', bitrate: 1e5 },
      videoBitrate: 1e6,
    };
    const graph = (args: string[]) => args[args.indexOf('-filter_complex') + 1]!;
    const led = graph(joinReencodeArgs({ ...plan, opusLead: 312 }));
    expect(led).toContain('concat=n=2:v=1:a=1[v][joined];[joined]asettb=1/48000,asetpts=PTS+312[a]');
    expect(graph(joinReencodeArgs({ ...plan, opusLead: 0 }))).toContain('concat=n=2:v=1:a=1[v][a]');
    // Not for H.264 + AAC, whose muxers do not move anything for Opus.
    const mkv = graph(joinReencodeArgs({ ...plan, format: 'mkv', opusLead: 312 }));
    expect(mkv).toContain('concat=n=2:v=1:a=1[v][a]');
    expect(mkv).not.toContain('first_pts');
    expect(joinReencodeArgs({ ...plan, format: 'mkv' })).not.toContain('-copyts');
  });

  it('writes an ffconcat script with quoted paths and exact durations, and no inpoint (its seek would drop the AAC delay packet)', () => {
    expect(
      concatScript([
        { file: "/w/it's.mp4", duration: 2 },
        { file: '/w/main.mp4', duration: 6.5 },
      ]),
    ).toBe("ffconcat version 1.0\nfile '/w/it'\\''s.mp4'\nduration 2.000000\nfile '/w/main.mp4'\nduration 6.500000\n");
  });

  it("moves the export's chapters by the intro and adds the cards as chapters; none without chapters", () => {
    expect(joinedChapters(probe.chapters, 2, 3, 6)).toBe(
      ';FFMETADATA1\n[CHAPTER]\nTIMEBASE=1/1000\nSTART=0\nEND=2000\ntitle=Title\n[CHAPTER]\nTIMEBASE=1/1000\nSTART=2000\nEND=5000\ntitle=One\n[CHAPTER]\nTIMEBASE=1/1000\nSTART=5000\nEND=8000\ntitle=Two \\= 2\n[CHAPTER]\nTIMEBASE=1/1000\nSTART=8000\nEND=11000\ntitle=Credits\n',
    );
    expect(joinedChapters([], 2, 2, 6)).toBeNull();
  });
});

describe('probe parsing', () => {
  it('reads streams, chapters and the first decode time', () => {
    const streams = JSON.stringify({
      format: { duration: '6.000000' },
      streams: [
        {
          codec_type: 'video',
          codec_name: 'h264',
          profile: 'High',
          level: 31,
          pix_fmt: 'yuv420p',
          width: 1280,
          height: 720,
          time_base: '1/16000',
          avg_frame_rate: '30/1',
          sample_aspect_ratio: '1:1',
          color_space: 'bt709',
        },
        { codec_type: 'audio', codec_name: 'aac', profile: 'LC', sample_rate: '48000', channels: 2, channel_layout: 'stereo' },
        { codec_type: 'subtitle', codec_name: 'mov_text' },
      ],
      chapters: [{ start_time: '0.000000', end_time: '3.000000', tags: { title: 'One' } }],
    });
    const parsed = parseMainProbe(streams, JSON.stringify({ packets: [{ dts_time: '-0.066667', pts_time: '0.000000' }] }));
    expect(parsed.video).toMatchObject({ timescale: 16000, frameRate: 30, firstDts: -0.066667, colour: { space: 'bt709' } });
    expect(parsed.subtitles).toBe(1);
    expect(parsed.chapters).toEqual([{ start: 0, end: 3, title: 'One' }]);
  });

  it('keeps only the SPS and PPS of an Annex B packet', () => {
    const sei = [0, 0, 0, 1, 0x06, 1, 2];
    const sps = [0, 0, 0, 1, 0x67, 0x64, 0x80]; // a NAL unit ends in its stop bit, never in a zero byte
    const pps = [0, 0, 1, 0x68, 0xee];
    const idr = [0, 0, 0, 1, 0x65, 0x88];
    expect([...h264ParameterSets(Buffer.from([...sei, ...sps, ...pps, ...idr]))]).toEqual([...sps, 0, 0, 0, 1, 0x68, 0xee]);
  });
});
