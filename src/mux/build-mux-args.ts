/**
 * The ffmpeg command line that turns a raw tab capture into the capture engine's page layer, a
 * pure function with a reason for each flag, unit-tested in test/unit/mux.
 */

/** How a raw tab capture becomes the page layer: its video only, cut and retimed, not re-encoded. */
export interface MuxPlan {
  input: string;
  output: string;
  /** Container of the page layer: MP4 for H.264 (it keeps the last picture's duration), WebM for VP8. */
  format: 'mp4' | 'webm';
  /** File time (s) of the picture of the part's first instant. */
  videoStart: number;
  /** Length of the output (s). */
  duration: number;
  /** How many captured packets precede videoStart (the paused first picture, shown from t=0). */
  prerollPackets: number;
  /** Index of the last captured packet before the cut; it is made to last until the cut. */
  lastPacket: number;
  /**
   * Where playback fell behind the page clock (file ms, cumulative lag ms, increasing): the
   * picture is put back on the recording's timeline there (see videoRetimeBsf). None: no lag.
   */
  lagSteps?: ReadonlyArray<{ atMs: number; lagMs: number }> | undefined;
}

const fmt = (n: number) => n.toFixed(6);

/**
 * The lag (ms) at a packet's input time TS, as a setts expression: the sum of the steps it has
 * passed. 0 without steps.
 */
export function lagExpression(steps: ReadonlyArray<{ atMs: number; lagMs: number }>): string {
  let previous = 0;
  const terms: string[] = [];
  for (const step of steps) {
    const rise = Math.round(step.lagMs) - previous;
    if (rise <= 0) continue;
    terms.push(`gte(TS\\,${Math.round(step.atMs)})*${rise}`);
    previous += rise;
  }
  return terms.length === 0 ? '0' : `(${terms.join('+')})`;
}

/** The total lag of a plan's steps, ms. */
export function totalLagMs(plan: Pick<MuxPlan, 'lagSteps'>): number {
  return Math.max(0, ...(plan.lagSteps ?? []).map((s) => Math.round(s.lagMs)));
}

/**
 * Video retiming without re-encoding: packets before videoStart (the paused first picture) keep
 * tiny increasing timestamps at the start, the first is at 0, the rest move by -videoStart and
 * by the lag playback had built up when they were captured (a page that stood still while the
 * media stalled shows the recording's timeline late; its pictures are put back on it, and those
 * captured while it stood still follow one another by a millisecond); the last packet before the
 * cut lasts until the cut (tab capture sends frames only when the page repaints, so a still
 * picture at the end has no later frame to end it).
 * Works because the capture has no B-frames (pts = dts) and its first packet is a keyframe.
 * Timestamps are in milliseconds: every output container is given a 1/1000 video time base
 * (ffmpeg 5.1 hands setts the muxer's time base in TS but the input's in TB, so TB is not used).
 */
export function videoRetimeBsf(plan: Pick<MuxPlan, 'videoStart' | 'prerollPackets' | 'lastPacket' | 'duration' | 'lagSteps'>): string {
  const k = Math.max(1, plan.prerollPackets);
  const start = Math.round(plan.videoStart * 1000);
  const end = Math.round(plan.duration * 1000);
  const lag = lagExpression((plan.lagSteps ?? []).map((s) => ({ atMs: s.atMs, lagMs: s.lagMs })));
  if (lag === '0') {
    const cut = Math.round((plan.videoStart + plan.duration) * 1000);
    return `setts=ts=if(lt(N\\,${k})\\,N\\,max(TS-${start}\\,N)):duration=if(eq(N\\,${plan.lastPacket})\\,${cut}-TS\\,DURATION)`;
  }
  return `setts=ts=if(lt(N\\,${k})\\,N\\,max(TS-${start}-${lag}\\,PREV_OUTPTS+1)):duration=if(eq(N\\,${plan.lastPacket})\\,${end}+${start}+${lag}-TS\\,DURATION)`;
}

/** The ffmpeg command line cutting the page layer out of a tab capture. */
export function buildMuxArgs(plan: MuxPlan): string[] {
  return [
    '-hide_banner',
    '-nostdin',
    '-loglevel',
    'error',
    '-y',
    '-copyts', // the capture's own timestamps, so the measured start times apply unchanged
    '-i',
    plan.input,
    '-map',
    '0:v:0',
    '-an', // the sound comes from the recording's own media (compose/)
    '-c:v',
    'copy',
    '-bsf:v',
    videoRetimeBsf(plan), // retimed, not re-encoded
    // Millisecond ticks, as the retiming expression assumes (WebM uses them anyway).
    ...(plan.format === 'mp4' ? ['-video_track_timescale', '1000'] : []),
    // ffmpeg applies -t to copied packets' input timestamps (before the retiming), so the cut is
    // at videoStart + duration + the lag built up by then.
    '-t',
    fmt(plan.videoStart + plan.duration + totalLagMs(plan) / 1000),
    '-f',
    plan.format,
    plan.output,
  ];
}
