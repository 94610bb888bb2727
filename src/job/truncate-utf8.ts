/**
 * Cutting text to a byte budget. File systems count a name's length in bytes (Linux NAME_MAX is
 * 255 bytes), and one CJK character is three bytes of UTF-8, an emoji four: a limit in UTF-16
 * units lets a 150-character meeting name through at 450 bytes, to fail only at the final write.
 */

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * The longest prefix of `text` that is at most `maxBytes` bytes of UTF-8, cut between grapheme
 * clusters (an accent stays with its letter, a flag or family emoji stays whole); a single cluster
 * longer than the whole budget is cut between code points, never inside a surrogate pair.
 */
export function truncateUtf8(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text) <= maxBytes) return text;
  let out = '';
  let used = 0;
  for (const { segment } of graphemes.segment(text)) {
    const bytes = Buffer.byteLength(segment);
    if (used + bytes <= maxBytes) {
      out += segment;
      used += bytes;
      continue;
    }
    if (out === '') {
      for (const codePoint of segment) {
        const n = Buffer.byteLength(codePoint);
        if (used + n > maxBytes) break;
        out += codePoint;
        used += n;
      }
    }
    break;
  }
  return out;
}
