/**
 * How cards are joined to an export. Where the export is H.264 (High, Main or Baseline, 4:2:0) with
 * AAC-LC in MP4 or Matroska, each card is encoded with the export's own parameters (size, profile,
 * level, time scale, sample rate, channels) and the parts are joined packet for packet: the export
 * is not re-encoded. Anything else (WebM's VP8/VP9 and Opus, another profile or pixel format) is
 * joined by re-encoding, and the plan says why.
 */
import type { OutputFormat } from '../compose/output-format.js';
import type { MainOutputProbe } from './probe-main-output.js';

/** Frame rate of the cards where the export's own is unknown or implausible (variable-rate exports). */
export const CARD_DEFAULT_FPS = 30;

/** AAC frames are 1024 samples: the unit card sound is cut in so the export's sound stays in place. */
export const AAC_FRAME = 1024;

const PROFILES: Record<string, string> = { High: 'high', Main: 'main', 'Constrained Baseline': 'baseline', Baseline: 'baseline' };

/** The join decided for one export. */
export type CardJoinPlan =
  | {
      mode: 'copy';
      /** x264's name of the export's profile. */
      profile: string;
      /** x264's level, "3.1". */
      level: string;
      fps: number;
      reason: string;
    }
  | { mode: 'reencode'; fps: number; reason: string };

/** The frame rate cards are drawn at: the export's nominal rate when it is a sensible constant one. */
function cardFps(probe: MainOutputProbe): number {
  const rate = probe.video?.frameRate ?? null;
  return rate !== null && rate >= 10 && rate <= 120 ? Math.round(rate * 1000) / 1000 : CARD_DEFAULT_FPS;
}

/** Decides between the packet-for-packet join and a re-encode. */
export function planCardJoin(probe: MainOutputProbe, format: OutputFormat): CardJoinPlan {
  const fps = cardFps(probe);
  const v = probe.video;
  const refuse = (why: string): CardJoinPlan => ({ mode: 'reencode', fps, reason: `re-encoding the export to join the cards: ${why}` });
  if (format === 'webm') return refuse('WebM (VP8/VP9 and Opus) cannot take cards joined packet for packet');
  if (!v) return refuse('the export has no video stream');
  if (v.codec !== 'h264') return refuse(`its video is ${v.codec}, not H.264`);
  const profile = PROFILES[v.profile];
  if (!profile) return refuse(`its H.264 profile ${v.profile || 'unknown'} is not High, Main or Baseline`);
  if (v.pixFmt !== 'yuv420p') return refuse(`its pixel format is ${v.pixFmt}, not yuv420p`);
  if (v.sampleAspect !== '1:1' && v.sampleAspect !== '0:1' && v.sampleAspect !== 'N/A') return refuse(`its pixels are not square (${v.sampleAspect})`);
  if (!(v.level > 0)) return refuse('its H.264 level is unknown');
  if (probe.audio && !(probe.audio.codec === 'aac' && probe.audio.profile === 'LC')) return refuse(`its sound is ${probe.audio.codec} ${probe.audio.profile}, not AAC-LC`);
  return { mode: 'copy', profile, level: (v.level / 10).toFixed(1), fps, reason: "cards encoded with the export's own parameters and joined without re-encoding the export" };
}
