/**
 * Which player the end-to-end tests drive: the bundled stand-in, or BBB's real player when
 * BBB_CAPTURE_PLAYER names the directory of a bbb-playback build (its build/ folder).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { defaultPlayerDir } from '../../../src/server/default-player-dir.js';

export interface PlayerUnderTest {
  /** Directory served at /playback/presentation/2.3/. */
  dir: string;
  /** 'standin' for the bundled player, 'real' for a bbb-playback build. */
  kind: 'standin' | 'real';
}

/** The player chosen by BBB_CAPTURE_PLAYER; throws if it names a folder without a player. */
export function playerUnderTest(env: NodeJS.ProcessEnv = process.env): PlayerUnderTest {
  const chosen = env.BBB_CAPTURE_PLAYER?.trim();
  if (!chosen) return { dir: defaultPlayerDir(), kind: 'standin' };
  const dir = path.resolve(chosen);
  if (!existsSync(path.join(dir, 'index.html'))) throw new Error(`BBB_CAPTURE_PLAYER=${chosen}: no index.html there (expected a bbb-playback build folder)`);
  return { dir, kind: 'real' };
}
