/**
 * The meeting audio of a sample: digital silence with short sine bursts at exactly known samples,
 * so a meter can find audio/video offsets to the sample in an exported file.
 */

/** When and how the bursts sound. All bursts start on whole samples. */
export interface ToneSchedule {
  sampleRate: number;
  frequency: number;
  /** Burst length in samples. */
  lengthSamples: number;
  /** First burst start, in samples. */
  firstSample: number;
  /** Distance between burst starts, in samples. */
  periodSamples: number;
  /** Peak amplitude, full scale = 1. */
  amplitude: number;
}

/** 1 kHz, 45 ms, every 2 s from 0.5 s, at 48 kHz (what Opus in WebM carries natively). */
export const TONE_SCHEDULE: ToneSchedule = {
  sampleRate: 48_000,
  frequency: 1000,
  lengthSamples: 2160,
  firstSample: 24_000,
  periodSamples: 96_000,
  amplitude: 0.5,
};

/** Start sample of every burst that ends within `totalSamples`. */
export function toneStartSamples(totalSamples: number, schedule: ToneSchedule = TONE_SCHEDULE): number[] {
  const starts: number[] = [];
  for (let s = schedule.firstSample; s + schedule.lengthSamples <= totalSamples; s += schedule.periodSamples) starts.push(s);
  return starts;
}

/**
 * The ffmpeg `aevalsrc` expression of the schedule. It works on the sample index `n` (exact
 * integers) rather than the time `t`, so every burst begins exactly on its sample. The burst is a
 * cosine, starting at full amplitude: its first sample is already loud, so the onset is one sample.
 */
export function toneExpression(schedule: ToneSchedule = TONE_SCHEDULE): string {
  const { firstSample: first, periodSamples: period, lengthSamples: length, amplitude, frequency, sampleRate } = schedule;
  // gte(n,first) * lt(mod(n-first,period),length): inside a burst. mod() of a non-negative integer
  // below 2^53 is exact in doubles; the phase restarts at every burst.
  return `gte(n\\,${first})*lt(mod(n-${first}\\,${period})\\,${length})*${amplitude}*cos(2*PI*${frequency}*mod(n-${first}\\,${period})/${sampleRate})`;
}
