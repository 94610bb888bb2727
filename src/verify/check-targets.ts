/**
 * Pass/fail on a fidelity report: the quality targets a capture must meet, and the list of the
 * ones it misses. Used by `bbb-capture verify --assert`, the benchmarks and the tests.
 */
import type { FidelityReport } from './fidelity-report.js';

/** Limits a report must stay within. */
export interface FidelityTargets {
  /** Smallest share of expected webcam / screen-share frames that must arrive. */
  minDeliveredRatio: number;
  /** Largest |audio offset − video offset|, ms. */
  maxAbsAvSyncMs: number;
  /** Longest time before the first content frame, ms; null = one output frame. */
  maxLeadingMs: number | null;
  /** Largest |end error| (content end and container duration vs expected), ms. */
  maxAbsEndErrorMs: number;
  /**
   * Screen-share frames that may be missing however short the share: the player switches to and
   * from the share on its next time event (up to 1/f s late), so it never shows those frames itself.
   */
  screenshareSwitchFrames: number;
}

/** The project's targets: 98 % of frames, A/V within 40 ms, at most one leading frame, end within 100 ms. */
export const DEFAULT_TARGETS: FidelityTargets = {
  minDeliveredRatio: 0.98,
  maxAbsAvSyncMs: 40,
  maxLeadingMs: null,
  maxAbsEndErrorMs: 100,
  screenshareSwitchFrames: 2,
};

/** A missed target: a stable name and a sentence with the measured value and the limit. */
export interface FailedCheck {
  /** `video-stream`, `audio-stream`, `audio-silent`, `delivered:camera0`, `delivered:screenshare`, `slides`, `av-sync`, `leading`, `end`, `duration`. */
  check: string;
  message: string;
}

// Reported times are rounded to 0.1 ms and VFR frame intervals jitter by less than a millisecond.
const SLACK_MS = 0.5;

/** Returns every target the report misses (empty when all are met). */
export function checkTargets(report: FidelityReport, targets: Partial<FidelityTargets> = {}): FailedCheck[] {
  const t = { ...DEFAULT_TARGETS, ...targets };
  const failed: FailedCheck[] = [];
  const fail = (check: string, message: string) => failed.push({ check, message });

  if (!report.streams.video) fail('video-stream', 'the output has no video stream');
  const audioExpected = report.audio.burstsExpected > 0;
  if (audioExpected && !report.streams.audio) fail('audio-stream', 'the output has no audio stream');
  if (audioExpected && report.audio.silent) fail('audio-silent', `the audio is silent (peak ${report.audio.peakDbfs} dBFS)`);

  for (const track of [...report.cameras, ...(report.screenshare ? [report.screenshare] : [])]) {
    if (track.expectedFrames === 0 || track.deliveredRatio === null) continue;
    const name = track.kind === 'camera' ? `camera${track.channel}` : 'screenshare';
    const allowed = track.kind === 'screenshare' && track.deliveredFrames >= track.expectedFrames - t.screenshareSwitchFrames;
    if (track.deliveredRatio < t.minDeliveredRatio && !allowed) {
      fail(
        `delivered:${name}`,
        `${name}: ${(track.deliveredRatio * 100).toFixed(1)} % of frames delivered (${track.deliveredFrames}/${track.expectedFrames}), target ≥ ${(t.minDeliveredRatio * 100).toFixed(1)} %`,
      );
    }
  }

  if (report.slides && report.slides.missing.length > 0) {
    fail('slides', `slide${report.slides.missing.length === 1 ? '' : 's'} ${report.slides.missing.join(', ')} never shown (expected ${report.slides.expected.join(', ')})`);
  }

  const videoTimed = report.cameras.some((c) => c.expectedFrames > 0) || (report.screenshare?.expectedFrames ?? 0) > 0;
  if (audioExpected && videoTimed) {
    if (report.avSyncMs === null) fail('av-sync', 'A/V sync could not be measured (no matched tone bursts or no webcam frames)');
    else if (Math.abs(report.avSyncMs) > t.maxAbsAvSyncMs + SLACK_MS) {
      fail('av-sync', `A/V sync ${report.avSyncMs} ms (audio ${report.audio.offsetMs} ms, video ${report.videoOffsetMs} ms), target ±${t.maxAbsAvSyncMs} ms`);
    }
  }

  const frameMs = report.frames?.medianIntervalMs ?? 1000 / 30;
  const maxLeading = t.maxLeadingMs ?? frameMs;
  if (report.leadingMs === null) fail('leading', 'no frame with content (no readable code) in the output');
  else if (report.leadingMs > maxLeading + SLACK_MS) {
    fail('leading', `first content frame at ${report.leadingMs} ms, target ≤ ${maxLeading.toFixed(1)} ms${t.maxLeadingMs === null ? ' (one frame)' : ''}`);
  }

  if (report.end.endErrorMs === null) fail('end', 'no frame with content, so no end to measure');
  else if (Math.abs(report.end.endErrorMs) > t.maxAbsEndErrorMs + SLACK_MS) {
    fail('end', `content ends at ${report.end.lastContentEndMs} ms, expected ${report.end.expectedEndMs} ms (error ${report.end.endErrorMs} ms, target ±${t.maxAbsEndErrorMs} ms)`);
  }
  if (Math.abs(report.durationErrorMs) > t.maxAbsEndErrorMs + SLACK_MS) {
    fail('duration', `output lasts ${report.durationMs} ms, expected ${report.expectedDurationMs} ms (error ${report.durationErrorMs} ms, target ±${t.maxAbsEndErrorMs} ms)`);
  }
  return failed;
}
