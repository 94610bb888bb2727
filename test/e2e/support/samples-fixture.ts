/**
 * Worker-scoped synthetic recordings in the served directory: `sample(variant, seconds)` generates
 * a recording once per worker and returns it with its playback URL on the local BBB server.
 */
import { findFfmpeg } from '../../../src/process/find-ffmpeg.js';
import { generateRecording, type GeneratedRecording } from '../../../src/sample/generate-recording.js';
import type { SampleVariant } from '../../../src/sample/sample-truth.js';
import { test as serverTest } from './bbb-server-fixture.js';

export interface ServedSample extends GeneratedRecording {
  url: string;
}

export const test = serverTest.extend<object, { sample: (variant: SampleVariant, seconds?: number) => Promise<ServedSample> }>({
  sample: [
    async ({ recordingsDir, bbbServer }, use) => {
      const made = new Map<string, Promise<ServedSample>>();
      const ffmpeg = findFfmpeg(process.env.BBB_CAPTURE_FFMPEG);
      await use((variant, seconds = 6) => {
        const key = `${variant}-${seconds}`;
        let recording = made.get(key);
        if (!recording) {
          recording = generateRecording({ root: recordingsDir, variant, duration: seconds, ffmpeg }).then((r) => ({ ...r, url: bbbServer.playbackUrl(r.recordId) }));
          made.set(key, recording);
        }
        return recording;
      });
    },
    { scope: 'worker' },
  ],
});

export { expect } from '@playwright/test';
