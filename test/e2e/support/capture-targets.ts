/** The fidelity targets end-to-end tests hold a real-time capture to. */
import { checkTargets } from '../../../src/verify/check-targets.js';
import type { FidelityReport } from '../../../src/verify/fidelity-report.js';

/**
 * What a single capture holds on the 2-core reference machine (see README, Benchmarks): the
 * targets for leading and end, A/V within 60 ms rather than 40, and 90 % of webcam frames rather
 * than 98 %: these 8 s samples pack a zoom and a screen-share switch, where the page re-rasterises
 * the slide on the CPU and the compositor drops a few frames. (checkTargets itself allows the
 * screen share the frames the player skips when it switches on its time event.)
 */
export function missedTargets(report: FidelityReport): string[] {
  return checkTargets(report, { minDeliveredRatio: 0.9, maxAbsAvSyncMs: 60 }).map((c) => c.message);
}
