/** The fidelity targets end-to-end tests hold a real-time capture to. */
import { checkTargets } from '../../../src/verify/check-targets.js';
import type { FidelityReport } from '../../../src/verify/fidelity-report.js';

/**
 * What a single capture holds on the 2-core reference machine (see README, Benchmarks): the
 * targets for leading and end, A/V within 60 ms rather than 40, and 90 % of webcam frames rather
 * than 98 %: these 8 s samples pack a zoom and a screen-share switch, where the page re-rasterises
 * the slide on the CPU and the compositor drops a few frames. One more allowance: the player
 * switches to (and from) the screen share on its next time event, up to 1/f s late, so the
 * share's first frame or two are not shown by the player itself; a capture cannot deliver them.
 */
export function missedTargets(report: FidelityReport): string[] {
  const share = report.screenshare;
  return checkTargets(report, { minDeliveredRatio: 0.9, maxAbsAvSyncMs: 60 })
    .filter((c) => !(c.check === 'delivered:screenshare' && share && share.deliveredFrames >= share.expectedFrames - 2))
    .map((c) => c.message);
}

