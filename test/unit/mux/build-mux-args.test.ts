import { describe, expect, it } from 'vitest';
import { buildMuxArgs, lagExpression, totalLagMs, videoRetimeBsf, type MuxPlan } from '../../../src/mux/build-mux-args.js';

const plan: MuxPlan = {
  input: 'cap.mkv',
  output: 'page.mp4',
  format: 'mp4',
  videoStart: 0.3125,
  duration: 60,
  prerollPackets: 2,
  lastPacket: 1800,
};

describe('buildMuxArgs', () => {
  it("copies the capture's video into MP4, retiming packets instead of re-encoding, without its sound", () => {
    const args = buildMuxArgs(plan);
    expect(args.slice(args.indexOf('-c:v'), args.indexOf('-c:v') + 4)).toEqual(['-c:v', 'copy', '-bsf:v', videoRetimeBsf(plan)]);
    expect(args).toContain('-copyts');
    expect(args).toContain('-an');
    // Copied packets are cut on their input timestamps: at videoStart + duration.
    expect(args[args.indexOf('-t') + 1]).toBe('60.312500');
    expect(args.slice(-3)).toEqual(['-f', 'mp4', 'page.mp4']);
    expect(args[args.indexOf('-video_track_timescale') + 1]).toBe('1000');
  });

  it('keeps pre-roll packets at the start, shifts the rest by the measured start, makes the last one last to the cut', () => {
    expect(videoRetimeBsf(plan)).toBe('setts=ts=if(lt(N\\,2)\\,N\\,max(TS-313\\,N)):duration=if(eq(N\\,1800)\\,60313-TS\\,DURATION)');
    expect(videoRetimeBsf({ ...plan, prerollPackets: 0 })).toContain('lt(N\\,1)');
  });

  it('puts pictures captured after a stall back on the timeline, one millisecond apart where the page stood still', () => {
    const lagged = {
      ...plan,
      lagSteps: [
        { atMs: 5000, lagMs: 67 },
        { atMs: 5067, lagMs: 134 },
        { atMs: 9000, lagMs: 130 },
      ],
    };
    expect(lagExpression(lagged.lagSteps)).toBe('(gte(TS\\,5000)*67+gte(TS\\,5067)*67)');
    expect(totalLagMs(lagged)).toBe(134);
    expect(videoRetimeBsf(lagged)).toBe(
      'setts=ts=if(lt(N\\,2)\\,N\\,max(TS-313-(gte(TS\\,5000)*67+gte(TS\\,5067)*67)\\,PREV_OUTPTS+1)):duration=if(eq(N\\,1800)\\,60000+313+(gte(TS\\,5000)*67+gte(TS\\,5067)*67)-TS\\,DURATION)',
    );
    // The cut moves by the lag too.
    const args = buildMuxArgs(lagged);
    expect(args[args.indexOf('-t') + 1]).toBe('60.446500');
  });

  it('writes WebM for a VP8 capture', () => {
    const webm = buildMuxArgs({ ...plan, format: 'webm', output: 'o.webm' });
    expect(webm.slice(-3)).toEqual(['-f', 'webm', 'o.webm']);
    expect(webm).not.toContain('-video_track_timescale');
  });
});
