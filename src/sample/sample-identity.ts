/**
 * Identity of a synthetic recording: a BBB-shaped record id (`<sha1>-<start ms>`) derived only from
 * the options, so the same options always give the same directory name and the same files.
 */
import { createHash } from 'node:crypto';
import type { SampleVariant } from './sample-truth.js';

/** 2025-01-01T00:00:00Z: every sample starts on this day, at a second derived from the options. */
const BASE_START_MS = 1_735_689_600_000;

export interface SampleIdentity {
  /** The external meeting id the sample pretends to come from. */
  externalId: string;
  /** `^[a-z0-9]{40}-[0-9]{13}$`; also the internal meeting id of metadata.xml. */
  recordId: string;
  startTimeMs: number;
  /** The presentation's id, shaped like BBB's (`<sha1>-<ms>`). */
  presentationId: string;
}

function sha1(text: string): string {
  return createHash('sha1').update(text).digest('hex');
}

/** The record id, start time and presentation id for a variant, duration (s) and webcam fps. */
export function sampleIdentity(variant: SampleVariant, duration: number, fps: number): SampleIdentity {
  // Milliseconds keep durations like 4.5 s apart from 4 s; fps is part of the content too.
  const externalId = `bbb-capture-sample-${variant}-${Math.round(duration * 1000)}ms-${fps}fps`;
  const hash = sha1(externalId);
  // A start second within the day, so different samples do not all share one timestamp.
  const startTimeMs = BASE_START_MS + (parseInt(hash.slice(0, 8), 16) % 86_400) * 1000;
  return {
    externalId,
    recordId: `${hash}-${startTimeMs}`,
    startTimeMs,
    presentationId: `${sha1(`${externalId}/presentation`)}-${startTimeMs + 1000}`,
  };
}
