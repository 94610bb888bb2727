/**
 * Which clock the opened player keeps, read from the page: the render engine steps a player by
 * the one it keeps (docs/how-it-works.md, "The player and its clock").
 */
import type { Page } from 'playwright';
import { PAGE_STEP_DEADLINE_MS, pageHung } from './page-hung.js';
import { clockContractKept } from './player-page-api.js';
import { probePolledClock } from './polled-clock-page-api.js';
import { withDeadline } from './with-deadline.js';

/** `event`: it listens to bbbplaybacktimeupdate (bbb-playback 3.0+); `polled`: it polls its webcams media (2.3.x); `none`: neither. */
export type ClockContract = 'event' | 'polled' | 'none';

/** The clock the page keeps; for a player without the time event this plays its webcams once, muted (probePolledClock). */
export async function readClockContract(page: Page): Promise<ClockContract> {
  if (await withDeadline(page.evaluate(clockContractKept), PAGE_STEP_DEADLINE_MS, pageHung('reading the clock contract'))) return 'event';
  const polled = await withDeadline(page.evaluate(probePolledClock), PAGE_STEP_DEADLINE_MS, pageHung("probing the player's polled clock"));
  return polled ? 'polled' : 'none';
}
