import { describe, expect, it } from 'vitest';
import { audioFilter, buildMuxArgs, videoRetimeBsf, type MuxPlan } from '../../../src/mux/build-mux-args.js';

const plan: MuxPlan = {
  input: 'cap.mkv',
  output: 'out.mp4',
  format: 'mp4',
  videoStart: 0.3125,
  audioStart: 0.3601,
  duration: 60,
  prerollPackets: 2,
  lastPacket: 1800,
  copyVideo: true,
  audioBitrate: 192_000,
  hasAudio: true,
  crf: 20,
};

describe('buildMuxArgs', () => {
  it('copies H.264 into MP4, retiming packets instead of re-encoding', () => {
    const args = buildMuxArgs(plan);
    expect(args.slice(args.indexOf('-c:v'), args.indexOf('-c:v') + 4)).toEqual(['-c:v', 'copy', '-bsf:v', videoRetimeBsf(plan)]);
    expect(args).toContain('-copyts');
    // Copied packets are cut on their input timestamps: at videoStart + duration.
    expect(args[args.indexOf('-t') + 1]).toBe('60.312500');
    expect(args).toContain('+faststart');
    expect(args.slice(-3)).toEqual(['-f', 'mp4', 'out.mp4']);
    expect(args[args.indexOf('-c:a') + 1]).toBe('aac');
  });

  it('keeps pre-roll packets at the start, shifts the rest by the measured start, makes the last one last to the cut', () => {
    expect(videoRetimeBsf(plan)).toBe('setts=ts=if(lt(N\\,2)\\,N\\,max(TS-313\\,N)):duration=if(eq(N\\,1800)\\,60313-TS\\,DURATION)');
    expect(videoRetimeBsf({ ...plan, prerollPackets: 0 })).toContain('lt(N\\,1)');
  });

  it('trims, pads and cuts the audio to the exact duration', () => {
    expect(audioFilter(plan)).toBe('asetpts=PTS-0.360100/TB,atrim=start=0,aresample=async=1:first_pts=0,atrim=end=60.000000,apad=whole_dur=60.000000');
  });

  it('re-encodes to a constant frame rate with --fps', () => {
    const args = buildMuxArgs({ ...plan, fps: 25 });
    expect(args[args.indexOf('-vf') + 1]).toBe('setpts=max(PTS-0.312500/TB\\,0),trim=end=60.000000,fps=25:start_time=0');
    expect(args[args.indexOf('-t') + 1]).toBe('60.000000');
    expect(args[args.indexOf('-c:v') + 1]).toBe('libx264');
  });

  it('writes WebM with Opus audio and Matroska for mkv', () => {
    const webm = buildMuxArgs({ ...plan, format: 'webm', output: 'o.webm' });
    expect(webm[webm.indexOf('-c:a') + 1]).toBe('libopus');
    expect(webm).not.toContain('+faststart');
    const mkv = buildMuxArgs({ ...plan, format: 'mkv', output: 'o.mkv' });
    expect(mkv.slice(-3)).toEqual(['-f', 'matroska', 'o.mkv']);
  });
});
