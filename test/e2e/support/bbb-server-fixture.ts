/**
 * Playwright Test fixtures for end-to-end tests: a temporary recordings directory, the local BBB
 * server on 127.0.0.1 serving it with the player under test (see player-dir.ts), and the system
 * Chromium launched the way captures need it (autoplay allowed). All are worker-scoped: the
 * server and the generated recordings are shared by the tests of a worker and removed after.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test as base } from '@playwright/test';
import { findChromium } from '../../../src/browser/find-chromium.js';
import { startServer, type RunningServer } from '../../../src/server/start-server.js';
import { playerUnderTest, type PlayerUnderTest } from './player-dir.js';

export interface BbbWorkerFixtures {
  /** The player served at /playback/presentation/2.3/. */
  player: PlayerUnderTest;
  /** An empty directory the tests fill with recordings (one sub-directory per record id). */
  recordingsDir: string;
  /** The local BBB server for recordingsDir and player. */
  bbbServer: RunningServer;
}

export const test = base.extend<object, BbbWorkerFixtures>({
  launchOptions: [
    // biome-ignore lint/correctness/noEmptyPattern: Playwright reads a fixture's dependencies from this destructuring and needs it even when empty
    async ({}, use) => {
      await use({ executablePath: findChromium(process.env.BBB_CAPTURE_CHROMIUM), args: ['--autoplay-policy=no-user-gesture-required'] });
    },
    { scope: 'worker' },
  ],
  player: [
    // biome-ignore lint/correctness/noEmptyPattern: Playwright reads a fixture's dependencies from this destructuring and needs it even when empty
    async ({}, use) => use(playerUnderTest()),
    { scope: 'worker' },
  ],
  recordingsDir: [
    // biome-ignore lint/correctness/noEmptyPattern: Playwright reads a fixture's dependencies from this destructuring and needs it even when empty
    async ({}, use) => {
      const dir = await mkdtemp(path.join(tmpdir(), 'bbb-capture-e2e-'));
      try {
        await use(dir);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
    { scope: 'worker' },
  ],
  bbbServer: [
    async ({ recordingsDir, player }, use) => {
      const server = await startServer({ recordingsDir, playerDir: player.dir, host: '127.0.0.1', port: 0 });
      try {
        await use(server);
      } finally {
        await server.close();
      }
    },
    { scope: 'worker' },
  ],
});

export { expect } from '@playwright/test';
