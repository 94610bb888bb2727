import { describe, expect, it } from 'vitest';
import { ToneBurstDetector } from '../../../src/verify/tone-burst-detector.js';

const RATE = 48_000;

/** Silence with bursts of `length` samples at the given start samples. */
function signal(total: number, starts: number[], options: { length?: number; amplitude?: number; phase?: number; noise?: number } = {}): Float32Array {
  const { length = 2160, amplitude = 0.5, phase = 0, noise = 0 } = options;
  const out = new Float32Array(total);
  let seed = 1;
  const rand = () => {
    seed = (seed * 16807) % 2147483647;
    return (seed / 2147483647) * 2 - 1;
  };
  for (let i = 0; i < total; i++) out[i] = noise * rand();
  for (const s of starts) for (let k = 0; k < length && s + k < total; k++) out[s + k]! += amplitude * Math.cos(2 * Math.PI * 1000 * (k / RATE) + phase);
  return out;
}

/** Pushes in blocks of irregular sizes, as pipes deliver them. */
function detect(samples: Float32Array, burstMs = 45): ReturnType<ToneBurstDetector['finish']> {
  const detector = new ToneBurstDetector({ sampleRate: RATE, burstMs });
  const sizes = [1, 997, 4096, 13, 65536, 300];
  for (let i = 0, k = 0; i < samples.length; k++) {
    const n = Math.min(sizes[k % sizes.length]!, samples.length - i);
    detector.push(samples.subarray(i, i + n));
    i += n;
  }
  return detector.finish();
}

describe('ToneBurstDetector', () => {
  it('finds cosine-start bursts to the sample, whatever the block boundaries', () => {
    const starts = [24_000, 120_000, 216_001, 280_017];
    const result = detect(signal(6 * RATE, starts));
    expect(result.onsets.map((t) => Math.round(t * RATE))).toEqual(starts);
    expect(result.peak).toBeCloseTo(0.5, 3);
    expect(result.samples).toBe(6 * RATE);
  });

  it('finds sine-start bursts within two samples (the first samples are near zero)', () => {
    const starts = [10_000, 100_000];
    const result = detect(signal(3 * RATE, starts, { phase: -Math.PI / 2 }));
    const found = result.onsets.map((t) => t * RATE);
    found.forEach((f, i) => {
      expect(f - starts[i]!).toBeGreaterThanOrEqual(0);
    });
    found.forEach((f, i) => {
      expect(f - starts[i]!).toBeLessThanOrEqual(2.001);
    });
  });

  it('uses a threshold relative to each burst, so quiet and loud bursts time alike', () => {
    const quiet = signal(RATE, [5_000], { amplitude: 0.05 });
    const loud = signal(RATE, [30_000], { amplitude: 0.9 });
    const mixed = quiet.map((x, i) => x + loud[i]!);
    expect(detect(mixed).onsets.map((t) => Math.round(t * RATE))).toEqual([5_000, 30_000]);
  });

  it('ignores clicks shorter than half a burst and noise below the trigger', () => {
    const s = signal(2 * RATE, [40_000], { noise: 0.003 });
    for (let i = 0; i < 48; i++) s[10_000 + i] = 0.4; // a 1 ms click
    const result = detect(s);
    expect(result.onsets.map((t) => Math.round(t * RATE))).toEqual([40_000]);
  });

  it('handles a burst at the very first sample and one running past the end', () => {
    const result = detect(signal(RATE, [0, RATE - 1500]));
    expect(result.onsets.map((t) => Math.round(t * RATE))).toEqual([0, RATE - 1500]);
  });

  it('reports silence as no bursts and zero peak', () => {
    const result = detect(new Float32Array(RATE));
    expect(result).toMatchObject({ onsets: [], peak: 0 });
  });
});
