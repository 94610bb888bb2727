/**
 * Decodes the PNG screenshots Chromium takes (8-bit RGB or RGBA, not interlaced) into an RGB24
 * Raster for readCodes and pixel checks. Deliberately tiny: it refuses anything else.
 */
import { inflateSync } from 'node:zlib';
import { Raster } from '../../../src/frame-code/raster.js';

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/** RGB24 raster of a PNG; throws on formats Chromium does not produce. */
export function decodePng(png: Buffer): Raster {
  if (!png.subarray(0, 8).equals(SIGNATURE)) throw new Error('not a PNG');
  let offset = 8;
  let width = 0;
  let height = 0;
  let channels = 0;
  const idat: Buffer[] = [];
  while (offset < png.length) {
    const length = png.readUInt32BE(offset);
    const type = png.toString('latin1', offset + 4, offset + 8);
    const data = png.subarray(offset + 8, offset + 8 + length);
    offset += 12 + length;
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      const [depth, colorType, , , interlace] = [data[8], data[9], data[10], data[11], data[12]];
      if (depth !== 8 || interlace !== 0 || (colorType !== 2 && colorType !== 6))
        throw new Error(`unsupported PNG (depth ${depth}, colour type ${colorType}, interlace ${interlace})`);
      channels = colorType === 6 ? 4 : 3;
    } else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') break;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const out = new Raster(width, height);
  let prev = Buffer.alloc(stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const line = Buffer.from(raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1)));
    for (let i = 0; i < stride; i++) {
      const a = i >= channels ? line[i - channels]! : 0;
      const b = prev[i]!;
      const c = i >= channels ? prev[i - channels]! : 0;
      const x = line[i]!;
      switch (filter) {
        case 0:
          break;
        case 1:
          line[i] = (x + a) & 0xff;
          break;
        case 2:
          line[i] = (x + b) & 0xff;
          break;
        case 3:
          line[i] = (x + ((a + b) >> 1)) & 0xff;
          break;
        case 4:
          line[i] = (x + paeth(a, b, c)) & 0xff;
          break;
        default:
          throw new Error(`bad PNG filter ${filter}`);
      }
    }
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 3;
      out.data[o] = line[x * channels]!;
      out.data[o + 1] = line[x * channels + 1]!;
      out.data[o + 2] = line[x * channels + 2]!;
    }
    prev = line;
  }
  return out;
}
