/**
 * How many player pages the render engine steps at once (`--workers`, default auto).
 *
 * One page spends most of each picture waiting on Chromium: dispatching the time and waiting for
 * the page to settle, then the screenshot's own redraw and readback (about 50 ms a picture on a
 * 2-core machine, 40 ms of it Chromium's CPU, split between its renderer, compositor and browser
 * processes). For a long recording with timeline events every half second, that page, not the
 * encoders, set the pace: with one page, one encoder ran at a time for most of a 10-minute
 * render. A second page keeps both encoders busy from the start (10 minutes at 1080p with a 15 fps
 * webcam, 2-core machine, same run: 86.9 s with two pages against 91.0 s with one). It costs a
 * second page's load: about 2 s, and about 200 MB of Chromium memory (a 772 MiB peak for 10
 * minutes against 574 MiB with one page), which a short part never earns back (60 s: 14.9 s with
 * two, 14.2 s with one). So auto opens the second page from SECOND_PAGE_FROM_S on, where the
 * machine has at least two CPUs.
 */
import { availableParallelism } from 'node:os';

/** Part length from which auto steps two pages. */
export const SECOND_PAGE_FROM_S = 300;

/** The number of pages for `workers` (a number is taken as given) and a part of `partSeconds`. */
export function renderPages(workers: number | 'auto', partSeconds: number, cpus: number = availableParallelism()): number {
  if (workers !== 'auto') return workers;
  return cpus >= 2 && partSeconds >= SECOND_PAGE_FROM_S ? 2 : 1;
}
