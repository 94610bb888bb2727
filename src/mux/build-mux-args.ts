/**
 * ffmpeg command lines that turn a raw tab capture into the final file. Pure functions, each flag
 * with its reason, unit-tested in test/unit/mux.
 */

export type OutputFormat = 'mp4' | 'mkv' | 'webm';

export interface MuxPlan {
  input: string;
  output: string;
  format: OutputFormat;
  /** File time (s) of the first video frame to show, and of the first audio sample to keep. */
  videoStart: number;
  audioStart: number;
  /** Length of the output (s). */
  duration: number;
  /** How many captured packets precede videoStart (the paused first picture, shown from t=0). */
  prerollPackets: number;
  /** Index of the last captured packet before the cut; it is made to last until the cut. */
  lastPacket: number;
  /** Constant output frame rate; re-encodes the video. Undefined keeps the capture's own frames. */
  fps?: number | undefined;
  /** True when the capture's video codec can go into the container as is. */
  copyVideo: boolean;
  audioBitrate: number;
  hasAudio: boolean;
  /** x264/VP9 quality when the video is re-encoded (CRF). */
  crf: number;
}

const fmt = (n: number) => n.toFixed(6);

/** Audio filter: the capture's audio from audioStart, silence-padded if it began later, exactly `duration` long. */
export function audioFilter(plan: Pick<MuxPlan, 'audioStart' | 'duration'>): string {
  return [
    // Move audioStart to 0 (timestamps are the file's own, see -copyts).
    `asetpts=PTS-${fmt(plan.audioStart)}/TB`,
    // Drop what came before it.
    'atrim=start=0',
    // Fill any gap (and a late start) with silence so the audio clock stays the file's clock.
    'aresample=async=1:first_pts=0',
    // Exactly as long as the video.
    `atrim=end=${fmt(plan.duration)}`,
    `apad=whole_dur=${fmt(plan.duration)}`,
  ].join(',');
}

/**
 * Video retiming without re-encoding: packets before videoStart (the paused first picture) keep
 * tiny increasing timestamps at the start, the first is at 0, the rest move by -videoStart; the
 * last packet before the cut lasts until the cut (tab capture sends frames only when the page
 * repaints, so a still picture at the end has no later frame to end it).
 * Works because the capture has no B-frames (pts = dts) and its first packet is a keyframe.
 * Timestamps are in milliseconds: every output container is given a 1/1000 video time base
 * (ffmpeg 5.1 hands setts the muxer's time base in TS but the input's in TB, so TB is not used).
 */
export function videoRetimeBsf(plan: Pick<MuxPlan, 'videoStart' | 'prerollPackets' | 'lastPacket' | 'duration'>): string {
  const k = Math.max(1, plan.prerollPackets);
  const start = Math.round(plan.videoStart * 1000);
  const cut = Math.round((plan.videoStart + plan.duration) * 1000);
  return `setts=ts=if(lt(N\\,${k})\\,N\\,max(TS-${start}\\,N)):duration=if(eq(N\\,${plan.lastPacket})\\,${cut}-TS\\,DURATION)`;
}

/** The whole ffmpeg command line for a plan. */
export function buildMuxArgs(plan: MuxPlan): string[] {
  const args = ['-hide_banner', '-nostdin', '-loglevel', 'error', '-y'];
  // The capture's own timestamps, so the measured start times apply unchanged.
  args.push('-copyts', '-i', plan.input);
  args.push('-map', '0:v:0');
  if (plan.hasAudio) args.push('-map', '0:a:0?');
  const copy = plan.fps === undefined && plan.copyVideo;
  if (copy) {
    args.push('-c:v', 'copy', '-bsf:v', videoRetimeBsf(plan));
    // Millisecond ticks, as the retiming expression assumes (Matroska and WebM use them anyway).
    if (plan.format === 'mp4') args.push('-video_track_timescale', '1000');
  } else {
    // Re-encode: retime with filters, then hold each picture to a constant rate if asked.
    const filters = [`setpts=max(PTS-${fmt(plan.videoStart)}/TB\\,0)`, `trim=end=${fmt(plan.duration)}`];
    if (plan.fps !== undefined) filters.push(`fps=${plan.fps}:start_time=0`);
    args.push('-vf', filters.join(','));
    if (plan.format === 'webm') args.push('-c:v', 'libvpx-vp9', '-crf', String(plan.crf), '-b:v', '0', '-row-mt', '1', '-deadline', 'good', '-cpu-used', '4');
    else args.push('-c:v', 'libx264', '-preset', 'veryfast', '-crf', String(plan.crf), '-pix_fmt', 'yuv420p');
  }
  if (plan.hasAudio) {
    args.push('-af', audioFilter(plan));
    // Stereo 48 kHz as captured; AAC for MP4/MKV, Opus for WebM.
    args.push('-c:a', plan.format === 'webm' ? 'libopus' : 'aac', '-b:a', `${Math.round(plan.audioBitrate / 1000)}k`, '-ac', '2', '-ar', '48000');
  }
  // Cut at the recording's end (or --to). For copied video ffmpeg applies -t to the packets'
  // input timestamps (before the retiming filter), so the cut is at videoStart + duration there;
  // filtered streams (audio, re-encoded video) are already bounded to `duration` by their filters.
  args.push('-t', fmt(copy ? plan.videoStart + plan.duration : plan.duration));
  if (plan.format === 'mp4') {
    // Index at the front so the file plays while it downloads.
    args.push('-movflags', '+faststart');
  }
  // No -avoid_negative_ts make_zero: it would shift the video by the AAC encoder's priming
  // (21 ms); the default lets MP4 express the priming with an edit list, both streams start at 0.
  args.push('-f', plan.format === 'mkv' ? 'matroska' : plan.format, plan.output);
  return args;
}
