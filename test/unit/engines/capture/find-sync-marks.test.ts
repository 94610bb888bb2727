import { describe, expect, it } from 'vitest';
import { findBeep, firstAppearances, parseShowinfo } from '../../../../src/engines/capture/find-sync-marks.js';
import { drawCode, fitPanel } from '../../../../src/frame-code/frame-code.js';
import { Raster } from '../../../../src/frame-code/raster.js';

describe('sync mark detection', () => {
  it('finds when each clip frame first appears, by its code', () => {
    const frames: Buffer[] = [];
    for (const [value, channel] of [
      [0, 15],
      [0, 15],
      [1, 15],
      [2, 3],
      [3, 15],
    ] as const) {
      const r = new Raster(160, 90);
      drawCode(r, fitPanel({ x: 5, y: 5, w: 150, h: 80 }), 'camera', value, channel);
      frames.push(r.data);
    }
    const found = firstAppearances(Buffer.concat(frames), [10, 10.03, 10.07, 10.1, 10.13], 160, 90, 15);
    expect([...found]).toEqual([
      [0, 10],
      [1, 10.07],
      [3, 10.13],
    ]);
  });

  it('times the beep to the sample through the frame holding it', () => {
    const pcm = new Int16Array(4800);
    for (let i = 2000; i < 2500; i++) pcm[i] = Math.round(20000 * Math.sin((2 * Math.PI * (i - 2000)) / 48));
    const t = findBeep(
      pcm,
      [
        { pts: 5, samples: 960 },
        { pts: 5.02, samples: 960 },
        { pts: 5.04, samples: 2880 },
      ],
      48000,
      0,
    );
    // Sample 2000 lies in the third frame (starts at sample 1920, pts 5.04): 5.04 + 80/48000, first above 10% of peak.
    expect(t).toBeGreaterThan(5.04 + 80 / 48000);
    expect(t).toBeLessThan(5.04 + 82 / 48000);
  });

  it('parses showinfo and ashowinfo lines', () => {
    const stderr =
      '[Parsed_showinfo_0 @ 0x1] n:   0 pts:    520 pts_time:0.52 duration: 33\n[Parsed_ashowinfo_0 @ 0x2] n:0 pts:0 pts_time:1.5 fmt:fltp channels:2 chlayout:stereo rate:48000 nb_samples:960 checksum:0\n';
    expect(parseShowinfo(stderr, 'video')).toEqual([{ pts: 0.52, samples: 0 }]);
    expect(parseShowinfo(stderr, 'audio')).toEqual([{ pts: 1.5, samples: 960 }]);
  });
});
