import { defineConfig } from '@playwright/test';

/**
 * End-to-end tests: real Chromium, real ffmpeg, a local server. They run one at a time because
 * each capture needs the machine's CPU to itself to be judged fairly (see README, benchmarks).
 * BBB_CAPTURE_PLAYER=<dir of a bbb-playback build> runs them against BBB's real player instead of
 * the bundled stand-in.
 */
export default defineConfig({
  testDir: 'test/e2e',
  workers: 1,
  fullyParallel: false,
  timeout: 240_000,
  expect: { timeout: 15_000 },
  reporter: [['list']],
  outputDir: 'test-results',
});
