import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts'],
    testTimeout: 60_000,
    // The machine has two cores; unit tests that run ffmpeg should not starve each other.
    maxWorkers: 2,
  },
});
