/**
 * Colour: every output is BT.709 (primaries, transfer, matrix) in limited range, tagged so, and
 * every picture that goes into it is converted to what Chromium would show. What Chromium 156
 * does with a video's YUV (seen by showing colour bars in <video> and reading the screenshot,
 * docs/how-it-works.md "Colour"): it applies the matrix of the video's tag; an untagged video is
 * read as BT.709 from 720 lines up and as BT.601 below; no primaries or transfer conversion
 * between BT.601 and BT.709 is visible. Tab capture's H.264 (the capture engine's page layer) is
 * tagged BT.709 but was converted from RGB with the BT.601 matrix, so the compositor converts the
 * matrix only, with ffmpeg's colorspace filter (swscale's YUV-to-YUV conversion was 4 levels off
 * on mid grey; the filter is exact to a level). The render engine's page pictures are PNG
 * screenshots, RGB exactly as Chromium shows the page: swscale's RGB-to-YUV with the BT.709
 * matrix into limited range (RGB_TO_OUTPUT) is what they need.
 */

/** The matrices Chromium reads videos with. */
export type Matrix = 'bt601' | 'bt709';

/** ffmpeg output options tagging the output as what the compositor writes: BT.709, limited range. */
export const OUTPUT_COLOUR_ARGS: readonly string[] = ['-colorspace', 'bt709', '-color_primaries', 'bt709', '-color_trc', 'bt709', '-color_range', 'tv'];

/** How Chromium reads a video stream's YUV, from ffprobe's `color_space` and the height. */
export function chromiumMatrix(stream: { colorSpace?: string | undefined; height: number }): Matrix {
  const tag = stream.colorSpace ?? 'unknown';
  if (tag === 'bt709') return 'bt709';
  if (tag === 'smpte170m' || tag === 'bt470bg') return 'bt601';
  return stream.height >= 720 ? 'bt709' : 'bt601';
}

/**
 * A filter (no trailing comma) converting 8-bit YUV read with `matrix` in `range` to BT.709
 * limited range, yuv420p; the matrix only (see the header). Just the pixel format where there is
 * nothing to convert.
 */
export function toOutputColour(matrix: Matrix, range: 'tv' | 'pc'): string {
  if (matrix === 'bt709' && range === 'tv') return 'format=yuv420p';
  // Primaries and transfer are named the same on both sides, so only the matrix (and range) change.
  return `colorspace=ispace=${matrix === 'bt601' ? 'bt470bg' : 'bt709'}:iprimaries=bt709:itrc=bt709:irange=${range}:space=bt709:primaries=bt709:trc=bt709:range=tv:format=yuv420p`;
}

/** The capture engine's page layer (tab capture's H.264 or VP8, BT.601 limited whatever the tag says). */
export const CAPTURED_PAGE_COLOUR = toOutputColour('bt601', 'tv');
/** An RGB source (a colour, a PNG) into the output: swscale's RGB-to-YUV with the BT.709 matrix, limited range. */
export const RGB_TO_OUTPUT = 'scale=out_color_matrix=bt709:out_range=tv,format=yuv420p';

/** The render engine's page pictures (Chromium's PNG screenshots: RGB as shown). */
export const SCREENSHOT_COLOUR = RGB_TO_OUTPUT;
