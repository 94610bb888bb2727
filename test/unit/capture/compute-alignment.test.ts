import { describe, expect, it } from 'vitest';
import { computeAlignment } from '../../../src/capture/compute-alignment.js';

// 30 fps frames presented from page time 1000 ms, frame n at 1000 + n*33.33 ms.
const samples = Array.from({ length: 30 }, (_, i): [number, number] => [(i + 1) / 30, 1000 + ((i + 1) * 1000) / 30]);

describe('computeAlignment', () => {
  it('maps the first instant to file time through the sync clip', () => {
    const a = computeAlignment({ samples, from: 0, flashDisplayMs: 21_000, beepDisplayMs: 21_000, flashInFile: 20.5, beepInFile: 20.56 });
    // Media 0 was at page 1.000 s; the flash at page 21.000 s sits at file 20.5 s (video) and 20.56 s (audio).
    expect(a.videoStart).toBeCloseTo(0.5, 6);
    expect(a.audioStart).toBeCloseTo(0.56, 6);
    expect(a.captureSkewMs).toBeCloseTo(60, 6);
    expect(a.maxLagMs).toBeCloseTo(0, 6);
  });

  it('ignores a late first frame and reports later stalls as lag', () => {
    const late: Array<[number, number]> = [[1 / 30, 1100], ...samples.slice(1), [10, 1000 + 10_000 + 400]];
    const a = computeAlignment({ samples: late, from: 0, flashDisplayMs: 0, beepDisplayMs: 0, flashInFile: 0, beepInFile: 0 });
    expect(a.videoStart).toBeCloseTo(1.0, 3);
    expect(a.maxLagMs).toBeCloseTo(400, 0);
  });

  it('measures from --from, not from 0', () => {
    const part = samples.map(([m, d]): [number, number] => [m + 30, d]);
    const a = computeAlignment({ samples: part, from: 30, flashDisplayMs: 0, beepDisplayMs: 0, flashInFile: 0, beepInFile: 0 });
    expect(a.videoStart).toBeCloseTo(1.0, 6);
  });
});
