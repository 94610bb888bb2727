import { describe, expect, it } from 'vitest';
import { adtsFrames } from '../../../src/publish/adts-frames.js';

/** An ADTS frame of `length` bytes (header + zero payload). */
function frame(length: number): Buffer {
  const b = Buffer.alloc(length);
  b[0] = 0xff;
  b[1] = 0xf1; // MPEG-4, no CRC
  b[2] = 0x4c; // AAC LC, 48 kHz
  b[3] = 0x80 | ((length >> 11) & 0x03);
  b[4] = (length >> 3) & 0xff;
  b[5] = ((length & 0x07) << 5) | 0x1f;
  b[6] = 0xfc;
  return b;
}

describe('adtsFrames', () => {
  it('finds every frame by the length in its header', () => {
    const data = Buffer.concat([frame(7), frame(300), frame(2100), frame(9)]);
    expect(adtsFrames(data)).toEqual([
      { offset: 0, length: 7 },
      { offset: 7, length: 300 },
      { offset: 307, length: 2100 },
      { offset: 2407, length: 9 },
    ]);
    expect(adtsFrames(Buffer.alloc(0))).toEqual([]);
  });

  it('refuses what is not ADTS, or a frame cut short', () => {
    expect(() => adtsFrames(Buffer.from('ID3 not adts at all'))).toThrow(/not ADTS at byte 0/);
    expect(() => adtsFrames(Buffer.concat([frame(20), frame(300).subarray(0, 100)]))).toThrow(/cut or broken ADTS frame at byte 20/);
  });
});
