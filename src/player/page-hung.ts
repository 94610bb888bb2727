/**
 * The error of a page that did not answer one step of a capture or render in time. The steps are
 * short (a seek, a paint, a screenshot: well under a second on a loaded machine), so a step that
 * takes PAGE_STEP_DEADLINE_MS is a page that stopped answering, not a slow one.
 */
import { CaptureError } from '../errors.js';

/** How long one page step (page.evaluate, a CDP call) may take during capture or render. */
export const PAGE_STEP_DEADLINE_MS = 30_000;

/** A factory of the PAGE_HUNG error for `step` (for withDeadline). */
export function pageHung(step: string, ms: number = PAGE_STEP_DEADLINE_MS): () => CaptureError {
  return () => new CaptureError('PAGE_HUNG', `the player page stopped answering: ${step} took more than ${Math.round(ms / 1000)} s`);
}
