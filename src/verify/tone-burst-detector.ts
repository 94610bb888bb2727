/**
 * Finds the onsets of short tone bursts in a stream of mono PCM, to the sample, without keeping
 * the audio: the synthetic meeting audio is silence with bursts at known times, so only a short
 * window around each burst is kept, and the onset is found afterwards with a threshold relative
 * to that burst's own level (a fixed level would move the onset with every gain change or codec).
 */

/** Settings of a ToneBurstDetector. */
export interface ToneBurstDetectorOptions {
  /** Samples per second of what is pushed. */
  sampleRate: number;
  /** Nominal burst length; candidates shorter than half of it are rejected as clicks. */
  burstMs: number;
  /** Absolute level (full scale = 1) that opens a candidate; well above codec noise in silence. */
  triggerLevel?: number;
  /** Onset = first sample reaching this fraction of the burst's peak. */
  relativeThreshold?: number;
}

/** What a detector found in the whole stream. */
export interface ToneBurstResult {
  /** Onset of each burst, seconds from the first sample pushed. */
  onsets: number[];
  /** Peak of each burst (same order), full scale = 1. */
  levels: number[];
  /** Peak absolute sample of the whole stream. */
  peak: number;
  /** Samples seen. */
  samples: number;
}

interface Candidate {
  /** Absolute index of window[0]. */
  start: number;
  window: Float32Array;
  filled: number;
  peak: number;
  /** Absolute index of the sample that opened it. */
  triggered: number;
  /** Absolute index of the last sample at or above the trigger. */
  lastLoud: number;
}

// Samples kept before the trigger: codecs smear an onset forward in time by a few milliseconds
// (pre-echo), and the onset proper lies after the trigger anyway because relativeThreshold·peak
// is above triggerLevel for any real burst.
const PREROLL_MS = 10;
// A burst ends after this much time below the trigger (a 1 kHz sine crosses zero every 0.5 ms).
const QUIET_MS = 20;

/** Streaming onset detector: push() blocks of samples, then finish(). */
export class ToneBurstDetector {
  private readonly sampleRate: number;
  private readonly burstMs: number;
  private readonly trigger: number;
  private readonly relative: number;
  private readonly preroll: Float32Array;
  private readonly windowLength: number;
  private readonly quietSamples: number;
  private index = 0;
  private peak = 0;
  private current: Candidate | undefined;
  private readonly done: Candidate[] = [];

  constructor(options: ToneBurstDetectorOptions) {
    if (!(options.sampleRate > 0)) throw new RangeError(`sampleRate ${options.sampleRate} must be positive`);
    this.sampleRate = options.sampleRate;
    this.burstMs = options.burstMs;
    this.trigger = options.triggerLevel ?? 0.01;
    this.relative = options.relativeThreshold ?? 0.25;
    this.preroll = new Float32Array(Math.round((PREROLL_MS * this.sampleRate) / 1000));
    // Enough after the trigger to see the burst's peak; the onset is within the first cycles.
    this.windowLength = this.preroll.length + Math.round(((Math.min(this.burstMs, 200) + 10) * this.sampleRate) / 1000);
    this.quietSamples = Math.round((QUIET_MS * this.sampleRate) / 1000);
  }

  /** Feeds the next samples (any block size). */
  push(samples: Float32Array): void {
    const pre = this.preroll;
    const preLength = pre.length;
    for (let i = 0; i < samples.length; i++) {
      const x = samples[i]!;
      const a = x < 0 ? -x : x;
      if (a > this.peak) this.peak = a;
      const abs = this.index;
      let c = this.current;
      if (c) {
        if (c.filled < c.window.length) c.window[c.filled++] = x;
        if (a > c.peak) c.peak = a;
        if (a >= this.trigger) c.lastLoud = abs;
        else if (abs - c.lastLoud >= this.quietSamples) {
          this.done.push(c);
          this.current = c = undefined;
        }
      } else if (a >= this.trigger) {
        // Open a candidate with the preroll (oldest first) followed by this sample.
        const have = Math.min(abs, preLength);
        const window = new Float32Array(this.windowLength);
        for (let k = 0; k < have; k++) window[k] = pre[(abs - have + k) % preLength]!;
        window[have] = x;
        this.current = { start: abs - have, window, filled: have + 1, peak: a, triggered: abs, lastLoud: abs };
      }
      if (preLength > 0) pre[abs % preLength] = x;
      this.index++;
    }
  }

  /** Ends the stream and returns every burst's onset. */
  finish(): ToneBurstResult {
    if (this.current) {
      this.done.push(this.current);
      this.current = undefined;
    }
    const onsets: number[] = [];
    const levels: number[] = [];
    const minLength = (this.burstMs / 2 / 1000) * this.sampleRate;
    for (const c of this.done) {
      const length = c.lastLoud - c.triggered;
      if (length < minLength) continue;
      const threshold = c.peak * this.relative;
      let onset = -1;
      for (let k = 0; k < c.filled; k++) {
        const v = c.window[k]!;
        if ((v < 0 ? -v : v) >= threshold) {
          onset = k;
          break;
        }
      }
      if (onset < 0) continue;
      onsets.push((c.start + onset) / this.sampleRate);
      levels.push(c.peak);
    }
    return { onsets, levels, peak: this.peak, samples: this.index };
  }
}
