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
   * Whether the render engine and the tests' own stepping (support/step-player.ts) can step the
   * player: it keeps time by its `bbbplaybacktimeupdate` event, or (bbb-playback 2.3.x) by the
   * poll of its webcams video it starts on play (docs/how-it-works.md).
   */
  clockContract: boolean;
  /** Which of the two clocks its scripts show: 'event' (3.0 on), 'polled' (2.3.x), 'none'. */
  clock: 'event' | 'polled' | 'none';
  /** Whether it plays audio-only recordings (audio/audio.webm); bbb-playback 2.3.x and 3.0.0 show their 404 screen for them. */
  audioOnly: boolean;
}

/** Skip reason of the tests that step the player by its time event, for players that do not keep it. */
export const NO_CLOCK_CONTRACT =
  'this player build neither dispatches bbbplaybacktimeupdate nor polls its webcams video as bbb-playback 2.3.x does: it cannot be stepped, so --engine render and the stepped player screenshots do not apply; auto captures it (record.spec.ts)';

/** Skip reason of the tests of audio-only recordings, for players that cannot play them. */
export const NO_AUDIO_ONLY =
  'this player build only looks for video/webcams.{mp4,webm} (bbb-playback 2.3.x and 3.0.0; 3.1.0 added audio/audio.webm) and shows its 404 screen for an audio-only recording';

/** Whether any script of a player build holds `pattern` (minified bundles keep event names and file paths as strings). */
function scriptsHold(dir: string, pattern: RegExp): boolean {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.js'))
    .some((f) => pattern.test(readFileSync(path.join(dir, f), 'utf8')));
}

/**
 * The time event's name as builds spell it: whole (react-scripts 5, bbb-playback 5.x) or as the
 * player's prefix joined at run time, `"".concat("bbbplayback","timeupdate")` (react-scripts 4, 3.x and 4.x).
 */
const CLOCK_EVENT = /bbbplayback\W{0,8}timeupdate/;

/** bbb-playback 2.3.x's poll, minified: `setInterval((function(){var e=X.webcams.currentTime();t(e)}),1e3/...rps)`. */
const WEBCAMS_POLL = /setInterval\W{0,30}function\W{0,10}\w{0,4}\W{0,4}\w{1,3}=\w{1,4}\.webcams\.currentTime\(\)/;

/** The player chosen by BBB_CAPTURE_PLAYER; throws if it names a folder without a player. */
export function playerUnderTest(env: NodeJS.ProcessEnv = process.env): PlayerUnderTest {
  const chosen = env.BBB_CAPTURE_PLAYER?.trim();
  if (!chosen) return { dir: defaultPlayerDir(), kind: 'standin', clockContract: true, clock: 'event', audioOnly: true };
  const dir = path.resolve(chosen);
  if (!existsSync(path.join(dir, 'index.html'))) throw new Error(`BBB_CAPTURE_PLAYER=${chosen}: no index.html there (expected a bbb-playback build folder)`);
  const clock = scriptsHold(dir, CLOCK_EVENT) ? 'event' : scriptsHold(dir, WEBCAMS_POLL) ? 'polled' : 'none';
  return { dir, kind: 'real', clockContract: clock !== 'none', clock, audioOnly: scriptsHold(dir, /audio\/audio\.webm/) };
}
