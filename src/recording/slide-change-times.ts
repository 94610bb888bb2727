/**
 * The instants at which a new picture takes the presentation: every `in` time of shapes.svg's
 * `<image>` elements (a slide, or the screen share's placeholder). The player shows such a
 * change by repainting the whole presentation, which a loaded machine takes longest to paint.
 */

/** Every `in` time (seconds, sorted, unique) of the `<image>` elements of a shapes.svg. */
export function slideChangeTimes(shapesSvg: string): number[] {
  const times = new Set<number>();
  for (const [tag] of shapesSvg.matchAll(/<image\b[^>]*>/g)) {
    // One image may be shown several times: `in` then holds a time per showing.
    const list = /\sin="([^"]*)"/.exec(tag)?.[1] ?? '';
    for (const word of list.trim().split(/\s+/)) {
      const t = Number(word);
      if (word !== '' && Number.isFinite(t) && t >= 0) times.add(t);
    }
  }
  return Array.from(times).sort((a, b) => a - b);
}
