/**
 * Which player the end-to-end tests drive: the bundled stand-in, or BBB's real player when
 * BBB_CAPTURE_PLAYER names the directory of a bbb-playback build (its build/ folder).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { defaultPlayerDir } from '../../../src/server/default-player-dir.js';

export interface PlayerUnderTest {
  /** Directory served at /playback/presentation/2.3/. */
  dir: string;
  /** 'standin' for the bundled player, 'real' for a bbb-playback build. */
  kind: 'standin' | 'real';
  /**
   * Whether the player keeps time by its `bbbplaybacktimeupdate` event, so the render engine and
   * the tests' own stepping (support/step-player.ts) can step it. bbb-playback 2.3.x does not: it
   * polls its webcams video and passes the time down as a React prop (docs/how-it-works.md).
   */
  clockContract: boolean;
}

/** Skip reason of the tests that step the player by its time event, for players that do not keep it. */
export const NO_CLOCK_CONTRACT =
  'this player build never dispatches bbbplaybacktimeupdate (bbb-playback 2.3.x polls its video instead): it cannot be stepped, so --engine render and the stepped player screenshots do not apply; auto captures it (record.spec.ts)';

/** Whether any script of a player build names the time event (minified bundles keep event names as strings). */
function namesClockEvent(dir: string): boolean {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.js'))
    .some((f) => readFileSync(path.join(dir, f), 'utf8').includes('bbbplaybacktimeupdate'));
}

/** The player chosen by BBB_CAPTURE_PLAYER; throws if it names a folder without a player. */
export function playerUnderTest(env: NodeJS.ProcessEnv = process.env): PlayerUnderTest {
  const chosen = env.BBB_CAPTURE_PLAYER?.trim();
  if (!chosen) return { dir: defaultPlayerDir(), kind: 'standin', clockContract: true };
  const dir = path.resolve(chosen);
  if (!existsSync(path.join(dir, 'index.html'))) throw new Error(`BBB_CAPTURE_PLAYER=${chosen}: no index.html there (expected a bbb-playback build folder)`);
  return { dir, kind: 'real', clockContract: namesClockEvent(dir) };
}
